import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isSceneCode, sceneCodes, scenes, type SceneCode } from '../../../machines/index.js';
import { PolicyConflict, PolicyInherited, PolicyRejected, PolicyVersionNotFound } from '../../policies/policyErrors.js';
import type { PolicyRef, PolicyState, PolicyVersionEntry, SaveOptions, SaveResult } from '../../policies/policyRepository.js';
import { ApiError } from '../apiError.js';
import { operatorOf } from '../authentication.js';
import type { AuditLog } from '../../audit/auditLog.js';
import { auditChange } from '../auditTrail.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { existingScheme } from '../schemeParam.js';

export type PolicyRouteServices = Pick<Services, 'policies' | 'schemes' | 'audit'>;

export const restoreDefaultsSchema = z.object({ node: z.string().min(1).max(64).optional() }).strict();
export const rollbackSchema = z.object({ version: z.number().int().min(1) }).strict();
export const loggingSchema = z.object({ enabled: z.boolean() }).strict();
export const inheritanceSchema = z.discriminatedUnion('inherit', [
  z.object({ inherit: z.literal(true) }).strict(),
  z.object({ inherit: z.literal(false), policy: z.unknown().optional() }).strict(),
]);
export const versionNumberSchema = z
  .string()
  .regex(/^[1-9]\d{0,8}$/)
  .transform(Number);

/**
 * The policy console (Bearer admin token): the global policy of each scene, and each scheme's
 * policy per scene, which inherits the global one or overrides it. Every change is a version
 * with author, time and diff; any earlier version can be rolled back to.
 *
 * Global:  GET /v1/admin/policies; GET|PUT|PATCH /v1/admin/policies/{scene};
 *          POST …/restore-defaults {node?}; GET …/versions; GET …/versions/{n}; POST …/rollback {version};
 *          GET|PUT /v1/admin/policies/{scene}/logging {enabled}.
 * Scheme:  GET /v1/admin/schemes/{code}/policies; GET|PUT|PATCH /v1/admin/schemes/{code}/policies/{scene}
 *          (PUT {inherit: true} | {inherit: false, policy?}); and the same restore-defaults, versions, rollback.
 * Saves are authored by the operator who signs the request, and take an optional `If-Match: "<version>"`.
 */
