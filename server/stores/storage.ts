import type { KeyValueStore } from './keyValueStore.js';
import type { SessionStore } from './sessionStore.js';

/** Everything the service persists, behind one handle: Redis in production, memory when embedded. */
export interface Storage {
  readonly kind: 'memory' | 'redis';
  readonly kv: KeyValueStore;
  readonly sessions: SessionStore;
  /** Resolves when the store answers; rejects when it is unreachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
