import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../server/http/routeTable.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * The route table lets a request pass the routers that cannot answer it without entering them, and
 * must answer exactly as Express would have with the routers mounted one after another: any case,
 * a trailing slash, parameters, routers with middleware of their own, errors to the error handler.
 */
describe('the route table', () => {
  const ctx = useTestServer({ store: 'memory' });

  it('routes paths in any case and with a trailing slash, as Express does', async () => {
    for (const path of ['/healthz', '/HealthZ', '/healthz/']) expect((await ctx.server.api.get(path)).status, path).toBe(200);
    const read = await ctx.server.api.get('/V1/Sessions/AAAAAAAAAAAAAAAAAAAAAA');
    expect(read.status).toBe(401);
    expect(read.body.error.code).toBe('AUTH_TOKEN_INVALID');
    expect((await ctx.server.api.get('/v1/no-such-route')).status).toBe(404);
  });

  let baseUrl = '';
  let server: ReturnType<express.Express['listen']>;
  const entered: string[] = [];
  beforeAll(async () => {
    const counted = (name: string, router: Router) =>
      Object.assign(
        ((req, res, next) => {
          entered.push(name);
          return router(req, res, next);
        }) as Router,
        { stack: router.stack },
      );
    const items = Router().get('/items/:id', (req, res) => void res.json({ item: req.params.id }));
    const exact = Router().get('/exact', (_req, res) => void res.json({ exact: true }));
    const failing = Router().get('/fails', () => {
      throw new Error('boom');
    });
    const guarded = Router();
    guarded.use('/guarded', (_req, res) => void res.status(403).json({ guarded: true }));
    const everywhere = Router();
    everywhere.use((_req, _res, next) => next());
    const app = express();
    app.use(
      routeTable([
        counted('items', items),
        counted('exact', exact),
        counted('guarded', guarded),
        counted('everywhere', everywhere),
        counted('failing', failing),
      ]),
    );
    app.use((_req, res) => void res.status(404).json({ missing: true }));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).json({ handled: error.message }));
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string) => {
    entered.length = 0;
    const response = await fetch(baseUrl + path);
    return { status: response.status, body: (await response.json()) as unknown, entered: [...entered] };
  };

  it('enters only the routers whose routes or own middleware could match, and those with middleware for every path', async () => {
    expect(await get('/items/7')).toEqual({ status: 200, body: { item: '7' }, entered: ['items'] });
    expect(await get('/exact')).toEqual({ status: 200, body: { exact: true }, entered: ['exact'] });
    expect(await get('/guarded/x')).toEqual({ status: 403, body: { guarded: true }, entered: ['guarded'] });
    expect(await get('/nowhere')).toEqual({ status: 404, body: { missing: true }, entered: ['everywhere'] });
    expect(await get('/GUARDED/')).toEqual({ status: 403, body: { guarded: true }, entered: ['guarded'] });
  });

  it("passes a route's error on to the app's error handler", async () => {
    expect(await get('/fails')).toEqual({ status: 500, body: { handled: 'boom' }, entered: ['everywhere', 'failing'] });
  });

  it('lists every route of its routers in its stack', () => {
    const table = routeTable([Router().get('/a', () => {}), Router().post('/b/:id', () => {})]);
    expect(table.stack.map((layer) => layer.route?.path)).toEqual(['/a', '/b/:id']);
  });
});
