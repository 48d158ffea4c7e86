import { sessionStatus, type SessionContext } from '../../machines/index.js';
import type { LoadedSession } from '../engine/loadedSession.js';
import type { PendingAction } from '../stores/sessionStore.js';
import { sessionWebhookEvent, type FinishedSessionStatus, type WebhookEvent } from './webhookEvent.js';

const finishedStatuses: readonly string[] = ['verified', 'failed', 'expired'] satisfies FinishedSessionStatus[];

/**
 * The webhook event of a `notifyApp` outbox action. Its id comes from the action id
 * (`<sessionId>-<version>-<index>`): the version of the finishing write, not the record's
 * current one (resolving the effect writes again), so every attempt and every process agrees
 * on it, and it equals the job id `wh-<sessionId>-<version>`. The status is the action's
 * `params.status` when it names one, else the snapshot's; null while the session is pending.
 */
export function notifyAppEvent(session: LoadedSession, action: PendingAction): WebhookEvent | null {
  const { record, snapshot } = session;
  const context = snapshot.context as Partial<SessionContext>;
  const status = typeof action.params.status === 'string' && finishedStatuses.includes(action.params.status) ? action.params.status : sessionStatus(snapshot);
  const version = /-(\d+)-\d+$/.exec(action.id)?.[1];
  return sessionWebhookEvent({
    sessionId: record.id,
    version: version === undefined ? record.version : Number(version),
    schemeCode: record.schemeCode,
    sceneCode: record.sceneCode,
    status: status as FinishedSessionStatus | 'pending',
    method: context.method,
    failureReason: context.failureReason,
    at: action.createdAt ?? record.updatedAt,
  });
}
