import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import { redisTimings } from '../../server/stores/redis/redisClient.js';
import type { Storage } from '../../server/stores/storage.js';
import { isStoreUnavailable, StoreUnavailableError } from '../../server/stores/storeUnavailable.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { until } from '../support/until.js';

/** The stores' side of an outage: a redis-server of this test's own, frozen, stopped and back. */
let redis: RedisServer | undefined;
let storage: Storage;
let frozen = false;

beforeAll(async () => {
  redis = await startRedisServer();
  storage = createRedisStorage({ url: redis.url, keyPrefix: 'su:' });
  await storage.kv.set('k', 'v');
});

afterAll(async () => {
  if (frozen && redis) process.kill(redis.pid, 'SIGCONT');
  await storage?.close();
  await redis?.stop();
});

async function failure(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - start };
}

describe('a store that cannot answer', () => {
  it('recognises the Redis client’s words for it, including a command that timed out, and nothing else', () => {
    for (const message of [
      'Command timed out',
      'Connection is closed.',
      'connect ECONNREFUSED 127.0.0.1:6379',
      'Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.',
      "Stream isn't writeable and enableOfflineQueue options is false",
      'None of startup nodes is available',
      'Too many Cluster redirections. Last error: Error: Connection is closed.',
      'CLUSTERDOWN The cluster is down',
      'LOADING Redis is loading the dataset in memory',
      'MOVED 7651 127.0.0.1:21501',
      'Redis connection is not ready',
    ]) {
      expect(isStoreUnavailable(new Error(message)), message).toBe(true);
    }
    for (const message of ['WRONGTYPE Operation against a key holding the wrong kind of value', 'ERR syntax error', 'session not found', 'timed out']) {
      expect(isStoreUnavailable(new Error(message)), message).toBe(false);
    }
    expect(isStoreUnavailable(new StoreUnavailableError(new Error('anything')))).toBe(true);
    expect(isStoreUnavailable('Command timed out')).toBe(false);
  });

  it('passes a command’s own error through unchanged', async () => {
    const raw = new Redis(redis!.url);
    try {
      await raw.lpush('su:k-list', 'x');
    } finally {
      raw.disconnect();
    }
    const { error } = await failure(() => storage.kv.get('k-list'));
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(String(error)).toMatch(/WRONGTYPE/);
  });

  it('frozen (SIGSTOP): every kind of call fails as StoreUnavailableError within the command deadline, however many wait', async () => {
    const limiter = storage.rateLimiter({ name: 'su', points: 100, durationSeconds: 60 });
    await limiter.consume('ip');
    process.kill(redis!.pid, 'SIGSTOP');
    frozen = true;
    try {
      const calls = [
        ...Array.from({ length: 20 }, (_, i) => () => storage.kv.get(`k${i}`)),
        () => storage.sessions.load('some-session'),
        () => limiter.consume('ip'),
      ];
      const failures = await Promise.all(calls.map((call) => failure(call)));
      for (const { error } of failures) expect(error).toBeInstanceOf(StoreUnavailableError);
      const slowest = Math.max(...failures.map((f) => f.ms));
      // The deadline runs from the call, not from when a batch reached the socket; generous for a busy machine.
      expect(slowest).toBeLessThan(redisTimings.commandTimeoutMs + 2_000);
      console.log(`[faults] frozen Redis: ${failures.length} concurrent calls failed as StoreUnavailableError, slowest after ${slowest} ms`);
    } finally {
      process.kill(redis!.pid, 'SIGCONT');
      frozen = false;
    }
    await until(async () => (await storage.kv.get('k').catch(() => null)) === 'v', 10_000, 'the store to answer after the thaw');
  });

  it('stopped: calls fail at once instead of queueing, and the client reconnects by itself when it is back', async () => {
    const port = redis!.port;
    await redis!.stop();
    const { error, ms } = await failure(() => storage.kv.get('k'));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(ms).toBeLessThan(redisTimings.commandTimeoutMs + 2_000);
    redis = await startRedisServer({ pickPort: async () => port });
    await until(async () => (await storage.kv.set('k', 'again').catch(() => false)) === true, 10_000, 'the store to answer after the restart');
    expect(await storage.kv.get('k')).toBe('again');
  });
});
