import type { AnyMachineSnapshot } from 'xstate';
import { sessionStatus, type FailureReason, type SessionContext, type SessionStatus } from '../../machines/index.js';

/** Where a (replayed) session stands: its status as the API derives it, and why it failed if it did. */
export interface SessionOutcome {
  status: SessionStatus;
  failureReason: FailureReason | null;
}

export function sessionOutcomeOf(snapshot: AnyMachineSnapshot): SessionOutcome {
  const status = sessionStatus(snapshot);
  const context = snapshot.context as Partial<SessionContext> | undefined;
  return { status, failureReason: status === 'failed' ? (context?.failureReason ?? null) : null };
}
