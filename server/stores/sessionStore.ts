import type { ActionName } from '../../machines/actionCatalogue.js';
import type { StoredSnapshot } from '../../machines/durableStep.js';
import { earliestDueOf, type TimerSchedule } from '../../machines/timerEvents.js';

/**
 * Persistence of sessions: one record (the envelope around the XState snapshot) and an
 * append-only event log per session, plus three indexes the same write keeps: sessions with a
 * timer (by its earliest due time), sessions with work in their outbox (by its oldest action) and
 * the newest sessions. Every write is one atomic compare-and-set on the record's version together
 * with its log entries and the indexes, so a step costs one read and one write.
 */
export interface PendingAction {
  /** Stable id: `<sessionId>-<version>-<index>`; it names the action's job and is the providers' idempotency key. */
  id: string;
  type: ActionName;
  params: Record<string, unknown>;
  /** When the write that created it happened (epoch ms); the sweeper hands over what stayed too long. */
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  schemeCode: string;
  sceneCode: string;
  platform: string;
  /** The policy version the session started with; it keeps it (and so its machine). */
  policyVersion: string;
  /** The number of log entries written so far; the compare-and-set checks it. */
  version: number;
  /** The machine's state value and context (see `storedSnapshotOf`). */
  snapshot: StoredSnapshot;
  /** Durable `after:` timers: due time by event type. */
  timers: TimerSchedule;
  /** Outbox: actions saved with the transition that asked for them, not yet done. */
  pending: PendingAction[];
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /**
   * The scene's logging switch was off when the session started: operators get no trace of it and its
   * outcome is not logged. Its event log is written all the same (the durable record).
   */
  untraced?: true;
}

export interface SessionLogEntry {
  /** Position in the log, 1-based; the record version after this entry. */
  version: number;
  at: number;
  /** `init`: the machine input; `event`: an event the machine took; `effect`: a side effect that reports no event (a webhook), done. */
  kind: 'init' | 'event' | 'effect';
  /** The event as the machine saw it, with secrets redacted. For `init`, the machine input. */
  payload: Record<string, unknown>;
  /** The state value after this entry. */
  state: unknown;
}

export interface SessionWrite {
  /** The record after the write; its version is the last entry's. */
  record: SessionRecord;
  /** The version the stored record must have; null to create the session (it must not exist). */
  expectedVersion: number | null;
  /** The stored record this write replaces (version `expectedVersion`); null when creating. */
  previous: SessionRecord | null;
  /** The log entries this write appends, versions `expectedVersion + 1 …` (from 1 when creating). */
  entries: SessionLogEntry[];
  /** How long the record and its log live after this write. */
  ttlMs: number;
}

export type WriteResult = { ok: true } | { ok: false; currentVersion: number | null };

export interface SessionStore {
  load(id: string): Promise<SessionRecord | null>;
  /** Creates or compare-and-sets the record, appends the entries and updates the indexes, atomically. */
  write(write: SessionWrite): Promise<WriteResult>;
  readLog(id: string): Promise<SessionLogEntry[]>;
  /** Most recent session ids, newest first (for the operator's list). */
  recentIds(limit: number): Promise<string[]>;
  /** Sessions whose earliest timer is due at `now`. */
  dueSessions(now: number, limit: number): Promise<string[]>;
  /** Sessions with an outbox action created at or before `createdBefore`. */
  staleWork(createdBefore: number, limit: number): Promise<string[]>;
  /** Every stored session id (a scan of the store: for erasure, not for a request path). */
  allIds(): Promise<string[]>;
  /** Deletes a session, its log and its places in the indexes. */
  delete(id: string): Promise<void>;
  /** Drops a session that no longer exists from the indexes. */
  forget(id: string): Promise<void>;
}

/** A session's places in the due-timer and outbox indexes: the earliest due time, the oldest outbox action; null: not indexed. */
export function indexScoresOf(record: Pick<SessionRecord, 'timers' | 'pending'> | null): { due: number | null; work: number | null } {
  if (!record) return { due: null, work: null };
  let work: number | null = null;
  for (const action of record.pending) if (work === null || action.createdAt < work) work = action.createdAt;
  return { due: earliestDueOf(record.timers), work };
}
