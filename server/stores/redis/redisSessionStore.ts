import { dottedStatePath } from '../../../machines/dottedStatePath.js';
import { indexScoresOf, type SessionLogEntry, type SessionRecord, type SessionStore, type SessionWrite, type WriteResult } from '../sessionStore.js';
import { assertSessionWrite, ttlAsWholeMs } from '../storeArguments.js';
import { bindLuaScript, type LuaScriptCall } from './luaScript.js';
import type { RedisConnection } from './redisClient.js';
import { writeSessionScript } from './scripts/writeSessionScript.js';
import { scanKeys } from './scanKeys.js';

const LOG_MAX_LENGTH = 1000;
/**
 * Sessions are spread over this many buckets, each a hash tag: a session's keys and the bucket's
 * indexes share one Cluster slot, so one script writes them together, while the buckets spread over
 * the cluster's nodes. Changing it moves every session: it is fixed.
 */
export const SESSION_BUCKETS = 64;
const RECENT_PER_BUCKET = Math.ceil(10_000 / SESSION_BUCKETS);

/**
 * SessionStore on Redis. Per session one key, `<prefix>s:{<bucket>}:<id>`: a list whose first
 * element is the record (version, `|`, record JSON without the id) and whose other elements are the
 * log's compact entries: a few hundred bytes where a stream would preallocate 4 KB, and one key's
 * overhead rather than two. Per bucket three sorted sets of session ids: `due` (earliest timer),
 * `work` (oldest outbox action) and `recent` (creation time).
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

  async load(id: string): Promise<SessionRecord | null> {
    const stored = await this.#redis.lindex(this.#sessionKey(id), 0);
    if (stored === null) return null;
    // The id is the key's: it is not stored again.
    return recordOf(id, stored);
  }

  async write(write: SessionWrite): Promise<WriteResult> {
    assertSessionWrite(write);
    const { record, expectedVersion, entries } = write;
    const next = indexScoresOf(record);
    const before = indexScoresOf(write.previous);
    const score = (now: number | null, was: number | null) => (now === was ? '-' : now === null ? '' : now);
    const id = record.id;
    const reply = (await this.#writeSession(
      [this.#sessionKey(id), this.#indexKey(id, 'due'), this.#indexKey(id, 'work'), this.#indexKey(id, 'recent')],
      [
        expectedVersion === null ? '' : expectedVersion,
        record.version,
        JSON.stringify({ ...record, id: undefined, timers: emptyAsUndefined(record.timers), pending: emptyAsUndefined(record.pending) }),
        ttlAsWholeMs(write.ttlMs),
        LOG_MAX_LENGTH,
        score(next.due, before.due),
        score(next.work, before.work),
        id,
        record.createdAt,
        RECENT_PER_BUCKET,
        ...entries.map((entry) => encodeEntry(entry, record)),
      ],
    )) as [number, string?];
    const [written, currentVersion] = reply;
    if (written === 1) return { ok: true };
    return { ok: false, currentVersion: currentVersion ? Number(currentVersion) : null };
  }

  async readLog(id: string): Promise<SessionLogEntry[]> {
    const [stored, ...entries] = await this.#redis.lrange(this.#sessionKey(id), 0, -1);
    if (stored === undefined) return [];
    const record = recordOf(id, stored);
    return entries.map((entry) => decodeEntry(entry, record));
  }

  async recentIds(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const perBucket = await Promise.all(
      this.#buckets().map((bucket) => this.#redis.zrevrange(this.#bucketKey(bucket, 'recent'), 0, Math.min(limit, RECENT_PER_BUCKET) - 1, 'WITHSCORES')),
    );
    const all: { id: string; createdAt: number }[] = [];
    for (const flat of perBucket) for (let i = 0; i + 1 < flat.length; i += 2) all.push({ id: flat[i]!, createdAt: Number(flat[i + 1]) });
    return all
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map(({ id }) => id);
  }

  async dueSessions(now: number, limit: number): Promise<string[]> {
    return this.#fromIndexes('due', now, limit);
  }

  async staleWork(createdBefore: number, limit: number): Promise<string[]> {
    return this.#fromIndexes('work', createdBefore, limit);
  }

  async allIds(): Promise<string[]> {
    const indexes = new Set(['due', 'work', 'recent']);
    const keys = await scanKeys(this.#redis, `${this.#keyPrefix}s:{*}:*`);
    return keys.map((key) => key.slice(key.indexOf('}:') + 2)).filter((id) => !indexes.has(id));
  }

  async delete(id: string): Promise<void> {
    await this.#redis.del(this.#sessionKey(id));
    await this.forget(id);
  }

  async forget(id: string): Promise<void> {
    await Promise.all((['due', 'work', 'recent'] as const).map((index) => this.#redis.zrem(this.#indexKey(id, index), id)));
  }

  async #fromIndexes(index: 'due' | 'work', maxScore: number, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const perBucket = await Promise.all(
      this.#buckets().map((bucket) => this.#redis.zrangebyscore(this.#bucketKey(bucket, index), '-inf', maxScore, 'LIMIT', 0, limit)),
    );
    return perBucket.flat().slice(0, limit);
  }

  #buckets(): number[] {
    return Array.from({ length: SESSION_BUCKETS }, (_, bucket) => bucket);
  }

  #sessionKey(id: string): string {
    return `${this.#keyPrefix}s:{${sessionBucket(id)}}:${id}`;
  }

  #indexKey(id: string, index: 'due' | 'work' | 'recent'): string {
    return this.#bucketKey(sessionBucket(id), index);
  }

  #bucketKey(bucket: number, index: 'due' | 'work' | 'recent'): string {
    return `${this.#keyPrefix}s:{${bucket}}:${index}`;
  }
}

/** The record as stored: `<version>|<JSON>`, without its id, and without its timers and outbox when they are empty. */
function recordOf(id: string, stored: string): SessionRecord {
  const record = JSON.parse(stored.slice(stored.indexOf('|') + 1)) as Omit<SessionRecord, 'id'>;
  return { id, ...record, timers: record.timers ?? {}, pending: record.pending ?? [] };
}

