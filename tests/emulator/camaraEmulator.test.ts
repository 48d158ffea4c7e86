import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberVerificationScopes as nv, simSwapScopes as ss, startCamaraEmulator, type CamaraEmulator } from './camaraEmulator.js';

let now = Date.parse('2026-12-01T12:00:00Z');
const hours = (h: number) => h * 3_600_000;
const swappedAt = now - hours(3);
const client = { clientId: 'consumer-1', clientSecret: 'consumer-secret-1' };
let emulator: CamaraEmulator;

beforeAll(async () => {
  emulator = await startCamaraEmulator({ now: () => now, clients: [client], monitoredPeriodDays: 120 });
  emulator.addSubscriber({ phoneNumber: '+8613812345678', activatedAt: now - hours(5000), swappedAt });
  emulator.addSubscriber({ phoneNumber: '+8613912345678', activatedAt: now - hours(5000) });
  emulator.addSubscriber({ phoneNumber: '+8613712345678', activatedAt: null });
  emulator.addSubscriber({ phoneNumber: '+8613612345678', activatedAt: now - hours(24), simSwapApplicable: false });
});
afterAll(() => emulator.close());

async function call(path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(emulator.apiRoot + path, {
    method: body === undefined && path.endsWith('device-phone-number') ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const deviceToken = (phoneNumber = '+8613812345678', scopes: string[] = [nv.verify, nv.share, ss.any]) => emulator.issueAccessToken({ phoneNumber, scopes });

describe('Number Verification', () => {
  it('verifies a plain or hashed number against the token and shares the number, echoing x-correlator', async () => {
    const token = deviceToken();
    const yes = await call('/number-verification/v2/verify', token, { phoneNumber: '+8613812345678' }, { 'x-correlator': 'abc-123' });
    expect(yes).toMatchObject({ status: 200, body: { devicePhoneNumberVerified: true } });
    expect(yes.headers.get('x-correlator')).toBe('abc-123');
    expect((await call('/number-verification/v2/verify', token, { phoneNumber: '+8613912345678' })).body).toEqual({ devicePhoneNumberVerified: false });
    const hashed = createHash('sha256').update('+8613812345678').digest('hex');
    expect((await call('/number-verification/v2/verify', token, { hashedPhoneNumber: hashed.toUpperCase() })).body).toEqual({
      devicePhoneNumberVerified: true,
    });
    expect((await call('/number-verification/v2/device-phone-number', token)).body).toEqual({ devicePhoneNumber: '+8613812345678' });
  });

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['both forms', { phoneNumber: '+8613812345678', hashedPhoneNumber: 'a'.repeat(64) }],
    ['another property', { foo: 'bar' }],
    ['a number without +', { phoneNumber: '8613812345678' }],
    ['malformed JSON', '{"phoneNumber":'],
  ])('answers 400 INVALID_ARGUMENT for %s', async (_, body) => {
    const answer = await call('/number-verification/v2/verify', deviceToken(), body ?? '', { 'x-correlator': 'c-400' });
    expect(answer).toMatchObject({ status: 400, body: { status: 400, code: 'INVALID_ARGUMENT' } });
    expect(answer.headers.get('x-correlator')).toBe('c-400');
  });

  it('answers 401 without, with an unknown or with an expired token', async () => {
    const expired = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share], expiresInSeconds: 1 });
    now += 2000;
    for (const token of [undefined, 'nope', expired]) {
      expect(await call('/number-verification/v2/device-phone-number', token)).toMatchObject({ status: 401, body: { status: 401, code: 'UNAUTHENTICATED' } });
    }
  });

  it('answers 403 without the scope and for a user not authenticated by the network', async () => {
    const noScope = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.verify] });
    expect(await call('/number-verification/v2/device-phone-number', noScope)).toMatchObject({ status: 403, body: { code: 'PERMISSION_DENIED' } });
    const bySms = emulator.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share], authenticatedBy: 'sms' });
    expect(await call('/number-verification/v2/device-phone-number', bySms)).toMatchObject({
      status: 403,
      body: { status: 403, code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK' },
    });
  });

  it('refuses an x-correlator outside its pattern and answers 404 for an unknown resource', async () => {
    expect(await call('/number-verification/v2/device-phone-number', deviceToken(), undefined, { 'x-correlator': 'bad correlator!' })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_ARGUMENT' },
    });
    expect(await call('/number-verification/v2/nothing', deviceToken(), {})).toMatchObject({ status: 404, body: { status: 404, code: 'NOT_FOUND' } });
  });
});

