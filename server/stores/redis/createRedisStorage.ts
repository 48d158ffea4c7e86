import { Cluster } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Storage } from '../storage.js';
import { reportingUnavailability, storeLiveness, StoreUnavailableError } from '../storeUnavailable.js';
import { createRedisClient, isConnectionLost, redisTimings, type RedisConnection } from './redisClient.js';
import { RedisKeyValueStore } from './redisKeyValueStore.js';
import { RedisSessionStore } from './redisSessionStore.js';

export interface RedisStorageOptions {
  /** One `redis://` URL, or several comma-separated ones for a Redis Cluster. */
  url: string;
  /** Put before every key, so several deployments (or test files) can share one Redis. */
  keyPrefix?: string;
  /** An existing connection to use instead of connecting to `url`; the caller keeps ownership and closes it. */
  redis?: RedisConnection;
}

export function createRedisStorage(options: RedisStorageOptions): Storage {
  const keyPrefix = options.keyPrefix ?? 'nf:';
  const ownsConnection = options.redis === undefined;
  const redis = options.redis ?? createRedisClient(options.url);
  // Every failure to reach Redis, and every call without an answer in time, leaves the stores as a
  // StoreUnavailableError (503 for the client); while the connection is lost they do not even try.
  // The hash tag keeps each limiter's keys in one slot, so it also works on a Redis Cluster.
  const limiterKeyPrefix = (name: string) => `${keyPrefix}{rl-${name}}`;
  const unavailability = { answerWithinMs: redisTimings.answerWithinMs, isDown: () => isConnectionLost(redis), liveness: storeLiveness() };
  return {
    kind: 'redis',
    kv: reportingUnavailability(new RedisKeyValueStore(redis, keyPrefix), unavailability),
    sessions: reportingUnavailability(new RedisSessionStore(redis, keyPrefix), unavailability),
    rateLimiter({ name, points, durationSeconds }) {
      return reportingUnavailability(
        new RateLimiterRedis({ storeClient: redis, keyPrefix: limiterKeyPrefix(name), points, duration: durationSeconds }),
        unavailability,
      );
    },
    rateLimitRecorded: reportingUnavailability(
      {
        // rate-limiter-flexible's key of `key`: its prefix, a colon, the key.
        async recorded(name: string, key: string) {
          return (await redis.exists(`${limiterKeyPrefix(name)}:${key}`)) === 1;
        },
      },
      unavailability,
    ).recorded,
    async ping() {
      if (!(redis instanceof Cluster)) {
        await redis.ping();
        return;
      }
      // Every node answers PING while the cluster refuses data commands (a master gone, slots unserved): ask for its state.
      const info = await redis.cluster('INFO');
      if (!/^cluster_state:ok\b/m.test(info)) throw new StoreUnavailableError(new Error('the Redis Cluster is not ok'));
    },
    async close() {
      if (!ownsConnection) return;
      // QUIT waits for an answer (and fails when the connection is down): never wait long, never leave a reconnect pending.
      let timer: NodeJS.Timeout | undefined;
      const quit = redis.quit().then(
        () => true,
        () => false,
      );
      const answered = await Promise.race([quit, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1_000)))]);
      clearTimeout(timer);
      if (!answered) redis.disconnect();
    },
  };
}
