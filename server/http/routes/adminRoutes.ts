import { Router } from 'express';
import { z } from 'zod';
import { schemeInputSchema } from '../../schemes/schemeSchema.js';
import { ApiError } from '../apiError.js';
import type { Services } from '../services.js';
import { parseSessionId, sessionNotFound } from '../sessionId.js';
import { requireTraced } from '../sessionTrace.js';
import { operatorContext, operatorSessionView, statePath } from '../sessionView.js';
import { parseInput } from '../validation.js';
import { auditChange } from '../auditTrail.js';
import { existingScheme, parseSchemeCode, schemeNotFound } from '../schemeParam.js';

export const accessKeyRequestSchema = z
  .object({
    description: z.string().max(256).optional(),
    /** Lets the key call CreateSchemeConfig and the other scheme calls of the vendor-compatible endpoint. */
    manageSchemes: z.boolean().default(false),
  })
  .strict();
export const accessKeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const listLimitSchema = z.coerce.number().int().min(1).max(1000).default(100);

/** The operator's API (Bearer admin token): schemes, access keys, sessions and their traces. */
export function adminRoutes(services: Services): Router {
  const router = Router();

  router.get('/v1/admin/schemes', async (_req, res) => {
    res.json({ schemes: await services.schemes.list() });
  });

  router.post('/v1/admin/schemes', async (req, res) => {
    const input = parseInput(schemeInputSchema, req.body);
    const scheme = await services.schemes.create(input);
    if (!scheme) throw new ApiError(409, 'SCHEME_EXISTS', `scheme ${input.code} already exists`);
    await auditChange(res, services.audit, { action: 'scheme.create', target: `scheme ${scheme.code}`, before: null, after: scheme });
    res.status(201).location(`/v1/admin/schemes/${scheme.code}`).json(scheme);
  });

  router.get('/v1/admin/schemes/:code', async (req, res) => {
    res.json(await existingScheme(services.schemes, req));
  });

  router.put('/v1/admin/schemes/:code', async (req, res) => {
    const code = parseSchemeCode(req);
    const input = parseInput(schemeInputSchema, req.body);
    if (input.code !== undefined && input.code !== code) throw new ApiError(400, 'CODE_MISMATCH', 'the code in the body differs from the code in the path');
    const before = await services.schemes.get(code);
    const scheme = before && (await services.schemes.replace(code, input));
    if (!scheme) throw schemeNotFound(code);
    await auditChange(res, services.audit, { action: 'scheme.update', target: `scheme ${code}`, before, after: scheme });
    res.json(scheme);
  });

  // A disabled scheme issues no auth tokens, and its auth tokens open and step no sessions (403 SCHEME_DISABLED).
  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    router.post(`/v1/admin/schemes/:code/${action}`, async (req, res) => {
      const code = parseSchemeCode(req);
      const before = await services.schemes.get(code);
      const scheme = before && (await services.schemes.setEnabled(code, enabled));
      if (!scheme) throw schemeNotFound(code);
      if (before.enabled !== scheme.enabled)
        await auditChange(res, services.audit, { action: `scheme.${action}`, target: `scheme ${code}`, before, after: scheme });
      res.json(scheme);
    });
  }

  router.delete('/v1/admin/schemes/:code', async (req, res) => {
    const code = parseSchemeCode(req);
    const before = await services.schemes.get(code);
    if (!before || !(await services.schemes.delete(code))) throw schemeNotFound(code);
    await services.webhooks.remove(code);
    await services.phoneLists.delete(code);
    await auditChange(res, services.audit, { action: 'scheme.delete', target: `scheme ${code}`, before, after: null });
    res.status(204).end();
  });

  router.get('/v1/admin/access-keys', async (_req, res) => {
    res.json({ accessKeys: await services.accessKeys.list() });
  });

  router.post('/v1/admin/access-keys', async (req, res) => {
    const body = parseInput(accessKeyRequestSchema, req.body ?? {});
    const created = await services.accessKeys.create({ manageSchemes: body.manageSchemes, ...(body.description ? { description: body.description } : {}) });
    if (!created) throw new ApiError(409, 'ACCESS_KEY_EXISTS', 'could not create a unique access key; try again');
    await auditChange(res, services.audit, { action: 'accessKey.create', target: `access key ${created.key.id}`, before: null, after: created.key });
    // The secret is shown this once and never again.
    res.status(201).json({ ...created.key, secret: created.secret });
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    router.post(`/v1/admin/access-keys/:id/${action}`, async (req, res) => {
      const id = parseInput(accessKeyIdSchema, req.params.id, 'access key id');
      const before = await services.accessKeys.get(id);
      const key = before && (await services.accessKeys.setEnabled(id, enabled));
      if (!key) throw new ApiError(404, 'ACCESS_KEY_NOT_FOUND', `access key ${id} does not exist`);
      await auditChange(res, services.audit, { action: `accessKey.${action}`, target: `access key ${id}`, before, after: key });
      res.json(key);
    });
  }

  router.delete('/v1/admin/access-keys/:id', async (req, res) => {
    const id = parseInput(accessKeyIdSchema, req.params.id, 'access key id');
    const before = await services.accessKeys.get(id);
    if (!before || !(await services.accessKeys.delete(id))) throw new ApiError(404, 'ACCESS_KEY_NOT_FOUND', `access key ${id} does not exist`);
    await auditChange(res, services.audit, { action: 'accessKey.delete', target: `access key ${id}`, before, after: null });
    res.status(204).end();
  });

  router.get('/v1/admin/sessions', async (req, res) => {
    const limit = parseInput(listLimitSchema, req.query.limit, 'limit');
    const ids = await services.storage.sessions.recentIds(limit);
    const records = await Promise.all(ids.map((id) => services.engine.get(id)));
    res.json({
      sessions: records
        .filter((s) => s !== null)
        .map((s) => ({ ...operatorSessionView(s), createdAt: new Date(s.record.createdAt).toISOString(), traced: !s.record.untraced })),
    });
  });

  router.get('/v1/admin/sessions/:id', async (req, res) => {
    const session = await services.engine.get(parseSessionId(req.params.id));
    if (!session) throw sessionNotFound();
    res.json({
      ...operatorSessionView(session),
      policyVersion: session.record.policyVersion,
      machineId: session.machine.machine.id,
      context: operatorContext(session),
      timers: Object.fromEntries(Object.entries(session.record.timers).map(([type, dueAt]) => [type, { event: { type }, dueAt }])),
      pending: session.record.pending.map(({ id, type }) => ({ id, type })),
      traced: !session.record.untraced,
      createdAt: new Date(session.record.createdAt).toISOString(),
      updatedAt: new Date(session.record.updatedAt).toISOString(),
    });
  });

  router.get('/v1/admin/sessions/:id/trace', async (req, res) => {
    const id = parseSessionId(req.params.id);
    const session = await services.engine.load(id);
    if (!session) throw sessionNotFound();
    requireTraced(session.record);
    const entries = await services.engine.log(id);
    if (!entries.length) throw sessionNotFound();
    res.json({
      sessionId: id,
      entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString(), state: statePath(e.state) })),
    });
  });

  return router;
}
