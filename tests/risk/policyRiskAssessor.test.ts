import { describe, expect, it } from 'vitest';
import { PhoneListRepository } from '../../server/risk/phoneListRepository.js';
import { PolicyRiskAssessor } from '../../server/risk/policyRiskAssessor.js';
import { recycledNumbersFrom } from '../../server/risk/recycledNumbers.js';
import { createMemoryStorage } from '../../server/stores/memory/createMemoryStorage.js';

const android = { platform: 'Android', packageName: 'com.example.app', packageSign: '0123456789abcdef0123456789abcdef' };
const ios = { platform: 'iOS', bundleId: 'com.example.ios' };
const schemes: Record<string, typeof android | typeof ios> = { FA000001: android, FA000002: ios };

function setup(now = { t: 1_000_000 }) {
  const { kv } = createMemoryStorage({ now: () => now.t });
  const phoneLists = new PhoneListRepository(kv);
  const assessor = new PolicyRiskAssessor({
    kv,
    schemes: { get: async (code) => schemes[code] ?? null },
    phoneLists,
    recycledNumbers: recycledNumbersFrom(['13900000001']),
  });
  return { assessor, phoneLists, now };
}

const endpoint = (device: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ device, schemeCode: 'FA000001', platform: 'Android', ...extra });

describe('endpoint risk: device signals', () => {
  it('a clean device scores 0 with no reasons', async () => {
    const { assessor } = setup();
    expect(await assessor.assessEndpoint(endpoint({ ...android, simOperator: '46001', cellularAvailable: true }))).toEqual({
      score: 0,
      reasons: [],
      ruleHit: false,
    });
  });

  it.each([
    [{ emulator: true }, 60, 'emulator +60'],
    [{ hooked: true }, 60, 'hooking framework +60'],
    [{ rooted: true }, 30, 'rooted or jailbroken +30'],
    [{ cellularAvailable: false }, 10, 'no cellular data +10'],
    [{ simOperator: '31026' }, 20, 'SIM operator 31026 not a mainland carrier +20'],
    [{ packageName: 'com.evil.app' }, 40, 'package name differs from scheme +40'],
    [{ packageSign: 'ffffffffffffffffffffffffffffffff' }, 60, 'package signature differs from scheme +60'],
    [{ platform: 'iOS' }, 20, 'platform iOS differs from scheme +20'],
  ])('%o scores %i', async (device, score, reason) => {
    const { assessor } = setup();
    const result = await assessor.assessEndpoint(endpoint(device, { policy: { threshold: 70, rules: [] } }));
    expect(result).toEqual({ score, reasons: [reason, `score ${score} ≤ threshold 70`], ruleHit: false });
  });

  it('compares the signature case-insensitively and the bundle ID of an iOS scheme', async () => {
    const { assessor } = setup();
    expect((await assessor.assessEndpoint(endpoint({ packageSign: android.packageSign.toUpperCase(), platform: 'android' }))).score).toBe(0);
    const result = await assessor.assessEndpoint({ device: { bundleId: 'com.other' }, schemeCode: 'FA000002', platform: 'iOS' });
    expect(result.reasons).toEqual(['bundle ID differs from scheme +40', 'score 40']);
  });

  it('sums the weights, capped at 100, and says when the score is above the threshold', async () => {
    const { assessor } = setup();
    const result = await assessor.assessEndpoint(endpoint({ emulator: true, hooked: true, rooted: true }, { policy: { threshold: 70, rules: [] } }));
    expect(result.score).toBe(100);
    expect(result.reasons.at(-1)).toBe('score 100 > threshold 70');
  });
});

