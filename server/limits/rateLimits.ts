import type { Logger } from 'pino';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../http/apiError.js';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../stores/storage.js';
import { SmsSendGuard, type SmsSendLimitSettings } from './smsSendGuard.js';

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
  /** Verify-token exchanges per access key per minute. */
  verifyTokenExchangesPerKeyPerMinute: number;
  /** SMS sends: per number prefix, the daily budget per scheme, the country allow-list. */
  sms: SmsSendLimitSettings;
}

export type RateLimitName =
  'sessionStartPerIp' | 'sessionStartPerScheme' | 'eventPerIp' | 'backendCallPerIp' | 'codeCheckPerNumber' | 'verifyTokenExchangePerKey';

/** Named limits over rate-limiter-flexible, on the same store as everything else (Redis or memory). */
export class RateLimits {
  private readonly limiters: Record<RateLimitName, RateLimiterAbstract>;
  private readonly metrics: Metrics | undefined;
  /** The limits on SMS sends (country, prefix, daily budget), for the session job and the REST send endpoint. */
  readonly sms: SmsSendGuard;

  constructor(storage: Storage, settings: RateLimitSettings, deps: { clock?: () => number; metrics?: Metrics; logger?: Logger } = {}) {
    this.metrics = deps.metrics;
    this.sms = new SmsSendGuard(storage, settings.sms, {
      clock: deps.clock ?? Date.now,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
    this.limiters = {
      sessionStartPerIp: storage.rateLimiter({ name: 'session-start-ip', points: settings.sessionStartsPerIpPerMinute, durationSeconds: 60 }),
      sessionStartPerScheme: storage.rateLimiter({ name: 'session-start-scheme', points: settings.sessionStartsPerSchemePerMinute, durationSeconds: 60 }),
      eventPerIp: storage.rateLimiter({ name: 'event-ip', points: settings.eventsPerIpPerMinute, durationSeconds: 60 }),
      backendCallPerIp: storage.rateLimiter({ name: 'backend-ip', points: settings.backendCallsPerIpPerMinute, durationSeconds: 60 }),
      codeCheckPerNumber: storage.rateLimiter({ name: 'code-check-number', points: settings.codeChecksPerNumberPerDay, durationSeconds: 86_400 }),
      verifyTokenExchangePerKey: storage.rateLimiter({
        name: 'verify-exchange-key',
        points: settings.verifyTokenExchangesPerKeyPerMinute,
        durationSeconds: 60,
      }),
    };
  }

  /** Takes one point; throws 429 with `Retry-After` when the limit is spent. */
  async consume(name: RateLimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        this.metrics?.rateLimited.inc({ limit: name });
        throw new ApiError(429, 'RATE_LIMITED', `too many requests; try again in ${seconds} s`, undefined, seconds);
      }
      throw error;
    }
  }
}
