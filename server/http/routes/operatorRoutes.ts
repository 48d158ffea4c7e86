import { Router, type Request } from 'express';
import { z } from 'zod';
import { bootstrapOperatorName } from '../../operators/operatorRepository.js';
import { operatorRoles } from '../../operators/operatorRoles.js';
import { ApiError } from '../apiError.js';
import { operatorOf } from '../authentication.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { auditChange } from '../auditTrail.js';

export const operatorNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{1,31}$/, 'a name of 2 to 32 lower-case letters, digits, dots, dashes or underscores, starting with a letter')
  .refine((name) => name !== bootstrapOperatorName, `${bootstrapOperatorName} is the ADMIN_TOKEN's name`);
export const operatorRoleSchema = z.enum(operatorRoles);
export const operatorCreateSchema = z.object({ name: operatorNameSchema, role: operatorRoleSchema }).strict();
export const operatorUpdateSchema = z
  .object({ role: operatorRoleSchema.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((body) => body.role !== undefined || body.enabled !== undefined, 'give role or enabled');

/**
 * Operator accounts (admins manage them; anyone signed in reads `me`):
 * `GET /v1/admin/me`; `GET|POST /v1/admin/operators`; `PATCH|DELETE /v1/admin/operators/{name}`;
 * `POST /v1/admin/operators/{name}/token` replaces the token. A token is shown once, when made.
 */
export function operatorRoutes(services: Pick<Services, 'operators' | 'audit'>): Router {
  const router = Router();
  const { operators, audit } = services;

  router.get('/v1/admin/me', (_req, res) => {
    res.json(operatorOf(res));
  });

  router.get('/v1/admin/operators', async (_req, res) => {
    res.json({ operators: await operators.list() });
  });

  router.post('/v1/admin/operators', async (req, res) => {
    const body = parseInput(operatorCreateSchema, req.body);
    const created = await operators.create(body.name, body.role);
    if (!created) throw new ApiError(409, 'OPERATOR_EXISTS', `operator ${body.name} already exists`);
    await auditChange(res, audit, { action: 'operator.create', target: `operator ${body.name}`, before: null, after: created.operator });
    res
      .status(201)
      .location(`/v1/admin/operators/${body.name}`)
      .json({ ...created.operator, token: created.token });
  });

  router.patch('/v1/admin/operators/:name', async (req, res) => {
    const name = nameOf(req);
    const body = parseInput(operatorUpdateSchema, req.body);
    const before = await operators.get(name);
    const updated = before && (await operators.update(name, body));
    if (!updated) throw operatorNotFound(name);
    await auditChange(res, audit, { action: 'operator.update', target: `operator ${name}`, before, after: updated });
    res.json(updated);
  });

  router.post('/v1/admin/operators/:name/token', async (req, res) => {
    const name = nameOf(req);
    const replaced = await operators.replaceToken(name);
    if (!replaced) throw operatorNotFound(name);
    await auditChange(res, audit, { action: 'operator.token', target: `operator ${name}`, before: null, after: { tokenReplaced: true } });
    res.json({ ...replaced.operator, token: replaced.token });
  });

  router.delete('/v1/admin/operators/:name', async (req, res) => {
    const name = nameOf(req);
    const before = await operators.get(name);
    if (!before || !(await operators.delete(name))) throw operatorNotFound(name);
    await auditChange(res, audit, { action: 'operator.delete', target: `operator ${name}`, before, after: null });
    res.status(204).end();
  });

  return router;
}

function nameOf(req: Request): string {
  const name = String(req.params.name);
  if (name === bootstrapOperatorName) throw new ApiError(409, 'OPERATOR_BOOTSTRAP', `${bootstrapOperatorName} is the ADMIN_TOKEN: change ADMIN_TOKEN instead`);
  const parsed = operatorNameSchema.safeParse(name);
  if (!parsed.success) throw operatorNotFound(name);
  return parsed.data;
}

const operatorNotFound = (name: string) => new ApiError(404, 'OPERATOR_NOT_FOUND', `operator ${name} does not exist`);
