/**
 * One entry of a session's event log, as the timeline reads it (the shape the session store
 * keeps; defined here so rendering does not depend on the server).
 */
export interface SessionTimelineEntry {
  /** Position in the log, 1-based. */
  version: number;
  /** When the entry was written, epoch ms. */
  at: number;
  /** `init`: the session was opened (payload: the machine input); `event`: the machine took an event; `effect`: a side effect was done. */
  kind: 'init' | 'event' | 'effect';
  /** The event as the machine saw it, secrets already replaced by `'[redacted]'`. */
  payload: Record<string, unknown>;
  /** The state value after the entry. */
  state: unknown;
}
