/**
 * The storage the carrier simulator needs. Its methods are a subset, with identical
 * signatures, of the server's key-value store, so the memory and Redis stores fit as they are.
 */
export interface SimulatorTokenStore {
  set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  /** Reads and deletes in one atomic step, which makes a token single use. */
  getDel(key: string): Promise<string | null>;
}
