import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../http/apiError.js';
import type { Storage } from '../stores/storage.js';

/** The limits every deployment has; the numbers come from the configuration. */
export interface RateLimitSettings {
  /** Session starts per client IP per minute. */
  sessionStartsPerIpPerMinute: number;
  /** Session starts per scheme per minute. */
  sessionStartsPerSchemePerMinute: number;
  /** Session events per client IP per minute. */
  eventsPerIpPerMinute: number;
  /** Token and verify calls per client IP per minute. */
  backendCallsPerIpPerMinute: number;
  /** SMS code checks per phone number per day, across sessions: caps guessing far below a code's keyspace. */
  codeChecksPerNumberPerDay: number;
}

export type RateLimitName = 'sessionStartPerIp' | 'sessionStartPerScheme' | 'eventPerIp' | 'backendCallPerIp' | 'codeCheckPerNumber';

/** Named limits over rate-limiter-flexible, on the same store as everything else (Redis or memory). */
export class RateLimits {
  private readonly limiters: Record<RateLimitName, RateLimiterAbstract>;

  constructor(storage: Storage, settings: RateLimitSettings) {
    this.limiters = {
      sessionStartPerIp: storage.rateLimiter({ name: 'session-start-ip', points: settings.sessionStartsPerIpPerMinute, durationSeconds: 60 }),
      sessionStartPerScheme: storage.rateLimiter({ name: 'session-start-scheme', points: settings.sessionStartsPerSchemePerMinute, durationSeconds: 60 }),
      eventPerIp: storage.rateLimiter({ name: 'event-ip', points: settings.eventsPerIpPerMinute, durationSeconds: 60 }),
      backendCallPerIp: storage.rateLimiter({ name: 'backend-ip', points: settings.backendCallsPerIpPerMinute, durationSeconds: 60 }),
      codeCheckPerNumber: storage.rateLimiter({ name: 'code-check-number', points: settings.codeChecksPerNumberPerDay, durationSeconds: 86_400 }),
    };
  }

  /** Takes one point; throws 429 with `Retry-After` when the limit is spent. */
  async consume(name: RateLimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new ApiError(429, 'RATE_LIMITED', `too many requests; try again in ${seconds} s`, undefined, seconds);
      }
      throw error;
    }
  }
}
