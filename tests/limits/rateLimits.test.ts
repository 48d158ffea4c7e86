import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../server/limits/rateLimited.js';
import { RateLimits, type RateLimitSettings } from '../../server/limits/rateLimits.js';
import { Metrics } from '../../server/observability/metrics.js';
import { createMemoryStorage } from '../../server/stores/memory/createMemoryStorage.js';

const settings: RateLimitSettings = {
  sessionStartsPerIpPerMinute: 100,
  sessionStartsPerSchemePerMinute: 100,
  eventsPerIpPerMinute: 100,
  backendCallsPerIpPerMinute: 100,
  codeChecksPerNumberPerDay: 100,
  verifyTokenExchangesPerKeyPerMinute: 2,
  sms: { sendsPerPrefixPerHour: 2, dailyBudgetPerScheme: 3, countryAllowList: ['CN'] },
};

function setUp() {
  const metrics = new Metrics();
  const now = Date.parse('2026-03-01T23:59:00Z');
  const limits = new RateLimits(createMemoryStorage({ now: () => now }), settings, { clock: () => now, metrics });
  return { limits, metrics };
}

async function counter(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}

describe('rate limits', () => {
  it('limits verify-token exchanges per access key: a RateLimitedError with the seconds to wait, counted in the metric', async () => {
    const { limits, metrics } = setUp();
    await limits.consume('verifyTokenExchangePerKey', 'KEY1');
    await limits.consume('verifyTokenExchangePerKey', 'KEY1');
    const refused = await limits.consume('verifyTokenExchangePerKey', 'KEY1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ limit: 'verifyTokenExchangePerKey' });
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await limits.consume('verifyTokenExchangePerKey', 'KEY2');
    expect(await counter(metrics, 'numberflow_rate_limited_total', { limit: 'verifyTokenExchangePerKey' })).toBe(1);
  });

  it('counts a send retried under one key once, and gives back the points of a send that did not go out', async () => {
    const { limits } = setUp();
    const first = await limits.sms.admit({ phoneNumber: '13800138000', budgetKey: 'S', onceKey: 'a1' });
    const retry = await limits.sms.admit({ phoneNumber: '13800138000', budgetKey: 'S', onceKey: 'a1' });
    expect([first.admitted, retry.admitted]).toEqual([true, true]);
    const notSent = await limits.sms.admit({ phoneNumber: '13800138001', budgetKey: 'S' });
    if (!notSent.admitted) throw new Error('expected admitted');
    await notSent.release();
    expect((await limits.sms.admit({ phoneNumber: '13800138002', budgetKey: 'S' })).admitted).toBe(true);
    expect(await limits.sms.admit({ phoneNumber: '13800138003', budgetKey: 'S' })).toMatchObject({ admitted: false, limit: 'smsPrefix' });
  });

  it('spends the budget per UTC day, refusing until midnight; a refused prefix point is given back', async () => {
    const { limits, metrics } = setUp();
    for (const number of ['13800000001', '13800010001', '13800020001'])
      expect((await limits.sms.admit({ phoneNumber: number, budgetKey: 'S' })).admitted).toBe(true);
    expect(await limits.sms.admit({ phoneNumber: '13800030001', budgetKey: 'S' })).toEqual({ admitted: false, limit: 'smsBudget', retryAfterSeconds: 60 });
    expect(await limits.sms.admit({ phoneNumber: '13800030002', budgetKey: 'S' })).toMatchObject({ limit: 'smsBudget' });
    expect((await limits.sms.admit({ phoneNumber: '13800030003', budgetKey: 'OTHER' })).admitted).toBe(true);
    expect(await counter(metrics, 'numberflow_sms_budget_exhausted_total', { scheme: 'S' })).toBe(1);
  });
});
