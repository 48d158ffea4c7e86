import type { Logger } from 'pino';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { maskPhoneNumber } from '../../machines/index.js';
import type { Storage } from '../stores/storage.js';
import { RateLimitedError } from './rateLimited.js';

/**
 * How long a number is locked the 1st, 2nd, … time its code checks run out; the last one repeats.
 * A burst of wrong guesses locks the owner out for a minute, not a day; a persistent attacker
 * climbs to a day only after five rounds in about five hours.
 */
export const LOCK_SECONDS = [60, 300, 900, 3_600, 14_400, 86_400] as const;
/** After a lock, the checks a number gets before the next, longer one: a fresh code and a typo or two. */
export const CHECKS_BETWEEN_LOCKS = 5;
/** How long the locks of a number are remembered for the back-off, from the first one. */
export const LOCK_MEMORY_SECONDS = 7 * 86_400;
/** The window of the cap (`codeChecksPerNumberPerDay`). */
const CHECK_WINDOW_SECONDS = 86_400;
const checksLimiter = 'code-check-number';
/** Time for one process to finish locking a number (it claims the lock first, so concurrent checks lock it once). */
const LOCK_CLAIM_SECONDS = 60;

/** What an operator sees of a number's code checks. */
export interface CodeCheckLockState {
  phoneNumber: string;
  locked: boolean;
  /** Seconds until the lock ends; 0 when the number is not locked. */
  retryAfterSeconds: number;
  /** Checks the number has before it is locked (again). */
  checksLeft: number;
  /** Times the checks ran out within the remembered period (7 days from the first). */
  locks: number;
  /** How long the next lock will last. */
  nextLockSeconds: number;
}

/**
 * The per-number cap on SMS code checks across sessions, with a growing back-off instead of one
 * flat day: `cap` checks, then a lock of LOCK_SECONDS[0]; after each lock CHECKS_BETWEEN_LOCKS
 * more (for as long as the locks are remembered), then the next, longer lock. Three rate-limiter-flexible limiters on the shared store:
 * the checks (`cap` per day), the lock (blocked while it lasts) and the locks so far (7 days).
 */
export class CodeCheckLock {
  private readonly checks: RateLimiterAbstract;
  private readonly lock: RateLimiterAbstract;
  private readonly lockHistory: RateLimiterAbstract;
  private readonly checksBetweenLocks: number;

  constructor(
    private readonly storage: Storage,
    private readonly cap: number,
    private readonly deps: { logger?: Logger; onRefused?: () => void } = {},
  ) {
    this.checks = storage.rateLimiter({ name: checksLimiter, points: cap, durationSeconds: CHECK_WINDOW_SECONDS });
    this.lock = storage.rateLimiter({ name: 'code-check-lock', points: 1, durationSeconds: LOCK_CLAIM_SECONDS });
    this.lockHistory = storage.rateLimiter({ name: 'code-check-locks', points: Number.MAX_SAFE_INTEGER, durationSeconds: LOCK_MEMORY_SECONDS });
    this.checksBetweenLocks = Math.min(CHECKS_BETWEEN_LOCKS, cap);
  }

  /** Counts one code check of `phoneNumber`; throws `RateLimitedError` while the number is locked. The check that uses up the allowance goes ahead and locks the number. */
  async consume(phoneNumber: string): Promise<void> {
    const lock = await this.lock.get(phoneNumber);
    if (lock) this.refuse(lock.msBeforeNext);
    let taken: RateLimiterRes;
    try {
      taken = await this.checks.consume(phoneNumber);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      // Checks beyond the allowance (concurrent with the one that locks, or after a locking that never finished).
      this.refuse((await this.lockNow(phoneNumber)) * 1000);
    }
    if (taken.remainingPoints === 0) await this.lockNow(phoneNumber);
  }

  /**
   * The owner proved the number another way (one-click, a carrier's number check): the lock ends
   * and the checks start over. The back-off is remembered, so an attacker who goes on meets
   * longer locks. Never throws: a proof must not fail because the store could not be cleared.
   */
  async clear(phoneNumber: string): Promise<void> {
    try {
      // Most proven numbers were never guessed at: one read then, not two deletes. A lock never outlives its checks (see lockNow).
      if (!(await this.storage.rateLimitRecorded(checksLimiter, phoneNumber))) return;
      await Promise.all([this.lock.delete(phoneNumber), this.checks.delete(phoneNumber)]);
    } catch (error) {
      this.deps.logger?.warn(
        { err: { message: error instanceof Error ? error.message : String(error) }, phoneNumber: maskPhoneNumber(phoneNumber) },
        'could not clear the code-check lock of a proven number',
      );
    }
  }

  /** The operator lifts the lock and forgets the back-off: the number starts as new. */
  async lift(phoneNumber: string): Promise<void> {
    await Promise.all([this.lock.delete(phoneNumber), this.checks.delete(phoneNumber), this.lockHistory.delete(phoneNumber)]);
  }

  async state(phoneNumber: string): Promise<CodeCheckLockState> {
    const [lock, checks, history] = await Promise.all([this.lock.get(phoneNumber), this.checks.get(phoneNumber), this.lockHistory.get(phoneNumber)]);
    const locks = history?.consumedPoints ?? 0;
    return {
      phoneNumber,
      locked: lock !== null,
      retryAfterSeconds: lock ? seconds(lock.msBeforeNext) : 0,
      checksLeft: Math.max(0, this.cap - (checks?.consumedPoints ?? 0)),
      locks,
      nextLockSeconds: lockSeconds(locks + 1),
    };
  }

  /**
   * Locks the number for the next step of the back-off and leaves CHECKS_BETWEEN_LOCKS checks
   * for after it; returns the lock's seconds. Only the first of concurrent callers locks.
   */
  private async lockNow(phoneNumber: string): Promise<number> {
    try {
      await this.lock.consume(phoneNumber);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      // Locked, or being locked by another check right now.
      const lock = await this.lock.get(phoneNumber);
      return lock && lock.msBeforeNext > 0 ? seconds(lock.msBeforeNext) : 1;
    }
    const history = await this.lockHistory.penalty(phoneNumber, 1);
    const duration = lockSeconds(history.consumedPoints);
    await this.lock.block(phoneNumber, duration);
    // The few checks between locks last as long as the locks are remembered: waiting a day does not bring the full cap back.
    const rationSeconds = Math.max(duration + CHECK_WINDOW_SECONDS, Math.ceil(history.msBeforeNext / 1000));
    await this.checks.set(phoneNumber, this.cap - this.checksBetweenLocks, rationSeconds);
    this.deps.logger?.warn(
      { phoneNumber: maskPhoneNumber(phoneNumber), locks: history.consumedPoints, lockSeconds: duration },
      'SMS code checks of a number ran out: locked',
    );
    return duration;
  }

  private refuse(msBeforeNext: number): never {
    this.deps.onRefused?.();
    throw new RateLimitedError('codeCheckPerNumber', seconds(msBeforeNext));
  }
}

/** The lock after the `nth` time the checks ran out (1-based). */
export function lockSeconds(nth: number): number {
  return LOCK_SECONDS[Math.min(Math.max(nth, 1), LOCK_SECONDS.length) - 1]!;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
