import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { Logger } from 'pino';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { maskPhoneNumber } from '../../machines/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../stores/storage.js';

/** The abuse limits on SMS sends that come on top of the SMS engine's own per-number daily cap. */
export interface SmsSendLimitSettings {
  /** SMS sends per number prefix (the number without its last four digits: 7 digits for a mainland number) per hour. */
  sendsPerPrefixPerHour: number;
  /** SMS sends per scheme per UTC day; when spent, sending stops and an alert goes out. */
  dailyBudgetPerScheme: number;
  /** ISO 3166 country codes a code may be sent to; `*` allows every country. */
  countryAllowList: string[];
}

/** The limit that stopped a send: a country not allowed, the prefix limit, or the scheme's daily budget. */
export type SmsSendLimit = 'smsCountry' | 'smsPrefix' | 'smsBudget';

export type SmsSendAdmission =
  | { admitted: true; /** Gives the points back: the send did not go out. */ release(): Promise<void> }
  | { admitted: false; limit: SmsSendLimit; retryAfterSeconds: number };

export interface SmsSendRequest {
  /** Normalized: 11 digits for mainland China, E.164 otherwise. */
  phoneNumber: string;
  /** What the daily budget is counted on: a scheme code (sessions) or `plain:<access key id>` (the REST endpoint). */
  budgetKey: string;
  /** Counts a send once however often it is tried (a job's action id): a retry of an admitted send is admitted again for free. */
  onceKey?: string;
}

const dayMs = 86_400_000;

/**
 * Stops SMS pumping: a country allow-list, a limit per number prefix per hour and a daily SMS
 * budget per scheme, on rate-limiter-flexible over the shared store (memory, Redis or Cluster).
 * Points are taken before the send and given back when nothing was sent, so concurrent sends
 * cannot overshoot a limit.
 */
export class SmsSendGuard {
  private readonly perPrefix: RateLimiterAbstract;
  private readonly budget: RateLimiterAbstract;
  private readonly allowAll: boolean;
  private readonly allowed: ReadonlySet<string>;

  constructor(
    private readonly storage: Storage,
    private readonly settings: SmsSendLimitSettings,
    private readonly deps: { clock: () => number; metrics?: Metrics; logger?: Logger },
  ) {
    this.perPrefix = storage.rateLimiter({ name: 'sms-prefix', points: settings.sendsPerPrefixPerHour, durationSeconds: 3_600 });
    // The key names the UTC day; the window only has to outlive it.
    this.budget = storage.rateLimiter({ name: 'sms-budget', points: settings.dailyBudgetPerScheme, durationSeconds: 2 * 86_400 });
    const list = settings.countryAllowList.map((c) => c.trim().toUpperCase()).filter(Boolean);
    this.allowAll = list.includes('*');
    this.allowed = new Set(list);
  }

  async admit(request: SmsSendRequest): Promise<SmsSendAdmission> {
    if (!this.countryAllowed(request.phoneNumber)) return this.refuse('smsCountry', 86_400);
    if (request.onceKey !== undefined) {
      const first = await this.storage.kv.set(`sms-guard-once:${request.onceKey}`, '1', { ttlMs: dayMs, onlyIfAbsent: true });
      if (!first) return { admitted: true, release: async () => {} };
    }
    const releaseOnce = async () => {
      if (request.onceKey !== undefined) await this.storage.kv.del(`sms-guard-once:${request.onceKey}`);
    };

    const prefix = numberPrefix(request.phoneNumber);
    const prefixRefusal = await this.take(this.perPrefix, prefix);
    if (prefixRefusal !== null) {
      await releaseOnce();
      return this.refuse('smsPrefix', prefixRefusal);
    }
    const now = this.deps.clock();
    const day = new Date(now).toISOString().slice(0, 10);
    const budgetKey = `${request.budgetKey}:${day}`;
    if ((await this.take(this.budget, budgetKey)) !== null) {
      await this.perPrefix.reward(prefix, 1);
      await releaseOnce();
      await this.alertBudgetSpent(request.budgetKey, day);
      const untilMidnight = Math.ceil((dayMs - (now % dayMs)) / 1000);
      return this.refuse('smsBudget', Math.max(1, untilMidnight));
    }
    return {
      admitted: true,
      release: async () => {
        await Promise.all([this.perPrefix.reward(prefix, 1), this.budget.reward(budgetKey, 1)]);
        await releaseOnce();
      },
    };
  }

  /** Counts a limit hit that another part enforced (the SMS engine's per-number daily cap). */
  recordLimited(limit: string): void {
    this.deps.metrics?.rateLimited.inc({ limit });
  }

  /** Logs why a send was refused, with the number masked. */
  logRefusal(limit: string, phoneNumber: string, context: Record<string, unknown>): void {
    this.deps.logger?.info({ ...context, limit, phoneNumber: maskPhoneNumber(phoneNumber) }, 'SMS send refused by an abuse limit');
  }

  private countryAllowed(phoneNumber: string): boolean {
    if (this.allowAll) return true;
    return this.allowed.has(countryOf(phoneNumber) ?? '');
  }

  private refuse(limit: SmsSendLimit, retryAfterSeconds: number): SmsSendAdmission {
    this.deps.metrics?.rateLimited.inc({ limit });
    return { admitted: false, limit, retryAfterSeconds };
  }

  /** Takes a point; null when taken, else the seconds until the limit frees up. */
  private async take(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
    try {
      await limiter.consume(key);
      return null;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  }

  /** Once per scheme and UTC day over all processes: a metric and a warning. */
  private async alertBudgetSpent(budgetKey: string, day: string): Promise<void> {
    const first = await this.storage.kv.set(`sms-budget-alert:${budgetKey}:${day}`, '1', { ttlMs: 2 * dayMs, onlyIfAbsent: true });
    if (!first) return;
    this.deps.metrics?.smsBudgetExhausted.inc({ scheme: budgetKey });
    this.deps.logger?.warn({ scheme: budgetKey, day, budget: this.settings.dailyBudgetPerScheme }, 'daily SMS budget spent: no more SMS for this scheme today');
  }
}

/** The number without its last four digits: the first 7 digits of a mainland number, the same cut of an E.164 one. */
export function numberPrefix(phoneNumber: string): string {
  return phoneNumber.slice(0, Math.max(1, phoneNumber.length - 4));
}

/** The country of a normalized number: 11 digits without `+` are mainland China. */
export function countryOf(phoneNumber: string): string | undefined {
  if (/^1\d{10}$/.test(phoneNumber)) return 'CN';
  try {
    return parsePhoneNumberWithError(phoneNumber).country;
  } catch {
    return undefined;
  }
}