export function policyRoutes(services: PolicyRouteServices): Router {
  const router = Router();
  const { policies } = services;

  // ---- global policies ----

  router.get('/v1/admin/policies', async (_req, res) => {
    const states = await Promise.all(sceneCodes.map((sceneCode) => policies.state({ scope: 'global', sceneCode })));
    const settings = await Promise.all(sceneCodes.map((sceneCode) => policies.sceneSettings(sceneCode)));
    res.json({ policies: states.map((state, i) => ({ ...summaryView(state), logging: settings[i]!.logging })) });
  });

  const globalRef = async (req: Request): Promise<PolicyRef> => ({ scope: 'global', sceneCode: parseSceneCode(req) });
  const globalView = async (state: PolicyState) => ({ ...policyView(state), logging: (await policies.sceneSettings(state.ref.sceneCode)).logging });
  documentRoutes(router, '/v1/admin/policies/:sceneCode', globalRef, globalView, services);

  router.put('/v1/admin/policies/:sceneCode', async (req, res) => {
    const ref = await globalRef(req);
    const result = await saving(() => policies.savePolicy(ref, req.body, saveOptions(req, res)));
    await sendSaved(res, services.audit, result, await globalView(result.state));
  });

  router.get('/v1/admin/policies/:sceneCode/logging', async (req, res) => {
    const sceneCode = parseSceneCode(req);
    res.json(loggingView(sceneCode, await policies.sceneSettings(sceneCode)));
  });

  router.put('/v1/admin/policies/:sceneCode/logging', async (req, res) => {
    const sceneCode = parseSceneCode(req);
    const body = parseInput(loggingSchema, req.body);
    const before = await policies.sceneSettings(sceneCode);
    const after = await policies.setLogging(sceneCode, body.enabled, operatorOf(res).name);
    if (before.logging !== after.logging) {
      const target = policyTarget({ scope: 'global', sceneCode });
      await auditChange(res, services.audit, { action: 'policy.logging', target, before: { logging: before.logging }, after: { logging: after.logging } });
    }
    res.json(loggingView(sceneCode, after));
  });

  // ---- scheme policies ----

  router.get('/v1/admin/schemes/:code/policies', async (req, res) => {
    const schemeCode = (await existingScheme(services.schemes, req)).code;
    const states = await Promise.all(sceneCodes.map((sceneCode) => policies.state({ scope: 'scheme', schemeCode, sceneCode })));
    res.json({ schemeCode, policies: states.map(summaryView) });
  });

  const schemeRef = async (req: Request): Promise<PolicyRef> => {
    const sceneCode = parseSceneCode(req);
    return { scope: 'scheme', schemeCode: (await existingScheme(services.schemes, req)).code, sceneCode };
  };
  const schemeView = async (state: PolicyState) => policyView(state);
  documentRoutes(router, '/v1/admin/schemes/:code/policies/:sceneCode', schemeRef, schemeView, services);

  router.put('/v1/admin/schemes/:code/policies/:sceneCode', async (req, res) => {
    const ref = (await schemeRef(req)) as Extract<PolicyRef, { scope: 'scheme' }>;
    const body = parseInput(inheritanceSchema, req.body);
    const options = saveOptions(req, res);
    const result = await saving(() =>
      body.inherit || body.policy === undefined
        ? policies.setInheritance(ref.schemeCode, ref.sceneCode, body.inherit, options)
        : policies.savePolicy(ref, body.policy, options),
    );
    await sendSaved(res, services.audit, result, policyView(result.state));
  });

  return router;
}

/** What the global and the scheme documents share: read, patch, restore defaults, versions, rollback. */
function documentRoutes(
  router: Router,
  path: string,
  refOf: (req: Request) => Promise<PolicyRef>,
  viewOf: (state: PolicyState) => Promise<Record<string, unknown>>,
  { policies, audit }: PolicyRouteServices,
): void {
  router.get(path, async (req, res) => {
    const state = await policies.state(await refOf(req));
    res.setHeader('ETag', `"${state.number}"`).json(await viewOf(state));
  });

  router.patch(path, async (req, res) => {
    const ref = await refOf(req);
    const result = await saving(() => policies.patchPolicy(ref, req.body, saveOptions(req, res)));
    await sendSaved(res, audit, result, await viewOf(result.state));
  });

  router.post(`${path}/restore-defaults`, async (req, res) => {
    const ref = await refOf(req);
    const body = parseInput(restoreDefaultsSchema, req.body ?? {});
    const result = await saving(() => policies.restoreDefaults(ref, body.node, saveOptions(req, res)));
    await sendSaved(res, audit, result, await viewOf(result.state));
  });

  router.post(`${path}/rollback`, async (req, res) => {
    const ref = await refOf(req);
    const body = parseInput(rollbackSchema, req.body);
    const result = await saving(() => policies.rollback(ref, body.version, saveOptions(req, res)));
    await sendSaved(res, audit, result, await viewOf(result.state));
  });

  router.get(`${path}/versions`, async (req, res) => {
    const ref = await refOf(req);
    res.json({ ...refView(ref), versions: (await policies.versions(ref)).map(versionEntryView) });
  });

  router.get(`${path}/versions/:number`, async (req, res) => {
    const ref = await refOf(req);
    const parsed = versionNumberSchema.safeParse(req.params.number);
    const entry = parsed.success ? await policies.version(ref, parsed.data) : null;
    if (!entry) throw versionNotFound(String(req.params.number));
    const { policy, ...version } = entry;
    res.json({ ...refView(ref), ...versionEntryView(version), policy });
  });
}

