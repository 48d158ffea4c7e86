import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { countryOf, numberPrefix } from '../../server/limits/smsSendGuard.js';

describe('SMS send limits: numbers and configuration', () => {
  it('cuts the prefix of a mainland number at 7 digits, and an E.164 number without its last 4', () => {
    expect(numberPrefix('13800138000')).toBe('1380013');
    expect(numberPrefix('+12025550123')).toBe('+1202555');
  });

  it('knows the country of a normalized number', () => {
    expect(countryOf('13800138000')).toBe('CN');
    expect(countryOf('+12025550123')).toBe('US');
    expect(countryOf('+85291234567')).toBe('HK');
    expect(countryOf('garbage')).toBeUndefined();
  });

  it('reads the limits from the environment, mainland China only by default', () => {
    expect(loadConfig({}).rateLimits.sms).toEqual({ sendsPerPrefixPerHour: 30, dailyBudgetPerScheme: 1000, countryAllowList: ['CN'] });
    expect(loadConfig({}).rateLimits.verifyTokenExchangesPerKeyPerMinute).toBe(600);
    expect(loadConfig({ SMS_COUNTRY_ALLOW_LIST: 'cn, hk' }).rateLimits.sms.countryAllowList).toEqual(['CN', 'HK']);
    expect(loadConfig({ SMS_COUNTRY_ALLOW_LIST: '*' }).rateLimits.sms.countryAllowList).toEqual(['*']);
    expect(() => loadConfig({ SMS_COUNTRY_ALLOW_LIST: 'China' })).toThrow(/SMS_COUNTRY_ALLOW_LIST/);
    expect(() => loadConfig({ SMS_DAILY_BUDGET_PER_SCHEME: '0' })).toThrow(/SMS_DAILY_BUDGET_PER_SCHEME/);
  });
});
