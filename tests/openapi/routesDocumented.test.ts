import type { Express } from 'express';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/useTestServer.js';

/** What the walk needs of Express 5's router layers (router 2.x). */
interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  /** True for `app.use(router)` (mounted at the root). */
  slash?: boolean;
  rawPath?: unknown;
}

/** Every route the app answers, as `METHOD /openapi/{form}`, from its router stack, routers mounted with `app.use(router)` included. */
export function appRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const { path, methods } = layer.route;
        if (typeof path !== 'string' || /[*?(){}]/.test(path)) throw new Error(`route ${String(path)}: teach this walk that path syntax`);
        for (const [method, on] of Object.entries(methods)) {
          if (!on) continue;
          if (method === '_all') throw new Error(`route ${path} answers every method: list them`);
          routes.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) {
        if (!layer.slash) throw new Error(`a router mounted at ${String(layer.rawPath)}: teach this walk its prefix`);
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

const ctx = useTestServer({ store: 'memory' });

describe('the OpenAPI document covers the routes the server has', () => {
  it('every route of the app is documented with its method, and every documented operation is a route of the app', async () => {
    const routes = appRoutes(ctx.server.numberflow.app);
    expect(routes.length).toBeGreaterThan(40);
    expect(new Set(routes).size, 'a route is registered twice').toBe(routes.length);

    const response = await ctx.server.api.get('/openapi.json');
    expect(response.status).toBe(200);
    const documented = Object.entries(response.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(
      routes.filter((route) => !documented.includes(route)),
      'routes missing from the document',
    ).toEqual([]);
    expect(
      documented.filter((operation) => !routes.includes(operation)),
      'documented operations the app does not have',
    ).toEqual([]);
  });

  it('the walk sees the routes of every router, the docs router included', () => {
    const routes = appRoutes(ctx.server.numberflow.app);
    for (const route of [
      'GET /healthz',
      'POST /v1/fusion-auth/token',
      'POST /v1/sessions/{id}/events',
      'PUT /v1/admin/schemes/{code}/webhook',
      'POST /v1/admin/access-keys/{id}/disable',
      'GET /v1/admin/schemes/{code}/policies/{sceneCode}/versions/{number}',
      'POST /v1/simulator/uplink-sms',
      'GET /openapi.json',
      'GET /docs',
    ])
      expect(routes).toContain(route);
  });
});
