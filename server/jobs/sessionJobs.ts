import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LoadedSession, SessionEngine, SessionWork } from '../engine/sessionEngine.js';
import type { PendingAction, TimerEntry } from '../stores/sessionStore.js';
import type { JobHandlers, JobQueue, JobSpec, RetryPolicy } from './jobQueue.js';

export interface SessionRetryPolicies {
  /** SMS sends: by default five attempts, 1 s, 2 s, 4 s, 8 s apart (± 20 %). */
  sms: RetryPolicy;
  /** Webhooks: by default ten attempts from 10 s on, about 85 minutes in all. */
  webhook: RetryPolicy;
  /** Everything else (risk checks, carrier exchanges, tokens): a few quick retries. */
  action: RetryPolicy;
}

export function sessionRetryPolicies(smsBaseMs = 1_000, webhookBaseMs = 10_000): SessionRetryPolicies {
  return {
    sms: { attempts: 5, baseDelayMs: smsBaseMs, jitter: 0.2 },
    webhook: { attempts: 10, baseDelayMs: webhookBaseMs, jitter: 0.2 },
    action: { attempts: 3, baseDelayMs: 500, jitter: 0.2 },
  };
}

/**
 * The session engine's durable work as jobs with deterministic ids: a timer is
 * `tm-<session>-<timer>-<due>`, an SMS send `sms-<action>`, a webhook `wh-<session>-<version>`,
 * any other action `act-<action>`. The same work handed over twice is one job.
 */
export class SessionJobs implements SessionWork {
  private readonly completions = new EventEmitter();
  private readonly latest = new Map<string, LoadedSession>();

  constructor(
    private readonly queue: JobQueue,
    private readonly clock: () => number,
    private readonly retry: SessionRetryPolicies = sessionRetryPolicies(),
  ) {
    this.completions.setMaxListeners(0);
  }

  async timersChanged(sessionId: string, previous: Record<string, TimerEntry>, next: Record<string, TimerEntry>): Promise<void> {
    for (const [timerId, timer] of Object.entries(previous)) {
      if (next[timerId]?.dueAt !== timer.dueAt) await this.queue.remove('timer', timerJobId(sessionId, timerId, timer.dueAt));
    }
    for (const [timerId, timer] of Object.entries(next)) {
      if (previous[timerId]?.dueAt === timer.dueAt) continue;
      await this.queue.add({
        kind: 'timer',
        id: timerJobId(sessionId, timerId, timer.dueAt),
        data: { sessionId, timerId, dueAt: timer.dueAt },
        delayMs: Math.max(0, timer.dueAt - this.clock()),
      });
    }
  }

  async actionsQueued(sessionId: string, actions: PendingAction[]): Promise<void> {
    for (const action of actions) await this.queue.add(jobFor(sessionId, action, this.retry));
  }

  async nextCompletion(sessionId: string, afterVersion: number, timeoutMs: number): Promise<LoadedSession | null> {
    const known = this.latest.get(sessionId);
    if (known && known.record.version > afterVersion) return known;
    return new Promise((resolve) => {
      const listener = (session: LoadedSession) => {
        if (session.record.version <= afterVersion) return;
        cleanUp();
        resolve(session);
      };
      const timer = setTimeout(() => {
        cleanUp();
        resolve(null);
      }, timeoutMs);
      const cleanUp = () => {
        clearTimeout(timer);
        this.completions.off(sessionId, listener);
      };
      this.completions.on(sessionId, listener);
    });
  }

  completed(session: LoadedSession): void {
    const id = session.record.id;
    this.latest.set(id, session);
    // Only what a request waiting right now could use is kept.
    setTimeout(() => {
      if (this.latest.get(id) === session) this.latest.delete(id);
    }, 5_000).unref();
    this.completions.emit(id, session);
  }

  /** The handlers a worker runs: each delegates to the engine, which checks the work is still current. */
  handlers(engine: SessionEngine, onExhausted: (error: Error, data: Record<string, unknown>) => void): JobHandlers {
    const runAction = async (data: Record<string, unknown>, context: { attempt: number; lastAttempt: boolean }) => {
      await engine.runQueuedAction(String(data.sessionId), String(data.actionId), context);
    };
    return {
      timer: async (data) => {
        await engine.deliverTimers(String(data.sessionId));
      },
      action: runAction,
      webhook: runAction,
      exhausted: async (kind, data, error) => {
        onExhausted(error, data);
        if (kind !== 'timer') await engine.failQueuedAction(String(data.sessionId), String(data.actionId), error);
      },
    };
  }
}

function jobFor(sessionId: string, action: PendingAction, retry: SessionRetryPolicies): JobSpec {
  const data = { sessionId, actionId: action.id };
  switch (action.type) {
    case 'sendSmsCode':
      return { kind: 'action', id: `sms-${action.id}`, data, retry: retry.sms };
    case 'notifyApp':
      // The action id is `<session>-<version>-<index>`; a final state notifies once, so the version names it.
      return { kind: 'webhook', id: `wh-${action.id.replace(/-\d+$/, '')}`, data, retry: retry.webhook };
    default:
      return { kind: 'action', id: `act-${action.id}`, data, retry: retry.action };
  }
}

function timerJobId(sessionId: string, timerId: string, dueAt: number): string {
  return `tm-${sessionId}-${createHash('sha1').update(timerId).digest('hex').slice(0, 12)}-${dueAt}`;
}