async function saving(save: () => Promise<SaveResult>): Promise<SaveResult> {
  try {
    return await save();
  } catch (error) {
    if (error instanceof PolicyRejected) throw new ApiError(400, 'POLICY_INVALID', error.message, { errors: error.errors, warnings: error.warnings });
    if (error instanceof PolicyConflict)
      throw new ApiError(409, 'POLICY_VERSION_CONFLICT', `${error.message}: read it again and retry`, { currentVersion: error.currentNumber });
    if (error instanceof PolicyInherited) throw new ApiError(409, 'POLICY_INHERITED', error.message);
    if (error instanceof PolicyVersionNotFound) throw versionNotFound(String(error.number));
    throw error;
  }
}

async function sendSaved(res: Response, audit: AuditLog, result: SaveResult, view: Record<string, unknown>): Promise<void> {
  if (result.entry) {
    const { change, number, diff } = result.entry;
    await auditChange(res, audit, {
      action: `policy.${change}`,
      target: policyTarget(result.state.ref),
      before: { version: number - 1, ...Object.fromEntries(diff.map((d) => [d.path, d.from])) },
      after: { version: number, ...Object.fromEntries(diff.map((d) => [d.path, d.to])) },
    });
  }
  res.setHeader('ETag', `"${result.state.number}"`).json({ ...view, changed: result.changed, warnings: result.warnings });
}

function saveOptions(req: Request, res: Response): SaveOptions {
  const options: SaveOptions = { author: operatorOf(res).name };
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
    if (!match) throw new ApiError(400, 'VALIDATION_FAILED', 'If-Match must be a policy version number, e.g. "3"');
    options.expectedNumber = Number(match[1]);
  }
  return options;
}

export function parseSceneCode(req: Request): SceneCode {
  const sceneCode = String(req.params.sceneCode);
  if (!isSceneCode(sceneCode)) throw new ApiError(404, 'SCENE_NOT_FOUND', `scene ${sceneCode} does not exist (scenes: ${sceneCodes.join(', ')})`);
  return sceneCode;
}

export const versionNotFound = (number: string) => new ApiError(404, 'POLICY_VERSION_NOT_FOUND', `policy version ${number} does not exist`);

/** How the audit log names a policy document. */
export function policyTarget(ref: PolicyRef): string {
  return ref.scope === 'global' ? `global policy ${ref.sceneCode}` : `scheme ${ref.schemeCode} policy ${ref.sceneCode}`;
}

export function refView(ref: PolicyRef) {
  return { scope: ref.scope, ...(ref.scope === 'scheme' ? { schemeCode: ref.schemeCode } : {}), sceneCode: ref.sceneCode };
}

function summaryView(state: PolicyState) {
  return {
    ...refView(state.ref),
    sceneName: scenes[state.ref.sceneCode].name,
    ...(state.ref.scope === 'scheme' ? { inherit: state.inherit } : {}),
    version: state.number,
    policyVersion: state.policyVersion,
    isDefault: state.isDefault,
    updatedAt: state.lastChange?.at ?? null,
    updatedBy: state.lastChange?.author ?? null,
  };
}

function policyView(state: PolicyState) {
  return {
    ...summaryView(state),
    allowedNodes: scenes[state.ref.sceneCode].allowedNodes,
    lastChange: state.lastChange?.change ?? null,
    ...(state.global ? { globalVersion: state.global.number } : {}),
    policy: state.policy,
  };
}

function versionEntryView(entry: PolicyVersionEntry) {
  const { number, ...rest } = entry;
  return { version: number, ...rest };
}

function loggingView(sceneCode: SceneCode, settings: { logging: boolean; updatedAt?: string; updatedBy?: string }) {
  return { sceneCode, enabled: settings.logging, updatedAt: settings.updatedAt ?? null, updatedBy: settings.updatedBy ?? null };
}
