import type { CompareAndSetResult, SessionLogEntry, SessionRecord, SessionStore } from '../sessionStore.js';
import { assertSessionCreate, assertSessionUpdate, ttlAsWholeMs } from '../storeArguments.js';

interface StoredSession {
  record: SessionRecord;
  log: SessionLogEntry[];
  expiresAt: number;
}

const LOG_MAX_LENGTH = 1000;
const RECENT_IDS_MAX = 1000;

/**
 * SessionStore in process memory. Records and log entries are copied through JSON on the way
 * in and out, so callers cannot change stored state and see exactly what Redis would give back.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  /** Newest first by createdAt, like the Redis sorted set. */
  #recent: { id: string; createdAt: number }[] = [];
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(record: SessionRecord, entry: SessionLogEntry, ttlMs: number): Promise<boolean> {
    assertSessionCreate(record, entry);
    const expiresAt = this.#now() + ttlAsWholeMs(ttlMs);
    if (this.#live(record.id)) return false;
    this.#sessions.set(record.id, { record: jsonCopy(record), log: [jsonCopy(entry)], expiresAt });
    this.#remember(record.id, record.createdAt);
    return true;
  }

  async load(id: string): Promise<SessionRecord | null> {
    const session = this.#live(id);
    return session ? jsonCopy(session.record) : null;
  }

  async compareAndSet(next: SessionRecord, expectedVersion: number, entry: SessionLogEntry, ttlMs: number): Promise<CompareAndSetResult> {
    assertSessionUpdate(next, expectedVersion, entry);
    const expiresAt = this.#now() + ttlAsWholeMs(ttlMs);
    const session = this.#live(next.id);
    if (!session) return { ok: false, currentVersion: null };
    if (session.record.version !== expectedVersion) return { ok: false, currentVersion: session.record.version };
    session.record = jsonCopy(next);
    session.log.push(jsonCopy(entry));
    if (session.log.length > LOG_MAX_LENGTH) session.log.splice(0, session.log.length - LOG_MAX_LENGTH);
    session.expiresAt = expiresAt;
    return { ok: true };
  }

  async readLog(id: string): Promise<SessionLogEntry[]> {
    return this.#live(id)?.log.map(jsonCopy) ?? [];
  }

  async recentIds(limit: number): Promise<string[]> {
    return this.#recent.slice(0, Math.max(0, limit)).map(({ id }) => id);
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
    this.#recent = this.#recent.filter((recent) => recent.id !== id);
    const index = this.#recent.findIndex((recent) => recent.createdAt < createdAt);
    this.#recent.splice(index === -1 ? this.#recent.length : index, 0, { id, createdAt });
    if (this.#recent.length > RECENT_IDS_MAX) this.#recent.length = RECENT_IDS_MAX;
  }
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
