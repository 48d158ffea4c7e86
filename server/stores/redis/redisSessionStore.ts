import type { CompareAndSetResult, SessionLogEntry, SessionRecord, SessionStore } from '../sessionStore.js';
import { assertSessionCreate, assertSessionUpdate, ttlAsWholeMs } from '../storeArguments.js';
import { bindLuaScript, type LuaScriptCall } from './luaScript.js';
import type { RedisConnection } from './redisClient.js';
import { writeSessionScript } from './scripts/writeSessionScript.js';

/** Redis trims streams in whole macro nodes, so a log may keep somewhat more entries than this. */
const LOG_MAX_LENGTH = 1000;
const RECENT_IDS_MAX = 10_000;

/**
 * SessionStore on Redis. Per session a hash `<prefix>session:{<id>}:state` (version, record JSON)
 * and a stream `<prefix>session:{<id>}:log`; the shared hash tag keeps both in one Cluster slot,
 * so one Lua script writes them atomically.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisConnection;
  readonly #keyPrefix: string;
  readonly #writeSession: LuaScriptCall;

  constructor(redis: RedisConnection, keyPrefix: string) {
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
    this.#writeSession = bindLuaScript(redis, writeSessionScript);
  }

  async create(record: SessionRecord, entry: SessionLogEntry, ttlMs: number): Promise<boolean> {
    assertSessionCreate(record, entry);
    const written = await this.#write(record, '', entry, ttlMs);
    if (!written.ok) return false;
    // Outside the atomic step on purpose: the recent list is a convenience for operators,
    // and the sorted set lives in a different Cluster slot than the session.
    const recentKey = this.#recentKey();
    await Promise.all([this.#redis.zadd(recentKey, record.createdAt, record.id), this.#redis.zremrangebyrank(recentKey, 0, -(RECENT_IDS_MAX + 1))]);
    return true;
  }

  async load(id: string): Promise<SessionRecord | null> {
    const json = await this.#redis.hget(this.#stateKey(id), 'record');
    return json === null ? null : (JSON.parse(json) as SessionRecord);
  }

  async compareAndSet(next: SessionRecord, expectedVersion: number, entry: SessionLogEntry, ttlMs: number): Promise<CompareAndSetResult> {
    assertSessionUpdate(next, expectedVersion, entry);
    return this.#write(next, String(expectedVersion), entry, ttlMs);
  }

  async readLog(id: string): Promise<SessionLogEntry[]> {
    const entries = await this.#redis.xrange(this.#logKey(id), '-', '+');
    return entries.map(([streamId, fields]) => {
      const json = fieldValue(fields, 'entry');
      if (json === undefined) throw new Error(`Session log entry ${streamId} of ${id} has no 'entry' field`);
      return JSON.parse(json) as SessionLogEntry;
    });
  }

  async recentIds(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return this.#redis.zrevrange(this.#recentKey(), 0, limit - 1);
  }

  async #write(record: SessionRecord, expectedVersion: string, entry: SessionLogEntry, ttlMs: number): Promise<CompareAndSetResult> {
    const reply = (await this.#writeSession(
      [this.#stateKey(record.id), this.#logKey(record.id)],
      [expectedVersion, record.version, JSON.stringify(record), ttlAsWholeMs(ttlMs), LOG_MAX_LENGTH, JSON.stringify(entry)],
    )) as [number, string?];
    const [written, currentVersion] = reply;
    if (written === 1) return { ok: true };
    return { ok: false, currentVersion: currentVersion ? Number(currentVersion) : null };
  }

  #stateKey(id: string): string {
    return `${this.#keyPrefix}session:{${id}}:state`;
  }

  #logKey(id: string): string {
    return `${this.#keyPrefix}session:{${id}}:log`;
  }

  #recentKey(): string {
    return `${this.#keyPrefix}sessions:recent`;
  }
}

/** Stream entries arrive as a flat [field, value, field, value, …] list. */
function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) return fields[i + 1];
  }
  return undefined;
}