describe('endpoint risk: frequency rules', () => {
  const rule = (dimension: 'ip' | 'device' | 'scheme', maxCount: number, windowSeconds = 60) => ({ dimension, maxCount, windowSeconds });

  it('device>2/60s hits on the third session from one device, and the window expires', async () => {
    const { assessor, now } = setup();
    const policy = { threshold: 70, rules: [rule('device', 2)] };
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await assessor.assessEndpoint(endpoint({ deviceId: 'd1' }, { policy })));
    expect(results.map((r) => r.ruleHit)).toEqual([false, false, true]);
    expect(results[2]!.reasons).toEqual(['rule device>2/60s hit (3)', 'score 0 ≤ threshold 70']);
    // Another device is counted apart.
    expect((await assessor.assessEndpoint(endpoint({ deviceId: 'd2' }, { policy }))).ruleHit).toBe(false);
    now.t += 61_000;
    expect((await assessor.assessEndpoint(endpoint({ deviceId: 'd1' }, { policy }))).ruleHit).toBe(false);
  });

  it('rules are OR-ed; an event counts once per counter even when two rules read it', async () => {
    const { assessor } = setup();
    const policy = { rules: [rule('ip', 1), rule('ip', 5), rule('scheme', 100)] };
    const first = await assessor.assessEndpoint(endpoint({ ip: '10.0.0.1' }, { policy }));
    expect(first.ruleHit).toBe(false);
    const second = await assessor.assessEndpoint(endpoint({ ip: '10.0.0.1' }, { policy }));
    expect(second).toMatchObject({ ruleHit: true, reasons: ['rule ip>1/60s hit (2)', 'score 0'] });
  });

  it('a rule whose dimension the device does not give cannot hit; no policy means no rules', async () => {
    const { assessor } = setup();
    const policy = { rules: [rule('device', 1)] };
    for (let i = 0; i < 3; i++) expect((await assessor.assessEndpoint(endpoint({}, { policy }))).ruleHit).toBe(false);
    for (let i = 0; i < 3; i++) expect((await assessor.assessEndpoint(endpoint({ deviceId: 'x' }))).ruleHit).toBe(false);
  });

  it('per scheme counts every session of the scheme', async () => {
    const { assessor } = setup();
    const policy = { rules: [rule('scheme', 2, 3600)] };
    await assessor.assessEndpoint(endpoint({ deviceId: 'a' }, { policy }));
    await assessor.assessEndpoint(endpoint({ deviceId: 'b' }, { policy }));
    expect(await assessor.assessEndpoint(endpoint({ deviceId: 'c' }, { policy }))).toMatchObject({
      ruleHit: true,
      reasons: ['rule scheme>2/3600s hit (3)', 'score 0'],
    });
  });
});

