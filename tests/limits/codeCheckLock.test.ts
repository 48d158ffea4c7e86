import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHECKS_BETWEEN_LOCKS, CodeCheckLock, LOCK_SECONDS } from '../../server/limits/codeCheckLock.js';
import { RateLimitedError } from '../../server/limits/rateLimited.js';
import { RateLimits, type RateLimitSettings } from '../../server/limits/rateLimits.js';
import { Metrics } from '../../server/observability/metrics.js';
import { createMemoryStorage } from '../../server/stores/memory/createMemoryStorage.js';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import { createRedisClient, type RedisConnection } from '../../server/stores/redis/redisClient.js';
import type { Storage } from '../../server/stores/storage.js';
import { StoreUnavailableError } from '../../server/stores/storeUnavailable.js';
import { findFreePort } from '../support/redisServer.js';
import { until } from '../support/until.js';

const redisUrl = inject('redisUrl');
let redis: RedisConnection;
beforeAll(() => {
  redis = createRedisClient(redisUrl);
});
afterAll(async () => {
  await redis.quit();
});

function redisStorage(): { storage: Storage; keyPrefix: string } {
  const keyPrefix = `t-${randomUUID()}:`;
  return { keyPrefix, storage: createRedisStorage({ url: redisUrl, keyPrefix, redis }) };
}

/** Time passes for a number's lock: its key expires in Redis, as it would when its TTL runs out. */
async function lockExpires(keyPrefix: string, phoneNumber: string): Promise<void> {
  const key = `${keyPrefix}{rl-code-check-lock}:${phoneNumber}`;
  expect(await redis.pexpire(key, 1)).toBe(1);
  await until(async () => (await redis.exists(key)) === 0, 5_000, 'the lock key to expire');
}

/** The seconds a refused check is told to wait; fails if the check was not refused. */
async function refusal(lock: CodeCheckLock, phoneNumber: string): Promise<number> {
  const error = await lock.consume(phoneNumber).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the check should have been refused').toBeInstanceOf(RateLimitedError);
  expect(error).toMatchObject({ limit: 'codeCheckPerNumber' });
  return (error as RateLimitedError).retryAfterSeconds;
}

async function checks(lock: CodeCheckLock, phoneNumber: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await lock.consume(phoneNumber);
}

describe.each([
  ['memory', () => createMemoryStorage()],
  ['redis', () => redisStorage().storage],
])('the code-check lock on the %s store', (_kind, makeStorage) => {
  it('locks a number for a minute after its checks run out; a carrier proof ends the lock but keeps the back-off; the operator forgets it', async () => {
    const lock = new CodeCheckLock(makeStorage(), 6);
    const number = '13300001001';
    await checks(lock, number, 6);
    const first = await refusal(lock, number);
    expect(first).toBeGreaterThan(50);
    expect(first).toBeLessThanOrEqual(60);
    // The owner's correct code is refused like any other check: the lock does not know the code.
    await refusal(lock, number);
    expect(await lock.state(number)).toMatchObject({ phoneNumber: number, locked: true, checksLeft: CHECKS_BETWEEN_LOCKS, locks: 1, nextLockSeconds: 300 });
    // Other numbers are not touched.
    await lock.consume('13300001002');

    await lock.clear(number);
    expect(await lock.state(number)).toEqual({ phoneNumber: number, locked: false, retryAfterSeconds: 0, checksLeft: 6, locks: 1, nextLockSeconds: 300 });
    await checks(lock, number, 6);
    const second = await refusal(lock, number);
    expect(second).toBeGreaterThan(240);
    expect(second).toBeLessThanOrEqual(300);

    await lock.lift(number);
    expect(await lock.state(number)).toEqual({ phoneNumber: number, locked: false, retryAfterSeconds: 0, checksLeft: 6, locks: 0, nextLockSeconds: 60 });
    await checks(lock, number, 6);
    expect(await refusal(lock, number)).toBeLessThanOrEqual(60);
  });
});

