import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Storage } from '../storage.js';
import { MemoryKeyValueStore } from './memoryKeyValueStore.js';
import { MemorySessionStore } from './memorySessionStore.js';

export interface MemoryStorageOptions {
  /** The clock TTLs are measured against (epoch ms); tests pass a fake one. */
  now?: () => number;
}

const SWEEP_INTERVAL_MS = 30_000;

/** Storage in process memory: the embedded default when no Redis is configured. Lost on restart. */
export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  const now = options.now ?? Date.now;
  const kv = new MemoryKeyValueStore(now);
  const sessions = new MemorySessionStore(now);
  const sweep = setInterval(() => {
    kv.sweepExpired();
    sessions.sweepExpired();
  }, SWEEP_INTERVAL_MS);
  // The sweep only frees memory; it must not keep the process alive.
  sweep.unref();
  /** A memory limiter keeps its counts in its instance: limiters of one name share one, as they share keys on Redis. */
  const limiters = new Map<string, RateLimiterMemory>();
  return {
    kind: 'memory',
    kv,
    sessions,
    rateLimiter({ name, points, durationSeconds }) {
      const known = limiters.get(name);
      if (known && known.points === points && known.duration === durationSeconds) return known;
      const limiter = new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
      limiters.set(name, limiter);
      return limiter;
    },
    async rateLimitRecorded(name, key) {
      return (await limiters.get(name)?.get(key)) != null;
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
    },
  };
}
