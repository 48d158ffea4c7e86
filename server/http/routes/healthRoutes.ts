import { Router } from 'express';
import type { Services } from '../services.js';
import { sendError } from '../errorHandler.js';
import { ApiError } from '../apiError.js';

/** Liveness, readiness (the store answers) and Prometheus metrics. */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await services.storage.ping();
      res.json({ status: 'ready', store: services.storage.kind });
    } catch {
      sendError(res, new ApiError(503, 'STORE_UNAVAILABLE', `the ${services.storage.kind} store does not answer`, undefined, 2));
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', services.metrics.registry.contentType);
    res.send(await services.metrics.registry.metrics());
  });
  return router;
}
