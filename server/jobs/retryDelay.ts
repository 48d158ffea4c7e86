import type { RetryPolicy } from './jobQueue.js';

/** Exponential backoff with jitter: attempt n (1-based, the one that failed) waits base · 2^(n-1) ± jitter. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** (failedAttempt - 1);
  const spread = exponential * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(exponential + spread));
}
