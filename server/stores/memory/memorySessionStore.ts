import { indexScoresOf, type SessionLogEntry, type SessionRecord, type SessionStore, type SessionWrite, type WriteResult } from '../sessionStore.js';
import { assertSessionWrite, ttlAsWholeMs } from '../storeArguments.js';

/** Kept as JSON text, as Redis keeps it: a read parses it once, and nobody outside can change it. */
interface StoredSession {
  record: string;
  version: number;
  log: string[];
  expiresAt: number;
}

const LOG_MAX_LENGTH = 1000;
const RECENT_IDS_MAX = 10_000;

/**
 * SessionStore in process memory. Records and log entries are kept as JSON text, so callers cannot
 * change stored state and see exactly what Redis would give back.
 * The indexes are maps from session id to score, as the Redis sorted sets are.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #due = new Map<string, number>();
  readonly #work = new Map<string, number>();
  /** Newest first by createdAt, like the Redis sorted set. */
  #recent: { id: string; createdAt: number }[] = [];
  readonly #recentIds = new Set<string>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  async load(id: string): Promise<SessionRecord | null> {
    const session = this.#live(id);
    return session ? (JSON.parse(session.record) as SessionRecord) : null;
  }

  async write(write: SessionWrite): Promise<WriteResult> {
    assertSessionWrite(write);
    const { record, expectedVersion, entries } = write;
    const expiresAt = this.#now() + ttlAsWholeMs(write.ttlMs);
    const session = this.#live(record.id);
    if (expectedVersion === null) {
      if (session) return { ok: false, currentVersion: session.version };
      this.#sessions.set(record.id, { record: JSON.stringify(record), version: record.version, log: entries.map(toJson), expiresAt });
      this.#remember(record.id, record.createdAt);
    } else {
      if (!session) return { ok: false, currentVersion: null };
      if (session.version !== expectedVersion) return { ok: false, currentVersion: session.version };
      session.record = JSON.stringify(record);
      session.version = record.version;
      session.log.push(...entries.map(toJson));
      if (session.log.length > LOG_MAX_LENGTH) session.log.splice(0, session.log.length - LOG_MAX_LENGTH);
      session.expiresAt = expiresAt;
    }
    const { due, work } = indexScoresOf(record);
    setOrDelete(this.#due, record.id, due);
    setOrDelete(this.#work, record.id, work);
    return { ok: true };
  }

  async readLog(id: string): Promise<SessionLogEntry[]> {
    return this.#live(id)?.log.map((entry) => JSON.parse(entry) as SessionLogEntry) ?? [];
  }

  async recentIds(limit: number): Promise<string[]> {
    return this.#recent.slice(0, Math.max(0, limit)).map(({ id }) => id);
  }

  async dueSessions(now: number, limit: number): Promise<string[]> {
    return idsUpTo(this.#due, now, limit);
  }

  async staleWork(createdBefore: number, limit: number): Promise<string[]> {
    return idsUpTo(this.#work, createdBefore, limit);
  }

  async allIds(): Promise<string[]> {
    return [...this.#sessions.keys()].filter((id) => this.#live(id) !== undefined);
  }

  async delete(id: string): Promise<void> {
    this.#sessions.delete(id);
    await this.forget(id);
  }

  async forget(id: string): Promise<void> {
    this.#due.delete(id);
    this.#work.delete(id);
    if (this.#recentIds.delete(id)) this.#recent = this.#recent.filter((recent) => recent.id !== id);
  }

  /** Drops every expired session; reads already ignore them, this only frees the memory. */
  sweepExpired(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt <= now) this.#sessions.delete(id);
    }
  }

  #live(id: string): StoredSession | undefined {
    const session = this.#sessions.get(id);
    if (session && session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  #remember(id: string, createdAt: number): void {
    // A re-created id moves to its new place instead of appearing twice, as in a sorted set.
    if (this.#recentIds.has(id)) this.#recent = this.#recent.filter((recent) => recent.id !== id);
    const index = this.#recent.findIndex((recent) => recent.createdAt < createdAt);
    this.#recent.splice(index === -1 ? this.#recent.length : index, 0, { id, createdAt });
    this.#recentIds.add(id);
    for (const dropped of this.#recent.splice(RECENT_IDS_MAX)) this.#recentIds.delete(dropped.id);
  }
}

function setOrDelete(index: Map<string, number>, id: string, score: number | null): void {
  if (score === null) index.delete(id);
  else index.set(id, score);
}

function idsUpTo(index: Map<string, number>, maxScore: number, limit: number): string[] {
  const ids: string[] = [];
  for (const [id, score] of index) {
    if (ids.length >= limit) break;
    if (score <= maxScore) ids.push(id);
  }
  return ids;
}

function toJson(value: unknown): string {
  return JSON.stringify(value);
}
