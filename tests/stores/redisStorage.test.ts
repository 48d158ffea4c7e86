import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import { createRedisClient, type RedisConnection } from '../../server/stores/redis/redisClient.js';
import { SESSION_BUCKETS, sessionBucket } from '../../server/stores/redis/redisSessionStore.js';
import type { SessionLogEntry, SessionRecord } from '../../server/stores/sessionStore.js';
import { findFreePort } from '../support/redisServer.js';
import { describeStorageContract } from './storageContract.js';

const redisUrl = inject('redisUrl');
let redis: RedisConnection;

beforeAll(() => {
  redis = createRedisClient(redisUrl);
});

afterAll(async () => {
  await redis.quit();
});

/** Each storage gets its own key prefix, so tests never see each other's keys. */
function isolatedStorage() {
  const keyPrefix = `t-${randomUUID()}:`;
  return { keyPrefix, storage: createRedisStorage({ url: redisUrl, keyPrefix, redis }) };
}

describeStorageContract('redis', async () => ({ storage: isolatedStorage().storage }));

describe('redis storage', () => {
  it('says it is the redis kind', () => {
    expect(isolatedStorage().storage.kind).toBe('redis');
  });

  it('keeps a session as one list (its record, then its log) under its bucket hash tag, expiring, with the bucket indexes', async () => {
    const { keyPrefix, storage } = isolatedStorage();
    const first = { ...record('abc', 1), timers: { 'xstate.after.t.session': 1_700_000_050_000 } };
    await storage.sessions.write({ record: first, expectedVersion: null, previous: null, entries: [entry(1)], ttlMs: 60_000 });
    await storage.sessions.write({ record: { ...first, version: 2 }, expectedVersion: 1, previous: first, entries: [entry(2)], ttlMs: 60_000 });

    const tag = `{${sessionBucket('abc')}}`;
    const sessionKey = `${keyPrefix}s:${tag}:abc`;
    expect(await redis.type(sessionKey)).toBe('list');
    expect((await redis.lindex(sessionKey, 0))!.startsWith('2|')).toBe(true);
    expect(await redis.llen(sessionKey)).toBe(3);
    expect(await redis.pttl(sessionKey)).toBeGreaterThan(59_000);
    expect(await redis.zscore(`${keyPrefix}s:${tag}:recent`, 'abc')).toBe('1700000000000');
    expect(await redis.zscore(`${keyPrefix}s:${tag}:due`, 'abc')).toBe('1700000050000');
    // Every key of the session and its bucket hashes to one Cluster slot.
    const slots = await Promise.all(
      [sessionKey, `${keyPrefix}s:${tag}:due`, `${keyPrefix}s:${tag}:work`].map((key) => redis.call('CLUSTER', 'KEYSLOT', key).catch(() => null)),
    );
    if (slots[0] !== null) expect(new Set(slots).size).toBe(1);
  });

  it('starts a fresh log when an id is created again over a leftover list', async () => {
    const { keyPrefix, storage } = isolatedStorage();
    await redis.rpush(`${keyPrefix}s:{${sessionBucket('abc')}}:abc`, 'x', JSON.stringify([7, 0, 'e', {}, 'x']));
    await redis.lpop(`${keyPrefix}s:{${sessionBucket('abc')}}:abc`);
    expect(await storage.sessions.write({ record: record('abc', 1), expectedVersion: null, previous: null, entries: [entry(1)], ttlMs: 60_000 })).toEqual({
      ok: false,
      currentVersion: null,
    });
    await redis.del(`${keyPrefix}s:{${sessionBucket('abc')}}:abc`);
    expect(await storage.sessions.write({ record: record('abc', 1), expectedVersion: null, previous: null, entries: [entry(1)], ttlMs: 60_000 })).toEqual({
      ok: true,
    });
    expect(await storage.sessions.readLog('abc')).toEqual([entry(1)]);
  });

  it('stores log entries without what the record already holds, and reads them back whole', async () => {
    const { keyPrefix, storage } = isolatedStorage();
    const base = record('abc', 1);
    const init: SessionLogEntry = {
      version: 1,
      at: 5,
      kind: 'init',
      payload: {
        input: { sessionId: 'abc', schemeCode: base.schemeCode, sceneCode: base.sceneCode, platform: base.platform, device: { ip: '1.2.3.4' } },
        policyVersion: base.policyVersion,
      },
      state: { proveNumber: { numberAuth: 'awaitingToken' } },
    };
    const event: SessionLogEntry = { version: 2, at: 6, kind: 'event', payload: { type: 'CANCEL', at: 6 }, state: 'failed' };
    const effect: SessionLogEntry = { version: 3, at: 7, kind: 'effect', payload: { action: 'notifyApp', id: 'abc-2-0' }, state: 'failed' };
    await storage.sessions.write({
      record: { ...base, version: 3 },
      expectedVersion: null,
      previous: null,
      entries: [{ ...init }, event, effect].map((e, i) => ({ ...e, version: i + 1 })),
      ttlMs: 60_000,
    });
    expect(await storage.sessions.readLog('abc')).toEqual([init, event, effect]);
    const stored = await redis.lrange(`${keyPrefix}s:{${sessionBucket('abc')}}:abc`, 1, -1);
    expect(stored.join()).not.toContain(base.policyVersion);
    expect(stored[0]).toContain('"proveNumber.numberAuth.awaitingToken"');
  });

  it('spreads session ids evenly over its buckets', () => {
    const counts = new Array<number>(SESSION_BUCKETS).fill(0);
    for (let i = 0; i < 64_000; i++) counts[sessionBucket(randomUUID())]!++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });

  it('puts its key prefix before every key-value key', async () => {
    const { keyPrefix, storage } = isolatedStorage();
    await storage.kv.set('scheme:FC1', 'json');
    expect(await redis.get(`${keyPrefix}scheme:FC1`)).toBe('json');
    expect(await redis.get('scheme:FC1')).toBeNull();
  });

  it('leaves a connection it was given open on close, and closes one it opened', async () => {
    await isolatedStorage().storage.close();
    expect(await redis.ping()).toBe('PONG');

    const owning = createRedisStorage({ url: redisUrl, keyPrefix: `t-${randomUUID()}:` });
    await owning.ping();
    await owning.close();
    await expect(owning.ping()).rejects.toThrow();
  });

  it('fails ping quickly, without crashing, when Redis is unreachable', async () => {
    const errors: Error[] = [];
    const unreachable = createRedisClient(`redis://127.0.0.1:${await findFreePort()}`, {
      onError: (error) => errors.push(error),
    });
    const storage = createRedisStorage({ url: 'unused', redis: unreachable });
    const started = Date.now();
    await expect(storage.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors.length).toBeGreaterThan(0);
    unreachable.disconnect();
  });

  it('connects to a Redis Cluster when given several comma-separated URLs', async () => {
    const [portA, portB] = [await findFreePort(), await findFreePort()];
    const cluster = createRedisClient(`redis://127.0.0.1:${portA}, redis://127.0.0.1:${portB}`, { onError: () => {} });
    expect(cluster).toBeInstanceOf(Cluster);
    cluster.disconnect();
  });

  it('refuses URLs that are not redis:// or rediss://', () => {
    expect(() => createRedisClient('http://127.0.0.1:6379')).toThrow(/redis:\/\//);
    expect(() => createRedisClient('not a url')).toThrow(/Invalid Redis URL/);
  });
});

function record(id: string, version: number): SessionRecord {
  return {
    id,
    schemeCode: 'scheme',
    sceneCode: '100001',
    platform: 'web',
    policyVersion: 'p1',
    version,
    snapshot: { value: 'start', context: {} },
    timers: {},
    pending: [],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    expiresAt: 1_700_000_060_000,
  };
}

function entry(version: number): SessionLogEntry {
  return { version, at: 1_700_000_000_000, kind: version === 1 ? 'init' : 'event', payload: {}, state: 'start' };
}
