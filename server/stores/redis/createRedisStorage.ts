import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Storage } from '../storage.js';
import { createRedisClient, type RedisConnection } from './redisClient.js';
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
  return {
    kind: 'redis',
    kv: new RedisKeyValueStore(redis, keyPrefix),
    sessions: new RedisSessionStore(redis, keyPrefix),
    rateLimiter({ name, points, durationSeconds }) {
      // The hash tag keeps each limiter's keys in one slot, so it also works on a Redis Cluster.
      return new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}{rl-${name}}`, points, duration: durationSeconds });
    },
    async ping() {
      await redis.ping();
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
