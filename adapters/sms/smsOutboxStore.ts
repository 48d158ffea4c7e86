/**
 * The storage the simulator outbox needs. Its methods are a subset, with identical
 * signatures, of the server's key-value store, so the memory and Redis stores fit as they are.
 */
export interface SmsOutboxStore {
  /** Appends to a list kept to at most `maxLength` newest entries. */
  appendCapped(key: string, value: string, maxLength: number, ttlMs?: number): Promise<void>;
  /** The whole list, oldest entry first. */
  listRange(key: string): Promise<string[]>;
}
