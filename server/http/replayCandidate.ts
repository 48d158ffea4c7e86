import { z } from 'zod';
import { createSessionMachine, policySchema, type Policy } from '../../machines/index.js';
import { policyVersionOf } from '../policies/policyVersion.js';
import { ApiError } from './apiError.js';
import type { Services } from './services.js';

/** What a what-if replays under: a saved policy version or a draft policy, and how its timers fire. */
export const candidateFields = {
  /** Replay against this policy version id (e.g. another version of the scheme's policy) instead of the session's own. */
  policyVersion: z.string().min(1).max(128).optional(),
  /** …or against a draft policy that was never saved. */
  policy: policySchema.optional(),
  /** `recorded` (default): timers fire when they fired in the recording; `candidate`: when the candidate policy's own delays say. */
  timers: z.enum(['recorded', 'candidate']).optional(),
};
const oneCandidate = (body: { policyVersion?: string | undefined; policy?: unknown }) => !(body.policyVersion && body.policy);
export const replayRequestSchema = z.object(candidateFields).strict().refine(oneCandidate, 'give policyVersion or policy, not both');
export const impactRequestSchema = z
  .object({ ...candidateFields, limit: z.number().int().min(1).max(1000).default(200) })
  .strict()
  .refine(oneCandidate, 'give policyVersion or policy, not both')
  .refine((body) => body.policyVersion || body.policy, 'give the policyVersion or the draft policy to measure');

/** The machine a what-if replays under: a stored policy version or a draft, for the session's scene. */
export async function candidateMachine(services: Services, body: { policyVersion?: string | undefined; policy?: Policy | undefined }, sceneCode: string) {
  const candidate = body.policy ? draftMachine(body.policy) : await services.engine.machineForVersion(body.policyVersion!);
  if (!candidate) throw new ApiError(404, 'POLICY_VERSION_NOT_FOUND', `policy version ${body.policyVersion} does not exist`);
  if (candidate.policy.sceneCode !== sceneCode) {
    throw new ApiError(400, 'SCENE_MISMATCH', `the policy is for scene ${candidate.policy.sceneCode}, the sessions ran scene ${sceneCode}`);
  }
  return candidate;
}

/** A draft policy's machine, built for this replay only (drafts are not kept in the machine cache). */
function draftMachine(policy: Policy) {
  try {
    return { machine: createSessionMachine(policy), policy, version: `draft:${policyVersionOf(policy)}` };
  } catch (error) {
    throw new ApiError(400, 'POLICY_INVALID', `the draft policy does not make a machine: ${error instanceof Error ? error.message : String(error)}`);
  }
}
