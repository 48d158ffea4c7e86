import type { SessionWrite } from './sessionStore.js';

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

/** A session write appends one or more entries, numbered on from the stored version, and ends at the record's version. */
export function assertSessionWrite({ record, expectedVersion, entries }: SessionWrite): void {
  if (entries.length === 0) throw new RangeError('A session write appends at least one log entry');
  const first = (expectedVersion ?? 0) + 1;
  entries.forEach((entry, index) => {
    if (entry.version !== first + index) throw new RangeError(`Log entry ${index} must have version ${first + index}, got ${entry.version}`);
  });
  if (record.version !== first + entries.length - 1) {
    throw new RangeError(`Record version must be ${first + entries.length - 1}, got ${record.version}`);
  }
}

/** Text a key search may look for: nothing a glob would read as a pattern. */
export function assertPlainText(text: string): void {
  if (!/^[A-Za-z0-9_.:%-]{3,}$/.test(text)) throw new RangeError(`a key search needs 3 or more plain characters, got ${JSON.stringify(text)}`);
}
