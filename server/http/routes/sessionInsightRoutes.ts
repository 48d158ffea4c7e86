import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { sessionStatus } from '../../../machines/index.js';
import { renderSvg, sessionTimelineSvg } from '../../../visualizations/index.js';
import { replaySession, sessionRecordingFormat, whatIfReplay, type SessionRecording } from '../../replay/index.js';
import type { SessionLogEntry } from '../../stores/sessionStore.js';
import { candidateMachine, replayRequestSchema } from '../replayCandidate.js';
import { sessionChartDot } from '../sessionChart.js';
import { streamSession } from '../sessionEventStream.js';
import type { Services } from '../services.js';
import { parseSessionId, sessionNotFound } from '../sessionId.js';
import { requireTraced } from '../sessionTrace.js';
import { parseInput } from '../validation.js';

export const chartFormatSchema = z.enum(['svg', 'dot']).default('svg');

/**
 * What product owners and testers look at for one session (Bearer admin token): its state chart
 * with where it is and where it went, its timeline, a live stream of its steps, and replays.
 */
export function sessionInsightRoutes(services: Services): Router {
  const router = Router();

  router.get('/v1/admin/sessions/:id/chart', async (req, res) => {
    const format = parseInput(chartFormatSchema, req.query.format, 'format');
    const { session, entries } = await sessionWithLog(services, req);
    await sendChart(res, format, sessionChartDot(session, entries));
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
    const { session, entries } = await sessionWithLog(services, req, 'replay');
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
    const session = await services.engine.load(id);
    if (!session) throw sessionNotFound();
    requireTraced(session.record);
    const resumeFrom = Number(req.headers['last-event-id'] ?? req.query.after ?? 0);
    await streamSession(services, services.liveStreams, id, Number.isInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0, req, res);
  });

  return router;
}

/** The session and its event log; `trace`: for a view of its trace, refused when the session keeps none (replay is not). */
async function sessionWithLog(services: Services, req: Request, use: 'trace' | 'replay' = 'trace') {
  const id = parseSessionId(req.params.id);
  const session = await services.engine.load(id);
  if (!session) throw sessionNotFound();
  if (use === 'trace') requireTraced(session.record);
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
