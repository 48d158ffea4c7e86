import { Router } from 'express';
import type { Services } from '../services.js';
import { sendError } from '../errorHandler.js';
import { ApiError } from '../apiError.js';
import { authenticateMetrics } from '../authentication.js';

/**
 * How long readiness waits for the store's answer: well under the one second a load balancer
 * or an orchestrator's probe usually allows, whatever the store's client does meanwhile.
 */
export const READINESS_DEADLINE_MS = 500;

/** Liveness, readiness (the store answers) and Prometheus metrics. */
export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (await answersWithin(services.storage.ping(), READINESS_DEADLINE_MS)) {
      res.json({ status: 'ready', store: services.storage.kind });
    } else {
      sendError(res, new ApiError(503, 'STORE_UNAVAILABLE', `the ${services.storage.kind} store does not answer`, undefined, 2));
    }
  });
  router.get('/metrics', async (req, res) => {
    authenticateMetrics(req, services.config.metricsToken);
    res.setHeader('Content-Type', services.metrics.registry.contentType);
    res.send(await services.metrics.registry.metrics());
  });
  return router;
}

/** True when `ping` resolves within `deadlineMs`; false when it fails or is late (its late outcome is ignored). */
async function answersWithin(ping: Promise<void>, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
  try {
    return await Promise.race([ping.then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
