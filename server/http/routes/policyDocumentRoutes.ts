import type { Request, Response, Router } from 'express';
import type { PolicyRef } from '../../policies/policyRepository.js';
import type { Scheme } from '../../schemes/schemeSchema.js';
import { existingScheme } from '../schemeParam.js';
import { parseSceneCode, type PolicyRouteServices } from './policyRoutes.js';

/** A policy document a request names: the global policy of a scene, or a scheme's (with the scheme). */
export interface PolicyDocumentTarget {
  ref: PolicyRef;
  scheme: Scheme | null;
}

/**
 * Registers one operator route for both kinds of policy document: `/v1/admin/policies/{scene}<suffix>`
 * and `/v1/admin/schemes/{code}/policies/{scene}<suffix>`, with the admin token checked and the
 * document resolved (404 for an unknown scene or scheme) before `handle` runs.
 */
export function onPolicyDocuments(
  router: Router,
  services: PolicyRouteServices,
  method: 'get' | 'post',
  suffix: string,
  handle: (target: PolicyDocumentTarget, req: Request, res: Response) => Promise<void>,
): void {
  router[method](`/v1/admin/policies/:sceneCode${suffix}`, async (req, res) => {
    await handle({ ref: { scope: 'global', sceneCode: parseSceneCode(req) }, scheme: null }, req, res);
  });
  router[method](`/v1/admin/schemes/:code/policies/:sceneCode${suffix}`, async (req, res) => {
    const scheme = await existingScheme(services.schemes, req);
    await handle({ ref: { scope: 'scheme', schemeCode: scheme.code, sceneCode: parseSceneCode(req) }, scheme }, req, res);
  });
}