function emptyAsUndefined<T extends object>(value: T): T | undefined {
  return Object.keys(value).length === 0 ? undefined : value;
}

/** The bucket of a session id: FNV-1a over its characters. */
export function sessionBucket(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SESSION_BUCKETS;
}

type Kind = SessionLogEntry['kind'];
const kindCodes: Record<Kind, string> = { init: 'i', event: 'e', effect: 'f' };
const kindsByCode: Record<string, Kind> = { i: 'init', e: 'event', f: 'effect' };
/** Codes of entries stored shorter, because they repeat what the record holds; see `encodeEntry`. */
const elided = { init: 'I', event: 'E', effect: 'F' } as const;
const recordFields = ['sessionId', 'schemeCode', 'sceneCode', 'platform'] as const;
type RecordFields = Pick<SessionRecord, 'id' | 'schemeCode' | 'sceneCode' | 'platform' | 'policyVersion'>;

/**
 * A log entry as a JSON array `[version, at, kind, payload, state]`: the field names are not stored
 * once per entry; nor what the record beside it holds: an event's `at` when it is the entry's, the
 * session's id, scheme, scene, platform and policy version in the init entry, the session's id in
 * an effect's action id. An upper-case kind says what was left out.
 */
function encodeEntry(entry: SessionLogEntry, record: RecordFields): string {
  const array = (kind: string, payload: unknown) => JSON.stringify([entry.version, entry.at, kind, payload, compactState(entry.state)]);
  const { payload } = entry;
  if (entry.kind === 'event' && payload.at === entry.at) return array(elided.event, { ...payload, at: undefined });
  if (entry.kind === 'effect' && typeof payload.id === 'string' && payload.id.startsWith(`${record.id}-`)) {
    return array(elided.effect, { ...payload, id: payload.id.slice(record.id.length) });
  }
  const input = payload.input as Record<string, unknown> | undefined;
  if (
    entry.kind === 'init' &&
    input &&
    payload.policyVersion === record.policyVersion &&
    recordFields.every((field) => input[field] === fieldOf(record, field))
  ) {
    const rest = { ...input };
    for (const field of recordFields) delete rest[field];
    return array(elided.init, { ...payload, input: rest, policyVersion: undefined });
  }
  return array(kindCodes[entry.kind], payload);
}

function decodeEntry(stored: string, record: RecordFields): SessionLogEntry {
  const [version, at, kind, payload, compact] = JSON.parse(stored) as [number, number, string, Record<string, unknown>, unknown];
  const state = stateOfCompact(compact);
  switch (kind) {
    case elided.event:
      return { version, at, kind: 'event', payload: { ...payload, at }, state };
    case elided.effect:
      return { version, at, kind: 'effect', payload: { ...payload, id: `${record.id}${String(payload.id)}` }, state };
    case elided.init: {
      const input = Object.fromEntries(recordFields.map((field) => [field, fieldOf(record, field)]));
      return {
        version,
        at,
        kind: 'init',
        payload: { ...payload, input: { ...input, ...(payload.input as object) }, policyVersion: record.policyVersion },
        state,
      };
    }
    default:
      return { version, at, kind: kindsByCode[kind]!, payload, state };
  }
}

/** A state value of one leaf as its dotted path (`proveNumber.sms.awaitingCode`), when that reads back the same. */
function compactState(state: unknown): unknown {
  const dotted = dottedStatePath(state);
  return dotted !== '' && !dotted.includes(', ') && JSON.stringify(stateOfCompact(dotted)) === JSON.stringify(state) ? dotted : state;
}

function stateOfCompact(compact: unknown): unknown {
  if (typeof compact !== 'string') return compact;
  const [leaf, ...parents] = compact.split('.').reverse();
  return parents.reduce<unknown>((child, parent) => ({ [parent]: child }), leaf);
}

function fieldOf(record: RecordFields, field: (typeof recordFields)[number]): string {
  return field === 'sessionId' ? record.id : record[field];
}
