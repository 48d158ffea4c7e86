/**
 * Persistence of sessions: one record (the envelope around the XState snapshot) and an
 * append-only event log per session. Every write is one atomic compare-and-set on the
 * record's version together with the log entry, so a step costs one read and one write.
 */
export interface TimerEntry {
  /** The event to deliver when the timer is due, e.g. `{type: 'xstate.after.smsValidity.session.sms'}`. */
  event: { type: string };
  /** Epoch milliseconds. */
  dueAt: number;
}

export interface PendingAction {
  /** Stable id: `<sessionId>-<version>-<index>`; a job runner uses it to act once. */
  id: string;
  type: string;
  params: Record<string, unknown>;
  /** When the write that created it happened (epoch ms); the sweeper re-queues what stayed too long. */
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  schemeCode: string;
  sceneCode: string;
  platform: string;
  /** The machine id and the policy version the session started with; it keeps them. */
  machineId: string;
  policyVersion: string;
  /** Increases by one with every accepted write; the compare-and-set checks it. */
  version: number;
  /** The persisted XState snapshot (JSON-compatible). */
  snapshot: unknown;
  /** Durable `after:` timers by XState send id. */
  timers: Record<string, TimerEntry>;
  /** Outbox: actions saved with the transition that produced them, not yet carried out. */
  pending: PendingAction[];
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

export interface SessionLogEntry {
  /** Position in the log, 1-based; equals the record version it produced. */
  version: number;
  at: number;
  /** `init`: the machine input; `event`: an event the machine took; `effect`: a side effect that reports no event (a webhook), done. */
  kind: 'init' | 'event' | 'effect';
  /** The event as the machine saw it, with secrets redacted. For `init`, the machine input. */
  payload: Record<string, unknown>;
  /** The state value after this entry. */
  state: unknown;
}

export type CompareAndSetResult = { ok: true } | { ok: false; currentVersion: number | null };

export interface SessionStore {
  /** Creates a new session; false if the id exists. */
  create(record: SessionRecord, entry: SessionLogEntry, ttlMs: number): Promise<boolean>;
  load(id: string): Promise<SessionRecord | null>;
  /** Writes `next` (whose version must be expectedVersion + 1) and appends `entry`, atomically. */
  compareAndSet(next: SessionRecord, expectedVersion: number, entry: SessionLogEntry, ttlMs: number): Promise<CompareAndSetResult>;
  readLog(id: string): Promise<SessionLogEntry[]>;
  /** Most recent session ids, newest first (for the operator's list). */
  recentIds(limit: number): Promise<string[]>;
}
