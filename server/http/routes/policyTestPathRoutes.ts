import { Router } from 'express';
import { z } from 'zod';
import { platforms, testPathsOf, type Platform, type Policy, type TestPaths } from '../../../machines/index.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { onPolicyDocuments } from './policyDocumentRoutes.js';

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

  onPolicyDocuments(router, services, 'get', '/test-paths', async ({ ref, scheme }, req, res) => {
    const chosen = parseInput(testPathPlatformSchema, req.query.platform, 'platform');
    const state = await services.policies.state(ref);
    res.json({ policyVersion: state.policyVersion, ...pathsOf(state.policy, state.policyVersion, chosen ?? scheme?.platform ?? 'Android') });
  });
  return router;
}
