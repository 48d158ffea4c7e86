import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { KeyValueStore } from './keyValueStore.js';
import type { SessionStore } from './sessionStore.js';

/** Everything the service persists, behind one handle: Redis in production, memory when embedded. */
export interface Storage {
  readonly kind: 'memory' | 'redis';
  readonly kv: KeyValueStore;
  readonly sessions: SessionStore;
  /** A rate limiter (rate-limiter-flexible) on this store: `points` per `durationSeconds` per key. */
  rateLimiter(options: { name: string; points: number; durationSeconds: number }): RateLimiterAbstract;
  /** Whether the rate limiter `name` holds anything for `key`, in one cheap read (its `get` takes a transaction). */
  rateLimitRecorded(name: string, key: string): Promise<boolean>;
  /** Resolves when the store answers; rejects when it is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
