import { Router } from 'express';
import { bundleClient } from '../clientBundle.js';

export const clientModulePath = '/client/numberflow-client.js';

/**
 * `GET /client/numberflow-client.js`: the TypeScript client as a browser module, bundled once on
 * the first request. Any page may import it (H5 pages live on other origins); it holds no data.
 */
export function clientModuleRoutes(): Router {
  const router = Router();
  let bundle: Promise<string> | undefined;
  router.get(clientModulePath, async (_req, res) => {
    bundle ??= bundleClient().catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
    const source = await bundle;
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('text/javascript; charset=utf-8').send(source);
  });
  return router;
}
