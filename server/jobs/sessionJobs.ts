import { actionCatalogue, type ActionName, type RetryClass } from '../../machines/actionCatalogue.js';
import type { HandOver, SessionEngine, SessionWork } from '../engine/sessionEngine.js';
import type { PendingAction } from '../stores/sessionStore.js';
import type { JobHandlers, JobQueue, JobSpec, RetryPolicy } from './jobQueue.js';
import { retryDelayMs } from './retryDelay.js';

/** The numbers behind the action catalogue's retry classes. */
export type SessionRetryPolicies = Record<RetryClass, RetryPolicy>;

export function sessionRetryPolicies(smsBaseMs = 1_000, webhookBaseMs = 10_000): SessionRetryPolicies {
  return {
    // A failure is the result (a carrier error is a CARRIER_RESULT): one attempt.
    none: { attempts: 1, baseDelayMs: 0, jitter: 0 },
    // Risk checks, uplink codes, CAPTCHA challenges, verify tokens: a few quick retries.
    quick: { attempts: 3, baseDelayMs: 500, jitter: 0.2 },
    // SMS sends: five attempts, 1 s, 2 s, 4 s, 8 s apart (± 20 %).
    sms: { attempts: 5, baseDelayMs: smsBaseMs, jitter: 0.2 },
    // Webhooks: ten attempts from 10 s on, about 85 minutes in all.
    webhook: { attempts: 10, baseDelayMs: webhookBaseMs, jitter: 0.2 },
  };
}

export interface MaintenanceSchedule {
  /** How often the due timers of every session are delivered. */
  timerDrainMs: number;
  /** How often outboxes left behind by a crash are handed over again. */
  sweepMs: number;
}

/**
 * The session engine's work as jobs with deterministic ids: an SMS send `sms-<action>`, a webhook
 * `wh-<session>-<version>`, any other action `act-<action>`. The same work handed over twice is one
 * job. A job that runs after its action was done finds nothing to do.
 */
export class SessionJobs implements SessionWork {
  constructor(
    private readonly queue: JobQueue,
    private readonly retry: SessionRetryPolicies = sessionRetryPolicies(),
  ) {}

  async handOver(sessionId: string, actions: readonly HandOver[]): Promise<void> {
    await Promise.all(actions.map(({ action, failedAttempts }) => this.queue.add(this.jobFor(sessionId, action, failedAttempts))));
  }

  attemptsOf(type: ActionName): number {
    return this.retry[actionCatalogue[type].retry].attempts;
  }

  /** Schedules the deployment's maintenance: once per deployment, whichever processes run jobs. */
  async scheduleMaintenance(schedule: MaintenanceSchedule): Promise<void> {
    await this.queue.repeat({ id: 'drain-timers', everyMs: schedule.timerDrainMs, data: { task: 'drainTimers' } });
    await this.queue.repeat({ id: 'sweep-outboxes', everyMs: schedule.sweepMs, data: { task: 'sweep' } });
  }

  /** The handlers a worker runs: each delegates to the engine, which checks the work is still current. */
  handlers(engine: SessionEngine, onMaintenance?: (task: string, result: unknown) => void): JobHandlers {
    const runAction = async (data: Record<string, unknown>, context: { attempt: number; lastAttempt: boolean }) => {
      const before = Number(data.failedAttempts ?? 0);
      await engine.runPendingAction(String(data.sessionId), String(data.actionId), { attempt: before + context.attempt, lastAttempt: context.lastAttempt });
    };
    return {
      action: runAction,
      webhook: runAction,
      maintenance: async (data) => {
        const result = data.task === 'drainTimers' ? await engine.drainDueTimers() : await engine.recoverStaleWork();
        onMaintenance?.(String(data.task), result);
      },
      exhausted: async (kind, data, error) => {
        if (kind !== 'maintenance') await engine.giveUpPendingAction(String(data.sessionId), String(data.actionId), error);
      },
    };
  }

  private jobFor(sessionId: string, action: PendingAction, failedAttempts: number): JobSpec {
    const policy = this.retry[actionCatalogue[action.type].retry];
    const data = { sessionId, actionId: action.id, failedAttempts };
    // The job's own backoff starts where the failed attempts left off.
    const retry: RetryPolicy = { ...policy, attempts: Math.max(1, policy.attempts - failedAttempts), baseDelayMs: policy.baseDelayMs * 2 ** failedAttempts };
    const delayMs = failedAttempts > 0 ? retryDelayMs(policy, failedAttempts) : 0;
    const timing = { retry, ...(delayMs > 0 ? { delayMs } : {}) };
    switch (action.type) {
      case 'sendSmsCode':
        return { kind: 'action', id: `sms-${action.id}`, data, ...timing };
      case 'notifyApp':
        // The action id is `<session>-<version>-<index>`; a final state notifies once, so the version names it.
        return { kind: 'webhook', id: `wh-${action.id.replace(/-\d+$/, '')}`, data, ...timing };
      default:
        return { kind: 'action', id: `act-${action.id}`, data, ...timing };
    }
  }
}
