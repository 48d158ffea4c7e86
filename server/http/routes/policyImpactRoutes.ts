import { Router } from 'express';
import { sessionStatus } from '../../../machines/index.js';
import type { PolicyRef } from '../../policies/policyRepository.js';
import { policyImpact, type RecordedRun } from '../../replay/index.js';
import { ApiError } from '../apiError.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { onPolicyDocuments } from './policyDocumentRoutes.js';
import { refView } from './policyRoutes.js';
import { candidateMachine, impactRequestSchema } from '../replayCandidate.js';

/** How far back the newest sessions are searched for ones of the scene (and scheme). */
const sessionsSearched = 5000;
/** Measurements one process runs at once; more wait for a free one (429 with Retry-After). */
const concurrentMeasurements = 2;

/**
 * What a policy change would do (Bearer admin token): the newest finished sessions of a scene (of
 * one scheme, or of all for the global policy) replayed under a saved policy version or a draft,
 * counted as outcomes before and after, with examples whose outcome would change.
 */
export function policyImpactRoutes(services: Services): Router {
  const router = Router();
  let running = 0;
  onPolicyDocuments(router, services, 'post', '/impact', async ({ ref }, req, res) => {
    const body = parseInput(impactRequestSchema, req.body ?? {});
    const candidate = await candidateMachine(services, body, ref.sceneCode);
    if (running >= concurrentMeasurements) throw new ApiError(429, 'BUSY', 'other measurements are running; try again shortly', undefined, 2);
    running += 1;
    try {
      const runs = await finishedRuns(services, ref, body.limit);
      const report = await policyImpact(candidate.machine, runs, body.timers ? { timers: body.timers } : {});
      res.json({ ...refView(ref), candidateVersion: candidate.version, ...report });
    } finally {
      running -= 1;
    }
  });
  return router;
}

/** Sessions read at once while looking for finished ones. */
const readBatch = 50;

async function finishedRuns(services: Services, ref: PolicyRef, limit: number): Promise<RecordedRun[]> {
  const runs: RecordedRun[] = [];
  const ids = await services.storage.sessions.recentIds(sessionsSearched);
  for (let from = 0; from < ids.length && runs.length < limit; from += readBatch) {
    const batch = ids.slice(from, from + readBatch);
    const sessions = await Promise.all(batch.map((id) => services.engine.load(id)));
    const finished = sessions.filter(
      (session): session is NonNullable<typeof session> =>
        session !== null &&
        session.record.sceneCode === ref.sceneCode &&
        (ref.scope === 'global' || session.record.schemeCode === ref.schemeCode) &&
        sessionStatus(session.snapshot) !== 'pending',
    );
    const wanted = finished.slice(0, limit - runs.length);
    const logs = await Promise.all(wanted.map((session) => services.engine.log(session.record.id)));
    wanted.forEach((session, i) => runs.push({ sessionId: session.record.id, status: sessionStatus(session.snapshot), entries: logs[i]! }));
  }
  return runs;
}
