import type { SessionLogEntry, SessionRecord } from './sessionStore.js';

/**
 * Checks shared by every store implementation, so a caller's mistake fails the same way
 * in memory as on Redis instead of, say, a zero TTL deleting a key on one and not the other.
 */

/** A TTL as whole milliseconds (rounded up); rejects zero, negative and non-finite values. */
export function ttlAsWholeMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`TTL must be a positive number of ms, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

export function assertIncrement(by: number): void {
  if (!Number.isSafeInteger(by)) throw new RangeError(`Increment must be an integer, got ${by}`);
}

export function assertMaxLength(maxLength: number): void {
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`Maximum length must be a positive integer, got ${maxLength}`);
  }
}

export function assertSessionCreate(record: SessionRecord, entry: SessionLogEntry): void {
  if (entry.version !== record.version) {
    throw new RangeError(`Log entry version ${entry.version} does not match record version ${record.version}`);
  }
}

export function assertSessionUpdate(next: SessionRecord, expectedVersion: number, entry: SessionLogEntry): void {
  if (next.version !== expectedVersion + 1) {
    throw new RangeError(`Next version must be ${expectedVersion + 1}, got ${next.version}`);
  }
  assertSessionCreate(next, entry);
}
