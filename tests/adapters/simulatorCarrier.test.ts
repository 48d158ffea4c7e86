import { describe, expect, it } from 'vitest';
import { CarrierError, type CarrierFailureKind } from '../../adapters/carrier/carrierGateway.js';
import { carrierOfNumber } from '../../adapters/carrier/carrierOfNumber.js';
import { SimulatorCarrier, simulatorCarrierTokenPrefix } from '../../adapters/carrier/simulatorCarrier.js';
import { InMemoryAdapterStore } from './support/inMemoryAdapterStore.js';
import { ManualClock } from './support/manualClock.js';

const mobileNumber = '13812345678';
const unicomNumber = '18612345678';
const telecomNumber = '18912345678';

function setUp() {
  const clock = new ManualClock();
  const store = new InMemoryAdapterStore(clock.now);
  const carrier = new SimulatorCarrier({ store, now: clock.now });
  return { clock, store, carrier };
}

function call() {
  return { signal: new AbortController().signal };
}

async function failureOf(promise: Promise<unknown>): Promise<{ kind: CarrierFailureKind; providerCode: string | undefined }> {
  const error: unknown = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CarrierError);
  const { kind, providerCode } = error as CarrierError;
  return { kind, providerCode };
}

describe('carrierOfNumber', () => {
  it.each([
    ['13812345678', 'mobile'],
    ['19812345678', 'mobile'],
    ['17031234567', 'mobile'],
    ['13012345678', 'unicom'],
    ['16612345678', 'unicom'],
    ['17091234567', 'unicom'],
    ['13312345678', 'telecom'],
    ['19912345678', 'telecom'],
    ['13491234567', 'telecom'],
  ])('%s belongs to %s', (phoneNumber, expected) => {
    expect(carrierOfNumber(phoneNumber)).toBe(expected);
  });

  it.each(['19212345678', '12345678901', '1381234567', '+8613812345678'])('knows no carrier for %s', (phoneNumber) => {
    expect(carrierOfNumber(phoneNumber)).toBeUndefined();
  });
});

describe('SimulatorCarrier.issueToken', () => {
  it('issues an unguessable prefixed token with the lifetime of the number’s carrier', async () => {
    const { carrier } = setUp();
    const issued = await Promise.all([mobileNumber, unicomNumber, telecomNumber].map((phoneNumber) => carrier.issueToken({ phoneNumber })));

    expect(issued.map(({ carrier: c, expiresIn }) => [c, expiresIn])).toEqual([
      ['mobile', 120],
      ['unicom', 1800],
      ['telecom', 600],
    ]);
    for (const { accessToken } of issued) {
      expect(accessToken.startsWith(simulatorCarrierTokenPrefix)).toBe(true);
      const randomPart = Buffer.from(accessToken.slice(simulatorCarrierTokenPrefix.length), 'base64url');
      expect(randomPart.length).toBeGreaterThanOrEqual(16);
    }
    expect(new Set(issued.map(({ accessToken }) => accessToken)).size).toBe(3);
  });

  it('uses the carrier it is given, and China Mobile for a number of no known carrier', async () => {
    const { carrier } = setUp();
    expect(await carrier.issueToken({ phoneNumber: mobileNumber, carrier: 'unicom' })).toMatchObject({ carrier: 'unicom', expiresIn: 1800 });
    expect(await carrier.issueToken({ phoneNumber: '19212345678' })).toMatchObject({ carrier: 'mobile', expiresIn: 120 });
  });

  it('refuses a number that is not a normalized mainland mobile number', async () => {
    const { carrier } = setUp();
    await expect(carrier.issueToken({ phoneNumber: '+8613812345678' })).rejects.toBeInstanceOf(RangeError);
  });

  it('does not keep the token in the clear in the store', async () => {
    const { carrier, store } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber });
    for (const [key, value] of store.dump()) {
      expect(key).not.toContain(accessToken);
      expect(value).not.toContain(accessToken);
    }
  });
});

