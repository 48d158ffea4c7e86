import type { Logger } from 'pino';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../stores/storage.js';
import { CodeCheckLock, type CodeCheckLockState } from './codeCheckLock.js';
import { RateLimitedError } from './rateLimited.js';
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
  /**
   * SMS code checks per phone number across sessions before the number is locked: caps guessing
   * far below a code's keyspace. Locks grow with each time the checks run out (see CodeCheckLock).
   */
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
  private readonly limiters: Record<Exclude<RateLimitName, 'codeCheckPerNumber'>, RateLimiterAbstract>;
  private readonly codeChecks: CodeCheckLock;
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
      verifyTokenExchangePerKey: storage.rateLimiter({
        name: 'verify-exchange-key',
        points: settings.verifyTokenExchangesPerKeyPerMinute,
        durationSeconds: 60,
      }),
    };
    this.codeChecks = new CodeCheckLock(storage, settings.codeChecksPerNumberPerDay, {
      ...(deps.logger ? { logger: deps.logger } : {}),
      onRefused: () => this.metrics?.rateLimited.inc({ limit: 'codeCheckPerNumber' }),
    });
  }

  /** Takes one point; throws `RateLimitedError` (429 with `Retry-After`) when the limit is spent. */
  async consume(name: RateLimitName, key: string): Promise<void> {
    if (name === 'codeCheckPerNumber') return this.codeChecks.consume(key);
    try {
      await this.limiters[name].consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        this.metrics?.rateLimited.inc({ limit: name });
        throw new RateLimitedError(name, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      }
      throw error;
    }
  }

  /**
   * The owner proved `phoneNumber` (normalized) another way, e.g. a session verified by the
   * carrier: its code-check lock ends and its checks start over. Never throws.
   */
  clearCodeCheckLock(phoneNumber: string): Promise<void> {
    return this.codeChecks.clear(phoneNumber);
  }

  /** The code-check lock of a number, for the operator. */
  codeCheckLock(phoneNumber: string): Promise<CodeCheckLockState> {
    return this.codeChecks.state(phoneNumber);
  }

  /** The operator lifts a number's code-check lock and forgets its back-off. */
  liftCodeCheckLock(phoneNumber: string): Promise<void> {
    return this.codeChecks.lift(phoneNumber);
  }
}
