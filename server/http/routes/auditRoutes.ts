import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    action: z.string().min(1).max(64).optional(),
    target: z.string().min(1).max(200).optional(),
  })
  .strict();

/** `GET /v1/admin/audit?limit&action&target`: the audit log, newest first (any operator may read it). */
export function auditRoutes(services: Pick<Services, 'audit'>): Router {
  const router = Router();
  router.get('/v1/admin/audit', async (req, res) => {
    const query = parseInput(auditQuerySchema, req.query, 'query');
    res.json({
      entries: await services.audit.list({
        limit: query.limit,
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.target !== undefined ? { target: query.target } : {}),
      }),
    });
  });
  return router;
}
