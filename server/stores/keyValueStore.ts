/**
 * The small key-value surface that everything except sessions is stored through:
 * schemes, access keys, verify tokens, SMS code state, simulator state, counters.
 * Every operation touches one key, so it is safe on Redis Cluster.
 * Keys are given without the store's prefix; the implementation adds it.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Sets a value. With `onlyIfAbsent` it returns false and changes nothing if the key exists. */
  set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  /** Reads and deletes in one atomic step: the basis of single-use tokens. */
  getDel(key: string): Promise<string | null>;
  del(key: string): Promise<boolean>;
  /**
   * Atomic compare-and-swap of the whole value: succeeds only if the current value equals
   * `expected` (null = key absent). `value` null deletes the key. `ttlMs` applies to the new value.
   */
  compareAndSwap(key: string, expected: string | null, value: string | null, ttlMs?: number): Promise<boolean>;
  /** Increments an integer counter; the TTL is set when the counter is created. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  /**
   * Counts an event of one subject in fixed windows of the given lengths (a window starts with the
   * first event after the last one ended), all in one key; or only reads them when `record` is
   * false. Returns the count per window, in the order given.
   */
  countInWindows(key: string, windowsMs: readonly number[], record: boolean): Promise<number[]>;
  /** Appends to a list kept to at most `maxLength` newest entries. */
  appendCapped(key: string, value: string, maxLength: number, ttlMs?: number): Promise<void>;
  listRange(key: string): Promise<string[]>;
  addToSet(key: string, member: string): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  /** Every key containing `text` (letters, digits, `-`, `_`, `.`, `:`, `%`): for erasing what is kept about one subject. Slow: a scan of the store. */
  keysContaining(text: string): Promise<string[]>;
  /** Milliseconds until the key expires, or null if it has no TTL or does not exist. */
  ttlMs(key: string): Promise<number | null>;
}
