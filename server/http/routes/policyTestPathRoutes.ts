import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { platforms, testPathsOf, type Platform, type Policy, type TestPaths } from '../../../machines/index.js';
import type { PolicyRef } from '../../policies/policyRepository.js';
import { authenticateAdmin } from '../authentication.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { existingSchemeCode, parseSceneCode } from './policyRoutes.js';

export const testPathPlatformSchema = z.enum(platforms).optional();

/** Paths are computed once per policy version and platform (up to about a second for the largest policies). */
const cacheLimit = 64;

/**
 * Tests from the policy graph, for testers (Bearer admin token): paths through the machine of the
 * policy in effect that together reach every state and take every transition, each step with the
 * machine event to send and the state it leads to, plus what they cover.
 */
export function policyTestPathRoutes(services: Services): Router {
  const router = Router();
  const cache = new Map<string, TestPaths>();
  const pathsOf = (policy: Policy, policyVersion: string, platform: Platform): TestPaths => {
    const key = `${policyVersion}:${platform}`;
    let paths = cache.get(key);
    if (!paths) {
      paths = testPathsOf(policy, { platform });
      if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
      cache.set(key, paths);
    }
    return paths;
  };

  const testPaths = (refOf: (req: Request) => Promise<{ ref: PolicyRef; platform: Platform }>) => async (req: Request, res: Response) => {
    authenticateAdmin(req, services.adminToken);
    const chosen = parseInput(testPathPlatformSchema, req.query.platform, 'platform');
    const { ref, platform } = await refOf(req);
    const state = await services.policies.state(ref);
    res.json({ policyVersion: state.policyVersion, ...pathsOf(state.policy, state.policyVersion, chosen ?? platform) });
  };

  router.get(
    '/v1/admin/policies/:sceneCode/test-paths',
    testPaths(async (req) => ({ ref: { scope: 'global', sceneCode: parseSceneCode(req) }, platform: 'Android' })),
  );
  router.get(
    '/v1/admin/schemes/:code/policies/:sceneCode/test-paths',
    testPaths(async (req) => {
      const schemeCode = await existingSchemeCode(services, req);
      const scheme = await services.schemes.get(schemeCode);
      return { ref: { scope: 'scheme', schemeCode, sceneCode: parseSceneCode(req) }, platform: scheme?.platform ?? 'Android' };
    }),
  );
  return router;
}
