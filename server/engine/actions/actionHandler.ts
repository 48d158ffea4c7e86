import type { ActionName, ActionParams, ActionResult } from '../../../machines/actionCatalogue.js';
import type { LoadedSession } from '../loadedSession.js';
import type { PendingAction } from '../../stores/sessionStore.js';

/** One run of an outbox action. */
export interface ActionRun<N extends ActionName> {
  session: LoadedSession;
  params: ActionParams<N>;
  action: PendingAction;
  /** 1 for the first attempt. */
  attempt: number;
  /** The retry policy allows no further attempt. */
  lastAttempt: boolean;
  /** A job runs it (a retry, a recovery, a webhook delivery); false inside the request that caused it. */
  inJob: boolean;
}

/**
 * What a run of an action comes to: its result event for the machine; for an effect, `done` or
 * `handOver` (it waits for a job, such as a webhook delivery). Throwing means "failed for now": it is
 * retried as the action catalogue says; a `PermanentActionFailure` gives up at once.
 */
export type ActionOutcome<N extends ActionName> = ActionResult<N> | 'done' | 'handOver';

export type ActionHandler<N extends ActionName> = (run: ActionRun<N>) => Promise<ActionOutcome<N>>;

/** A handler for every action of the catalogue: a missing one does not compile. */
export type ActionHandlers = { [N in ActionName]: ActionHandler<N> };

/** A failure that retrying cannot mend (a number that cannot take SMS). */
export class PermanentActionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentActionFailure';
  }
}
