import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import { createRedisClient, type RedisConnection } from '../../server/stores/redis/redisClient.js';
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

  it('keeps a session as a hash and a stream under one hash tag, both expiring', async () => {
    const { keyPrefix, storage } = isolatedStorage();
    await storage.sessions.create(record('abc', 1), entry(1), 60_000);
    await storage.sessions.compareAndSet(record('abc', 2), 1, entry(2), 60_000);

    const stateKey = `${keyPrefix}session:{abc}:state`;
    const logKey = `${keyPrefix}session:{abc}:log`;
    expect(await redis.type(stateKey)).toBe('hash');
    expect(await redis.type(logKey)).toBe('stream');
    expect(await redis.hget(stateKey, 'version')).toBe('2');
    expect(await redis.xlen(logKey)).toBe(2);
    for (const key of [stateKey, logKey]) {
      expect(await redis.pttl(key)).toBeGreaterThan(59_000);
    }
    expect(await redis.zscore(`${keyPrefix}sessions:recent`, 'abc')).toBe('1700000000000');
  });

  it('starts a fresh log when an id is created again over a leftover log stream', async () => {
    const { keyPrefix, storage } = isolatedStorage();
    await redis.xadd(`${keyPrefix}session:{abc}:log`, '*', 'entry', JSON.stringify(entry(7)));
    expect(await storage.sessions.create(record('abc', 1), entry(1), 60_000)).toBe(true);
    expect(await storage.sessions.readLog('abc')).toEqual([entry(1)]);
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
    machineId: 'fusion-auth',
    policyVersion: 'p1',
    version,
    snapshot: { value: 'start' },
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