describe('SimulatorCarrier.getMobile', () => {
  it('exchanges an ok token for its number and carrier', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: telecomNumber });
    expect(await carrier.getMobile(accessToken, call())).toEqual({ phoneNumber: telecomNumber, carrier: 'telecom' });
  });

  it('accepts a token only once', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber });
    await carrier.getMobile(accessToken, call());
    expect(await failureOf(carrier.getMobile(accessToken, call()))).toEqual({ kind: 'invalid', providerCode: 'isv.TOKEN_INVALID' });
    expect(await failureOf(carrier.verifyMobile(accessToken, mobileNumber, call()))).toMatchObject({ kind: 'invalid' });
  });

  it('refuses an unknown token', async () => {
    const { carrier } = setUp();
    expect(await failureOf(carrier.getMobile(`${simulatorCarrierTokenPrefix}made-up`, call()))).toEqual({
      kind: 'invalid',
      providerCode: 'isv.TOKEN_INVALID',
    });
  });

  it.each([
    ['mobile', mobileNumber, 120],
    ['unicom', unicomNumber, 1800],
    ['telecom', telecomNumber, 600],
  ])('lets a %s token live exactly %i seconds', async (_carrierName, phoneNumber, lifetimeSeconds) => {
    const { carrier, clock } = setUp();
    const lastMoment = await carrier.issueToken({ phoneNumber });
    const expired = await carrier.issueToken({ phoneNumber });

    clock.advance(lifetimeSeconds * 1000 - 1);
    expect(await carrier.getMobile(lastMoment.accessToken, call())).toMatchObject({ phoneNumber });
    clock.advance(1);
    expect(await failureOf(carrier.getMobile(expired.accessToken, call()))).toEqual({ kind: 'invalid', providerCode: 'isv.TOKEN_INVALID' });
  });

  it('rejects an expired token even when the store has not dropped it yet', async () => {
    const clock = new ManualClock();
    const storeClock = new ManualClock(clock.now());
    const carrier = new SimulatorCarrier({ store: new InMemoryAdapterStore(storeClock.now), now: clock.now });
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber });
    clock.advanceSeconds(120);
    expect(await failureOf(carrier.getMobile(accessToken, call()))).toMatchObject({ kind: 'invalid' });
  });

  it.each([
    ['error', 'error', 'isv.SYSTEM_ERROR'],
    ['invalid', 'invalid', 'isv.TOKEN_INVALID'],
    ['mismatch', 'mismatch', 'isv.CARRIER_NOT_MATCH'],
  ] as const)('plays the %s outcome', async (outcome, kind, providerCode) => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber, outcome });
    expect(await failureOf(carrier.getMobile(accessToken, call()))).toEqual({ kind, providerCode });
  });

  it('never answers a timeout token until the caller aborts', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber, outcome: 'timeout' });
    const controller = new AbortController();
    let settled = false;
    const exchange = carrier.getMobile(accessToken, { signal: controller.signal });
    exchange.then(
      () => (settled = true),
      () => (settled = true),
    );

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);

    controller.abort();
    expect(await failureOf(exchange)).toMatchObject({ kind: 'timeout' });
  });

  it('gives up at once on an already-aborted signal, leaving the token unused', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber });
    expect(await failureOf(carrier.getMobile(accessToken, { signal: AbortSignal.abort() }))).toMatchObject({ kind: 'timeout' });
    expect(await carrier.getMobile(accessToken, call())).toMatchObject({ phoneNumber: mobileNumber });
  });
});

describe('SimulatorCarrier.verifyMobile', () => {
  it('passes the token’s own number', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber });
    expect(await carrier.verifyMobile(accessToken, mobileNumber, call())).toEqual({ verifyResult: 'PASS' });
  });

  it('rejects another number', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber });
    expect(await carrier.verifyMobile(accessToken, '13812345679', call())).toEqual({ verifyResult: 'REJECT' });
  });

  it('rejects a mismatch token even for its own number', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber, outcome: 'mismatch' });
    expect(await carrier.verifyMobile(accessToken, mobileNumber, call())).toEqual({ verifyResult: 'REJECT' });
  });

  it.each([
    ['error', 'error'],
    ['invalid', 'invalid'],
  ] as const)('fails with the %s outcome', async (outcome, kind) => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber, outcome });
    expect(await failureOf(carrier.verifyMobile(accessToken, mobileNumber, call()))).toMatchObject({ kind });
  });

  it('times out with the timeout outcome when the caller aborts', async () => {
    const { carrier } = setUp();
    const { accessToken } = await carrier.issueToken({ phoneNumber: mobileNumber, outcome: 'timeout' });
    expect(await failureOf(carrier.verifyMobile(accessToken, mobileNumber, { signal: AbortSignal.timeout(10) }))).toMatchObject({
      kind: 'timeout',
    });
  });
});
