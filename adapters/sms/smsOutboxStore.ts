/**
 * The storage the simulator outbox needs. Its methods are a subset, with identical
 * signatures, of the server's key-value store, so the memory and Redis stores fit as they are.
 */
export interface SmsOutboxStore {
  get(key: string): Promise<string | null>;
  /** Sets a value. With `onlyIfAbsent` it returns false and changes nothing if the key exists. */
  set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  /** Appends to a list kept to at most `maxLength` newest entries. */
  appendCapped(key: string, value: string, maxLength: number, ttlMs?: number): Promise<void>;
  /** The whole list, oldest entry first. */
  listRange(key: string): Promise<string[]>;
}
