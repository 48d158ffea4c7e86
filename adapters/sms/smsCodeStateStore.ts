/**
 * The storage the local SMS code engine needs. Its methods are a subset, with identical
 * signatures, of the server's key-value store, so the memory and Redis stores fit as they are.
 */
export interface SmsCodeStateStore {
  get(key: string): Promise<string | null>;
  /**
   * Atomic compare-and-swap of the whole value: succeeds only if the current value equals
   * `expected` (null = key absent). `value` null deletes the key. `ttlMs` applies to the new value.
   */
  compareAndSwap(key: string, expected: string | null, value: string | null, ttlMs?: number): Promise<boolean>;
  /** Increments an integer counter; the TTL is set when the counter is created. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
}
