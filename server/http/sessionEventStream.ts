import type { Request, Response } from 'express';
import type { LiveStreams } from './liveStreams.js';
import type { Services } from './services.js';
import { operatorSessionView, statePath } from './sessionView.js';

/** How often a live stream looks for new entries. */
const livePollMs = 400;

/** A stream lives this long at most; the browser's EventSource then reconnects and resumes. */
const liveStreamMaxMs = 10 * 60_000;
const heartbeatMs = 15_000;

/**
 * Server-Sent Events: `entry` for every log entry after `after` (its `id` is the entry's version,
 * so a reconnecting EventSource resumes with Last-Event-ID), `session` with the session view after
 * each change, and `end` once the session is over.
 */
export async function streamSession(services: Services, streams: LiveStreams, id: string, after: number, req: Request, res: Response): Promise<void> {
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
      // One record read per poll; the log is read only when the session moved.
      const session = await services.engine.load(id);
      if (!session) break;
      if (first || session.record.version > last) {
        first = false;
        const entries = session.record.version > last ? (await services.engine.log(id)).filter((e) => e.version > last) : [];
        for (const entry of entries) {
          send('entry', { ...entry, at: new Date(entry.at).toISOString(), state: statePath(entry.state) }, entry.version);
          last = entry.version;
        }
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
    req.log.warn({ err: { message: error instanceof Error ? error.message : String(error) }, sessionId: id }, 'live stream ended early');
  } finally {
    res.end();
  }
}
