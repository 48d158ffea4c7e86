import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { createSessionMachine, policySchema, sessionStatus, type Policy } from '../../../machines/index.js';
import { policyVersionOf } from '../../policies/policyVersion.js';
import { renderSvg, sessionTimelineSvg, stateChartDot } from '../../../visualizations/index.js';
import { replaySession, sessionRecordingFormat, whatIfReplay, type SessionRecording } from '../../replay/index.js';
import type { SessionLogEntry } from '../../stores/sessionStore.js';
import { ApiError } from '../apiError.js';
import { authenticateAdmin } from '../authentication.js';
import type { LiveStreams } from '../liveStreams.js';
import type { Services } from '../services.js';
import { parseSessionId, sessionNotFound } from '../sessionId.js';
import { operatorSessionView, statePath } from '../sessionView.js';
import { parseInput } from '../validation.js';

export const chartFormatSchema = z.enum(['svg', 'dot']).default('svg');
const candidateFields = {
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
/** How often a live stream looks for new entries. */
const livePollMs = 400;

/**
 * What product owners and testers look at for one session (Bearer admin token): its state chart
 * with where it is and where it went, its timeline, a live stream of its steps, and replays.
 */
export function sessionInsightRoutes(services: Services): Router {
  const router = Router();
  router.use('/v1/admin/sessions/:id/:view', (req, _res, next) => {
    authenticateAdmin(req, services.adminToken);
    next();
  });

  router.get('/v1/admin/sessions/:id/chart', async (req, res) => {
    const format = parseInput(chartFormatSchema, req.query.format, 'format');
    const { session, entries } = await sessionWithLog(services, req);
    const dot = stateChartDot(session.machine.machine, {
      current: session.snapshot.value,
      visited: entries.map((e) => e.state),
      visitedEvents: entries.map((e) => (typeof e.payload.type === 'string' ? e.payload.type : undefined)),
    });
    sendChart(res, format, dot);
  });

  router.get('/v1/admin/sessions/:id/timeline', async (req, res) => {
    const { entries } = await sessionWithLog(services, req);
    res.type('image/svg+xml; charset=utf-8').send(sessionTimelineSvg(entries));
  });

  router.get('/v1/admin/sessions/:id/recording', async (req, res) => {
    const { session, entries } = await sessionWithLog(services, req);
    const recording: SessionRecording = {
      format: sessionRecordingFormat,
      sessionId: session.record.id,
      schemeCode: session.record.schemeCode,
      sceneCode: session.record.sceneCode,
      status: sessionStatus(session.snapshot),
      recordedAt: new Date(services.clock()).toISOString(),
      policyVersion: session.record.policyVersion,
      policy: session.machine.policy,
      entries,
    };
    res.attachment(`session-${session.record.id}.json`).json(recording);
  });

  router.post('/v1/admin/sessions/:id/replay', async (req, res) => {
    const body = parseInput(replayRequestSchema, req.body ?? {});
    const { session, entries } = await sessionWithLog(services, req);
    if (!body.policy && !body.policyVersion) {
      res.json({ mode: 'replay', policyVersion: session.record.policyVersion, ...replaySession(session.machine.machine, entries) });
      return;
    }
    const candidate = await candidateMachine(services, body, session.record.sceneCode);
    res.json({
      mode: 'whatIf',
      policyVersion: session.record.policyVersion,
      candidateVersion: candidate.version,
      ...whatIfReplay(candidate.machine, entries, body.timers ? { timers: body.timers } : {}),
    });
  });

  router.get('/v1/admin/sessions/:id/live', async (req, res) => {
    const id = parseSessionId(req.params.id);
    if (!(await services.engine.load(id))) throw sessionNotFound();
    const resumeFrom = Number(req.headers['last-event-id'] ?? req.query.after ?? 0);
    await streamSession(services, services.liveStreams, id, Number.isInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0, req, res);
  });

  return router;
}

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

async function sessionWithLog(services: Services, req: Request) {
  const id = parseSessionId(req.params.id);
  const session = await services.engine.load(id);
  if (!session) throw sessionNotFound();
  const entries: SessionLogEntry[] = await services.engine.log(id);
  return { session, entries };
}

export async function sendChart(res: Response, format: 'svg' | 'dot', dot: string): Promise<void> {
  if (format === 'dot') {
    res.type('text/vnd.graphviz; charset=utf-8').send(dot);
    return;
  }
  res.type('image/svg+xml; charset=utf-8').send(await renderSvg(dot));
}

/** A stream lives this long at most; the browser's EventSource then reconnects and resumes. */
const liveStreamMaxMs = 10 * 60_000;
const heartbeatMs = 15_000;

/**
 * Server-Sent Events: `entry` for every log entry after `after` (its `id` is the entry's version,
 * so a reconnecting EventSource resumes with Last-Event-ID), `session` with the session view after
 * each change, and `end` once the session is over.
 */
async function streamSession(services: Services, streams: LiveStreams, id: string, after: number, req: Request, res: Response): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 2000\n\n');
  streams.add(res);
  let closed = false;
  req.on('close', () => {
    closed = true;
  });
  const send = (event: string, data: unknown, eventId?: number) =>
    res.write(`${eventId === undefined ? '' : `id: ${eventId}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const started = Date.now();
  let last = after;
  let lastWrite = Date.now();
  let first = true;
  try {
    while (!closed && !res.writableEnded && !streams.isClosing && Date.now() - started < liveStreamMaxMs) {
      const entries = (await services.engine.log(id)).filter((e) => e.version > last);
      if (entries.length || first) {
        first = false;
        for (const entry of entries) {
          send('entry', { ...entry, at: new Date(entry.at).toISOString(), state: statePath(entry.state) }, entry.version);
          last = entry.version;
        }
        const session = await services.engine.load(id);
        if (!session) break;
        const view = operatorSessionView(session);
        send('session', view);
        lastWrite = Date.now();
        if (view.status !== 'pending') {
          send('end', { status: view.status });
          break;
        }
      } else if (Date.now() - lastWrite > heartbeatMs) {
        res.write(': still here\n\n');
        lastWrite = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, livePollMs));
    }
  } catch (error) {
    // The store went away mid-stream: end it; the client reconnects (`retry`) and resumes after `last`.
    services.logger.warn({ err: { message: error instanceof Error ? error.message : String(error) }, sessionId: id }, 'live stream ended early');
  } finally {
    res.end();
  }
}