describe('phone risk', () => {
  const phone = (phoneNumber: string, extra: Record<string, unknown> = {}) => ({ phoneNumber, schemeCode: 'FA000001', ...extra });

  it('an ordinary number scores 5 with no reasons', async () => {
    const { assessor } = setup();
    expect(await assessor.assessPhoneNumber(phone('13812345678'))).toEqual({ score: 5, reasons: [], ruleHit: false });
  });

  it.each([
    ['17012345678', 55, 'virtual operator range 170 +50'],
    ['16512345678', 55, 'virtual operator range 165 +50'],
    ['14512345678', 85, 'data card or IoT range 145 +80'],
    ['02112345678', 100, 'not a mobile number +100'],
    ['13900000001', 65, 'number marked recycled by the carrier +60'],
  ])('%s scores %i', async (number, score, reason) => {
    const { assessor } = setup();
    expect(await assessor.assessPhoneNumber(phone(number, { policy: { threshold: 70, rules: [] } }))).toEqual({
      score,
      reasons: [reason, `score ${score} ${score > 70 ? '>' : '≤'} threshold 70`],
      ruleHit: false,
    });
  });

  it('an international number has no range weight', async () => {
    const { assessor } = setup();
    expect((await assessor.assessPhoneNumber(phone('+85291234567'))).score).toBe(5);
  });

  it('a deny-listed number (or prefix) scores 100 and is a hit whatever the threshold', async () => {
    const { assessor, phoneLists } = setup();
    await phoneLists.put('FA000001', { deny: ['13812345678', '199'], allow: [] });
    const result = await assessor.assessPhoneNumber(phone('13812345678', { policy: { threshold: 100, rules: [] } }));
    expect(result).toEqual({ score: 100, reasons: ["number on the scheme's deny list (138****5678)", 'score 100 ≤ threshold 100'], ruleHit: true });
    expect((await assessor.assessPhoneNumber(phone('19912345678'))).reasons[0]).toBe("number on the scheme's deny list (199)");
    // Lists are per scheme.
    expect((await assessor.assessPhoneNumber({ phoneNumber: '13812345678', schemeCode: 'FA000002' })).ruleHit).toBe(false);
  });

  it('an allow-listed number scores 0 and no rule applies; the trace says what was ignored', async () => {
    const { assessor, phoneLists } = setup();
    await phoneLists.put('FA000001', { deny: [], allow: ['170'] });
    const policy = { threshold: 70, rules: [{ dimension: 'phoneNumber' as const, windowSeconds: 60, maxCount: 1 }] };
    await assessor.assessPhoneNumber(phone('17012345678', { policy }));
    const result = await assessor.assessPhoneNumber(phone('17012345678', { policy }));
    expect(result).toEqual({
      score: 0,
      reasons: [
        "number on the scheme's allow list (170)",
        'ignored: virtual operator range 170 +50',
        'ignored: rule phoneNumber>1/60s hit (2)',
        'score 0 ≤ threshold 70',
      ],
      ruleHit: false,
    });
  });

  it('deny wins over allow', async () => {
    const { assessor, phoneLists } = setup();
    await phoneLists.put('FA000001', { deny: ['1701234'], allow: ['170'] });
    expect(await assessor.assessPhoneNumber(phone('17012345678'))).toMatchObject({ score: 100, ruleHit: true });
  });

  it('phone rules per number, prefix, IP and device', async () => {
    const { assessor } = setup();
    const policy = {
      rules: [
        { dimension: 'phonePrefix' as const, windowSeconds: 60, maxCount: 2 },
        { dimension: 'ip' as const, windowSeconds: 60, maxCount: 5 },
      ],
    };
    await assessor.assessPhoneNumber(phone('13812340001', { policy, device: { ip: '1.2.3.4' } }));
    await assessor.assessPhoneNumber(phone('13812340002', { policy, device: { ip: '1.2.3.4' } }));
    const third = await assessor.assessPhoneNumber(phone('13812340003', { policy, device: { ip: '1.2.3.4' } }));
    expect(third).toMatchObject({ ruleHit: true, reasons: ['rule phonePrefix>2/60s hit (3)', 'score 5'] });
  });

  it('a second session for a number within the send interval, and velocity per hour', async () => {
    const { assessor } = setup();
    const policy = { threshold: 70, rules: [], sendIntervalSeconds: 60 };
    expect((await assessor.assessPhoneNumber(phone('13812345678', { policy }))).score).toBe(5);
    const second = await assessor.assessPhoneNumber(phone('13812345678', { policy }));
    expect(second).toEqual({
      score: 35,
      reasons: ['2 sessions for this number within the 60s send interval +30', 'score 35 ≤ threshold 70'],
      ruleHit: false,
    });
    for (let i = 0; i < 9; i++) await assessor.assessPhoneNumber(phone('13812345678', { policy }));
    expect((await assessor.assessPhoneNumber(phone('13812345678', { policy }))).reasons).toContain('velocity 12 sessions/1h for this number +15');
  });

  it('record: false reads the counters without counting (the scoring node)', async () => {
    const { assessor } = setup();
    const policy = { rules: [{ dimension: 'phoneNumber' as const, windowSeconds: 60, maxCount: 1 }] };
    await assessor.assessPhoneNumber(phone('13812345678', { policy }));
    for (let i = 0; i < 3; i++) expect((await assessor.assessPhoneNumber(phone('13812345678', { policy, record: false }))).ruleHit).toBe(false);
    expect((await assessor.assessPhoneNumber(phone('13812345678', { policy }))).ruleHit).toBe(true);
  });
});