describe('the code-check back-off on Redis', () => {
  it(`after a lock ends a number gets ${CHECKS_BETWEEN_LOCKS} checks, then a longer lock: 1 min, 5 min, 15 min, 1 h, 4 h, then a day at most`, async () => {
    const { storage, keyPrefix } = redisStorage();
    const lock = new CodeCheckLock(storage, 30);
    const number = '13300001101';
    await checks(lock, number, 30);
    const locks: number[] = [await refusal(lock, number)];
    // The few checks between locks last as long as the locks are remembered: waiting a day does not bring all 30 back.
    expect(await redis.pttl(`${keyPrefix}{rl-code-check-number}:${number}`)).toBeGreaterThan(6.9 * 86_400_000);
    for (let round = 0; round < LOCK_SECONDS.length; round++) {
      await lockExpires(keyPrefix, number);
      await checks(lock, number, CHECKS_BETWEEN_LOCKS);
      locks.push(await refusal(lock, number));
    }
    // Each refusal says how long its lock has left: its full length, less the few seconds the test took.
    const lockOf = (seconds: number) => LOCK_SECONDS.find((length) => length >= seconds && length - seconds <= 10);
    expect(locks.map(lockOf)).toEqual([60, 300, 900, 3_600, 14_400, 86_400, 86_400]);
  });

  it('concurrent checks across the cap: exactly the cap goes through and the number is locked once', async () => {
    const lock = new CodeCheckLock(redisStorage().storage, 10);
    const number = '13300001201';
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () =>
        lock.consume(number).then(
          () => 'checked',
          (e: unknown) => (e instanceof RateLimitedError ? 'refused' : String(e)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'checked')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(15);
    expect(await lock.state(number)).toMatchObject({ locked: true, locks: 1, nextLockSeconds: 300 });
  });
});

describe('RateLimits and the code-check lock', () => {
  const settings: RateLimitSettings = {
    sessionStartsPerIpPerMinute: 100,
    sessionStartsPerSchemePerMinute: 100,
    eventsPerIpPerMinute: 100,
    backendCallsPerIpPerMinute: 100,
    codeChecksPerNumberPerDay: 3,
    verifyTokenExchangesPerKeyPerMinute: 100,
    sms: { sendsPerPrefixPerHour: 100, dailyBudgetPerScheme: 100, countryAllowList: ['CN'] },
  };

  it("counts refused checks in the metric, and lets the engine clear a proven number's lock with one call", async () => {
    const metrics = new Metrics();
    const limits = new RateLimits(redisStorage().storage, settings, { metrics });
    for (let i = 0; i < 3; i++) await limits.consume('codeCheckPerNumber', '13300001301');
    await expect(limits.consume('codeCheckPerNumber', '13300001301')).rejects.toBeInstanceOf(RateLimitedError);
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'numberflow_rate_limited_total');
    expect(metric?.values.find((v) => v.labels.limit === 'codeCheckPerNumber')?.value).toBe(1);

    await limits.clearCodeCheckLock('13300001301');
    await limits.consume('codeCheckPerNumber', '13300001301');
    expect(await limits.codeCheckLock('13300001301')).toMatchObject({ locked: false, checksLeft: 2, locks: 1 });
  });

  it('while the store is down a check fails as StoreUnavailableError, and clearing a lock never throws (a proof must not fail)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const unreachable = createRedisStorage({ url: `redis://127.0.0.1:${await findFreePort()}`, keyPrefix: 'x:' });
    try {
      const limits = new RateLimits(unreachable, settings, { logger });
      await expect(limits.consume('codeCheckPerNumber', '13300001401')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(limits.clearCodeCheckLock('13300001401')).resolves.toBeUndefined();
      expect(lines.join('\n')).toMatch(/could not clear the code-check lock/);
      expect(lines.join('\n')).toContain('133****1401');
    } finally {
      await unreachable.close();
    }
  });
});