describe('SIM Swap', () => {
  async function twoLegged(scope = 'sim-swap') {
    const response = await fetch(emulator.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it('checks a swap within maxAge (default 240 h) and retrieves its date, for a number in the body or the token', async () => {
    const token = await twoLegged();
    expect((await call('/sim-swap/v2/check', token, { phoneNumber: '+8613812345678' })).body).toEqual({ swapped: true });
    expect((await call('/sim-swap/v2/check', token, { phoneNumber: '+8613812345678', maxAge: 2 })).body).toEqual({ swapped: false });
    expect((await call('/sim-swap/v2/check', token, { phoneNumber: '+8613912345678', maxAge: 2400 })).body).toEqual({ swapped: false });
    expect((await call('/sim-swap/v2/check', deviceToken('+8613812345678'), { maxAge: 24 })).body).toEqual({ swapped: true });
    const retrieved = await call('/sim-swap/v2/retrieve-date', token, { phoneNumber: '+8613812345678' });
    expect(Date.parse(retrieved.body!.latestSimChange as string)).toBe(swappedAt);
    expect((await call('/sim-swap/v2/retrieve-date', token, { phoneNumber: '+8613712345678' })).body).toEqual({ latestSimChange: null });
    expect((await call('/sim-swap/v2/retrieve-date', token, { phoneNumber: '+8613912345678' })).body).toEqual({ latestSimChange: null, monitoredPeriod: 120 });
  });

  it.each([
    ['maxAge 0', { phoneNumber: '+8613812345678', maxAge: 0 }, 400, 'INVALID_ARGUMENT'],
    ['maxAge as text', { phoneNumber: '+8613812345678', maxAge: '12' }, 400, 'INVALID_ARGUMENT'],
    ['maxAge 100000', { phoneNumber: '+8613812345678', maxAge: 100_000 }, 400, 'OUT_OF_RANGE'],
    ['maxAge beyond the monitored period', { phoneNumber: '+8613812345678', maxAge: 2900 }, 400, 'OUT_OF_RANGE'],
    ['a malformed number', { phoneNumber: '13812345678' }, 400, 'INVALID_ARGUMENT'],
    ['an unknown number', { phoneNumber: '+8613000000000' }, 404, 'IDENTIFIER_NOT_FOUND'],
    ['no number', {}, 422, 'MISSING_IDENTIFIER'],
    ['a line the service does not cover', { phoneNumber: '+8613612345678' }, 422, 'SERVICE_NOT_APPLICABLE'],
  ])('answers %s with %i %s', async (_, body, status, code) => {
    expect(await call('/sim-swap/v2/check', await twoLegged(), body)).toMatchObject({ status, body: { status, code } });
  });

  it('answers 422 UNNECESSARY_IDENTIFIER for a number beside a three-legged token, 403 without the scope, 401 at the token endpoint for a wrong client', async () => {
    expect(await call('/sim-swap/v2/retrieve-date', deviceToken(), { phoneNumber: '+8613812345678' })).toMatchObject({
      status: 422,
      body: { code: 'UNNECESSARY_IDENTIFIER' },
    });
    expect(await call('/sim-swap/v2/check', await twoLegged('sim-swap:retrieve-date'), { phoneNumber: '+8613812345678' })).toMatchObject({
      status: 403,
      body: { code: 'PERMISSION_DENIED' },
    });
    const wrong = await fetch(emulator.tokenUrl, { method: 'POST', headers: { authorization: 'Basic eDp5' }, body: 'grant_type=client_credentials' });
    expect(wrong.status).toBe(401);
  });
});

describe('limits', () => {
  it('answers 429 TOO_MANY_REQUESTS past the rate per token and 429 QUOTA_EXCEEDED past the quota per client', async () => {
    const limited = await startCamaraEmulator({ now: () => now, requestsPerTokenPerMinute: 2, quotaPerClient: 2 });
    try {
      limited.addSubscriber({ phoneNumber: '+8613812345678', activatedAt: now });
      const path = `${limited.apiRoot}/number-verification/v2/device-phone-number`;
      const get = (token: string) =>
        fetch(path, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: await r.json(),
        }));
      const first = limited.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share] });
      expect((await get(first)).status).toBe(200);
      expect((await get(first)).status).toBe(200);
      const third = await get(first);
      expect(third).toMatchObject({ status: 429, body: { status: 429, code: 'TOO_MANY_REQUESTS' } });
      expect(Number(third.retryAfter)).toBeGreaterThan(0);
      const second = limited.issueAccessToken({ phoneNumber: '+8613812345678', scopes: [nv.share] });
      expect(await get(second)).toMatchObject({ status: 429, body: { status: 429, code: 'QUOTA_EXCEEDED' } });
    } finally {
      await limited.close();
    }
  });
});
