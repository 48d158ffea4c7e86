/**
 * Whole sessions through numberflow's Alibaba Cloud adapters against the local emulator of the vendor endpoint, one
 * of each kind (one-click, H5 one-click with the middle digits, mobile number check, SMS), each run clean and then
 * with every fault the emulator can inject (slow beyond the deadline, 5xx, an HTML body, throttling) on the vendor
 * call that kind depends on. The outcome asserted is the one the session's policy prescribes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy, type SceneCode } from '../../machines/index.js';
import { signWebhook } from '../../server/webhooks/webhookSignature.js';
import {
  alicloudAdapterEnvironment,
  startDypnsEmulator,
  type DypnsEmulator,
  type DypnsFault,
  type RecordedRequest,
  type SentSms,
} from '../emulator/dypnsEmulator.js';
import { FusionAuthFlow, androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { startTestServer, testCredentials, type TestServer } from '../support/testServer.js';
import { until } from '../support/until.js';

/** The server gives up on a carrier call after this long (the session's carrier deadline). */
const CARRIER_TIMEOUT_MS = 300;
/** The SDK's own timeout (the only one an SMS send or check has): longer than the carrier deadline. */
const SDK_TIMEOUT_MS = 600;
/** A `slow` fault answers after this long: beyond both. */
const SLOW_MS = 1200;

const credentials = { accessKeyId: 'LTAI5tEmulatorKey0002', accessKeySecret: 'emulator-secret-fedcba9876543210' };
let emulator: DypnsEmulator;
let server: TestServer;
let flow: FusionAuthFlow;

type Scheme = typeof androidScheme;
/** Schemes with their own policies, made in beforeAll. */
const schemes = {} as Record<'checkAndroid' | 'checkH5' | 'oneClickFail' | 'oneClickUplink' | 'smsNoUplink', Scheme>;

beforeAll(async () => {
  emulator = await startDypnsEmulator({ credentials: [credentials], slowMs: SLOW_MS });
  server = await startTestServer({
    env: {
      ...alicloudAdapterEnvironment(emulator, credentials),
      DYPNS_CONNECT_TIMEOUT_MS: String(SDK_TIMEOUT_MS),
      DYPNS_READ_TIMEOUT_MS: String(SDK_TIMEOUT_MS),
      CARRIER_TIMEOUT_MS: String(CARRIER_TIMEOUT_MS),
      SMS_RETRY_BASE_MS: '10',
      // Every number here shares one 7-digit prefix.
      SMS_SENDS_PER_PREFIX_PER_HOUR: '10000',
    },
  });
  flow = new FusionAuthFlow(server.api);
  const numberCheck = (p: Policy) => {
    p.nodes.numberAuth.enabled = true;
    expect(p.nodes.numberAuth).toMatchObject({ mode: 'numberCheck', onCarrierError: 'sms' });
  };
  schemes.checkAndroid = await schemeWithPolicy(androidScheme, '100005', numberCheck);
  schemes.checkH5 = await schemeWithPolicy(h5Scheme, '100005', numberCheck);
  schemes.oneClickFail = await schemeWithPolicy(androidScheme, '100001', (p) => void (p.nodes.numberAuth.onCarrierError = 'fail'));
  schemes.oneClickUplink = await schemeWithPolicy(androidScheme, '100001', (p) => void (p.nodes.numberAuth.onCarrierError = 'uplinkSms'));
  schemes.smsNoUplink = await schemeWithPolicy(androidScheme, '100001', (p) => {
    p.nodes.uplinkSms.enabled = false;
    p.nodes.endpointRisk.onRisk = 'block';
    p.nodes.phoneRisk.onRisk = 'block';
  });
});
afterEach(() => {
  emulator.clearFaults();
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

let schemeCount = 0;
/** A copy of `base` under a new code whose policy for `sceneCode` is the default one edited, set by the admin API. */
async function schemeWithPolicy(base: Scheme, sceneCode: SceneCode, edit: (policy: Policy) => void): Promise<Scheme> {
  const code = `FA7100000000${String(++schemeCount).padStart(5, '0')}`;
  const created = await server.api.post('/v1/admin/schemes', { ...base, code, name: `faults ${schemeCount}` }, 'admin');
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const policy = defaultPolicy(sceneCode);
  edit(policy);
  const saved = await server.api.request('PUT', `/v1/admin/schemes/${code}/policies/${sceneCode}`, { auth: 'admin', body: { inherit: false, policy } });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return { ...base, code };
}

let numberCount = 0;
/** A fresh mainland number per use, so no per-number limit or SMS interval carries over between tests. */
function nextNumber(): string {
  return `1380071${String(++numberCount).padStart(4, '0')}`;
}

interface TraceEntry {
  version: number;
  kind: string;
  payload: Record<string, unknown> & { type?: string };
  state: string;
}

async function trace(sessionId: string): Promise<TraceEntry[]> {
  const response = await server.api.get(`/v1/admin/sessions/${sessionId}/trace`, 'admin');
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.entries;
}

function eventsOf(entries: TraceEntry[], type: string): TraceEntry['payload'][] {
  return entries.filter((e) => e.payload.type === type).map((e) => e.payload);
}

/** The emulator's record of the requests for `action` that carried `param=value`. */
function requestsFor(action: string, param: string, value: string): RecordedRequest[] {
  return emulator.requests.filter((r) => r.action === action && r.params[param] === value);
}

function smsTo(phoneNumber: string): SentSms[] {
  return emulator.smsSent.filter((m) => m.phoneNumber === phoneNumber);
}

/** A code that is certainly not `code`. */
function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/** Sends the event; returns the session view and how long the server took to answer. */
async function timedSend(authToken: string, sessionId: string, event: Record<string, unknown>) {
  const started = Date.now();
  const view = await flow.sendOk(authToken, sessionId, event);
  return { view, elapsedMs: Date.now() - started };
}

/**
 * From `smsCode` on: the one code the vendor sent to `phoneNumber` verifies the session by SMS, and the verify token
 * gives the number to the app backend. Returns the message.
 */
async function proveBySms(authToken: string, sessionId: string, phoneNumber: string): Promise<SentSms> {
  const sent = smsTo(phoneNumber);
  expect(sent, `SMS to ${phoneNumber}`).toHaveLength(1);
  const message = sent[0]!;
  expect(message.code).toMatch(/^\d{6}$/);
  const done = await flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code: message.code });
  expect(done).toMatchObject({ status: 'verified', nextAction: { type: 'none' } });
  expect((await flow.verify(done.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber, method: 'smsCode' });
  // The vendor's BizId of the send is in the trace, for audit.
  expect(eventsOf(await trace(sessionId), 'SMS_SENT')).toEqual([expect.objectContaining({ bizId: message.bizId })]);
  return message;
}

/** From `uplinkSms` on: the user's SMS with the session's code, signed by the SMS provider, verifies the session. */
async function proveByUplinkSms(authToken: string, sessionId: string, phoneNumber: string, nextAction: { code: string; receivingNumber: string }) {
  const raw = JSON.stringify({ from: phoneNumber, to: nextAction.receivingNumber, text: `code ${nextAction.code}` });
  const signature = signWebhook(testCredentials.uplinkWebhookSecret, Math.floor(Date.now() / 1000), raw);
  const accepted = await server.api.request('POST', '/v1/inbound/uplink-sms', {
    rawBody: raw,
    headers: { 'content-type': 'application/json', 'numberflow-signature': signature },
  });
  expect(accepted.status).toBe(202);
  const after = (await flow.get(authToken, sessionId)).body;
  expect(after.status).toBe('verified');
  expect((await flow.verify(after.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber, method: 'uplinkSms' });
}

/**
 * Each fault, and what the session's CARRIER_RESULT says of it: `slow` (and `slowReply`, whose request the vendor
 * handles at once but whose reply is lost) runs into the server's carrier deadline: a timeout with no vendor code.
 * The others are errors that keep the vendor's code, or the adapter's when the vendor sent none (an HTML page).
 */
const carrierFaults: { fault: DypnsFault; outcome: 'timeout' | 'error'; providerCode: string | undefined; trace: string }[] = [
  { fault: 'slow', outcome: 'timeout', providerCode: undefined, trace: 'a timeout' },
  { fault: 'slowReply', outcome: 'timeout', providerCode: undefined, trace: 'a timeout' },
  { fault: '5xx', outcome: 'error', providerCode: 'SystemError', trace: 'the vendor code SystemError' },
  { fault: 'html', outcome: 'error', providerCode: 'MalformedResponse', trace: 'MalformedResponse' },
  { fault: 'throttle', outcome: 'error', providerCode: 'Throttling.User', trace: 'the vendor code Throttling.User' },
];
/** The fault kinds of the issue, for the SMS calls (see the lost-reply test for `slowReply`). */
const faultKinds: DypnsFault[] = ['slow', '5xx', 'html', 'throttle'];

/** The one CARRIER_RESULT of the session says what the fault was. */
async function expectCarrierFailureInTrace(sessionId: string, expected: (typeof carrierFaults)[number]): Promise<void> {
  const results = eventsOf(await trace(sessionId), 'CARRIER_RESULT');
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({ outcome: expected.outcome });
  expect(results[0]!.providerCode).toBe(expected.providerCode);
}

/** The faulted call answered (or was abandoned) as the fault prescribes; a slow one at the carrier deadline. */
function expectFaultedCall(request: RecordedRequest | undefined, fault: DypnsFault, elapsedMs: number): void {
  expect(request?.fault).toBe(fault);
  if (fault === 'slow' || fault === 'slowReply') {
    expect(elapsedMs).toBeGreaterThanOrEqual(CARRIER_TIMEOUT_MS - 20);
    expect(elapsedMs).toBeLessThan(SLOW_MS); // the session did not wait for the vendor
  }
}

describe('one-click logon (Android scheme, GetMobile)', () => {
  it('clean: the carrier token goes to GetMobile (with the action as OutId) and the session is verified by number auth', async () => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(androidScheme);
    const session = await flow.openOk(authToken, '100001');
    expect(session.nextAction.type).toBe('numberAuth');
    const accessToken = emulator.issueCarrierToken({ phoneNumber, carrier: 'mobile', purpose: 'login' });
    const done = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(done).toMatchObject({ status: 'verified', nextAction: { type: 'none' } });
    expect((await flow.verify(done.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber, method: 'numberAuth' });
    const [call, ...more] = requestsFor('GetMobile', 'AccessToken', accessToken);
    expect(more).toEqual([]);
    expect(call).toMatchObject({ status: 200, code: 'OK', fault: undefined });
    expect(call!.params.OutId).toMatch(new RegExp(`^${session.id}-\\d+-\\d+$`));
    expect(eventsOf(await trace(session.id), 'CARRIER_RESULT')).toEqual([expect.objectContaining({ outcome: 'ok', phoneNumber })]);
    expect(smsTo(phoneNumber)).toEqual([]);
  });

  it.each(carrierFaults)('$fault on GetMobile: the policy route goes to SMS, proved by the vendor-sent code; the trace keeps $trace', async (expected) => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(androidScheme);
    const session = await flow.openOk(authToken, '100001');
    const accessToken = emulator.issueCarrierToken({ phoneNumber, purpose: 'login' });
    emulator.injectFault('GetMobile', expected.fault);
    const { view: fallback, elapsedMs } = await timedSend(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expectFaultedCall(requestsFor('GetMobile', 'AccessToken', accessToken)[0], expected.fault, elapsedMs);
    expect(fallback).toMatchObject({ status: 'pending', nextAction: { type: 'enterPhone' } });
    await expectCarrierFailureInTrace(session.id, expected);

    const waiting = await flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber });
    expect(waiting.nextAction).toMatchObject({ type: 'smsCode', lastResult: null });
    await proveBySms(authToken, session.id, phoneNumber);
  });

  it.each(carrierFaults)('$fault on GetMobile with the carrier-error route "fail": the session fails with carrier_error', async (expected) => {
    const authToken = await flow.authToken(schemes.oneClickFail);
    const session = await flow.openOk(authToken, '100001');
    const accessToken = emulator.issueCarrierToken({ phoneNumber: nextNumber(), purpose: 'login' });
    emulator.injectFault('GetMobile', expected.fault);
    const { view: failed, elapsedMs } = await timedSend(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expectFaultedCall(requestsFor('GetMobile', 'AccessToken', accessToken)[0], expected.fault, elapsedMs);
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'carrier_error', nextAction: { type: 'none' } });
    expect(failed.verifyToken).toBeUndefined();
    await expectCarrierFailureInTrace(session.id, expected);
    // A finished session takes no more events.
    expect((await flow.send(authToken, session.id, { type: 'SWITCH_TO_SMS' })).status).toBe(409);
  });

  it.each(carrierFaults)('$fault on GetMobile with the carrier-error route "uplinkSms": the user proves the number by sending an SMS', async (expected) => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(schemes.oneClickUplink);
    const session = await flow.openOk(authToken, '100001');
    const accessToken = emulator.issueCarrierToken({ phoneNumber, purpose: 'login' });
    emulator.injectFault('GetMobile', expected.fault);
    const { view: uplink, elapsedMs } = await timedSend(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expectFaultedCall(requestsFor('GetMobile', 'AccessToken', accessToken)[0], expected.fault, elapsedMs);
    expect(uplink).toMatchObject({ status: 'pending', nextAction: { type: 'uplinkSms', receivingNumber: expect.any(String), code: expect.any(String) } });
    await expectCarrierFailureInTrace(session.id, expected);
    await proveByUplinkSms(authToken, session.id, phoneNumber, uplink.nextAction);
    expect(smsTo(phoneNumber)).toEqual([]);
  });
});

describe('H5 one-click logon (H5 scheme, GetPhoneWithToken + the middle four digits)', () => {
  it('clean: the SpToken goes to GetPhoneWithToken, the user confirms the middle digits, the session is verified', async () => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(h5Scheme);
    const session = await flow.openOk(authToken, '100001');
    const spToken = emulator.issueCarrierToken({ phoneNumber, carrier: 'telecom', purpose: 'login' });
    const confirm = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: spToken });
    expect(confirm.nextAction).toEqual({ type: 'middleDigits', maskedPhoneNumber: `${phoneNumber.slice(0, 3)}****${phoneNumber.slice(7)}`, triesLeft: 3 });
    expect(requestsFor('GetPhoneWithToken', 'SpToken', spToken)).toEqual([expect.objectContaining({ status: 200, code: 'OK' })]);
    expect(requestsFor('GetMobile', 'AccessToken', spToken)).toEqual([]);

    const wrong = await flow.sendOk(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: phoneNumber.slice(3, 7) === '0000' ? '1111' : '0000' });
    expect(wrong.nextAction).toMatchObject({ type: 'middleDigits', triesLeft: 2 });
    const done = await flow.sendOk(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: phoneNumber.slice(3, 7) });
    expect(done.status).toBe('verified');
    expect((await flow.verify(done.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber, method: 'numberAuth' });
  });

  it.each(carrierFaults)('$fault on GetPhoneWithToken: no middle-digit step; SMS instead, proved by the vendor-sent code', async (expected) => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(h5Scheme);
    const session = await flow.openOk(authToken, '100001');
    const spToken = emulator.issueCarrierToken({ phoneNumber, purpose: 'login' });
    emulator.injectFault('GetPhoneWithToken', expected.fault);
    const { view: fallback, elapsedMs } = await timedSend(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: spToken });
    expectFaultedCall(requestsFor('GetPhoneWithToken', 'SpToken', spToken)[0], expected.fault, elapsedMs);
    expect(fallback).toMatchObject({ status: 'pending', nextAction: { type: 'enterPhone' } });
    expect((await flow.send(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: phoneNumber.slice(3, 7) })).status).toBe(409);
    await expectCarrierFailureInTrace(session.id, expected);

    expect((await flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber })).nextAction.type).toBe('smsCode');
    await proveBySms(authToken, session.id, phoneNumber);
  });
});

const numberCheckKinds = [
  { platform: 'Android', scheme: () => schemes.checkAndroid, action: 'VerifyMobile', tokenParam: 'AccessCode' },
  { platform: 'H5', scheme: () => schemes.checkH5, action: 'VerifyPhoneWithToken', tokenParam: 'SpToken' },
] as const;

describe('mobile number check (scene 100005 with number auth on: VerifyMobile, or VerifyPhoneWithToken on H5)', () => {
  it.each(numberCheckKinds)('clean ($platform): $action says PASS for the bound number; verified without an SMS', async ({ scheme, action, tokenParam }) => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(scheme(), { phoneNumber });
    const session = await flow.openOk(authToken, '100005');
    expect(session.nextAction.type).toBe('numberAuth');
    const token = emulator.issueCarrierToken({ phoneNumber, carrier: 'unicom', purpose: 'check' });
    const done = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: token });
    expect(done.status).toBe('verified');
    expect((await flow.verify(done.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber, sceneCode: '100005', method: 'numberAuth' });
    // The bound number, which the client never sent, went to the vendor with the token.
    expect(requestsFor(action, tokenParam, token)).toEqual([
      expect.objectContaining({ status: 200, code: 'OK', params: expect.objectContaining({ PhoneNumber: phoneNumber }) }),
    ]);
    expect(eventsOf(await trace(session.id), 'CARRIER_RESULT')).toEqual([expect.objectContaining({ outcome: 'ok', verifyResult: 'PASS' })]);
    expect(smsTo(phoneNumber)).toEqual([]);
  });

  it.each(numberCheckKinds)('clean ($platform): $action says REJECT for a token of another SIM; the bound number is proved by SMS', async ({ scheme }) => {
    const phoneNumber = nextNumber();
    const authToken = await flow.authToken(scheme(), { phoneNumber });
    const session = await flow.openOk(authToken, '100005');
    const token = emulator.issueCarrierToken({ phoneNumber: nextNumber(), purpose: 'check' });
    const rejected = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: token });
    expect(rejected.nextAction).toMatchObject({ type: 'smsCode', phoneNumber: `${phoneNumber.slice(0, 3)}****${phoneNumber.slice(7)}` });
    expect(eventsOf(await trace(session.id), 'CARRIER_RESULT')).toEqual([expect.objectContaining({ outcome: 'ok', verifyResult: 'REJECT' })]);
    await proveBySms(authToken, session.id, phoneNumber);
  });

  it.each(numberCheckKinds.flatMap((kind) => carrierFaults.map((expected) => ({ ...kind, ...expected }))))(
    '$fault on $action ($platform): the policy route sends the code to the bound number; the trace keeps $trace',
    async ({ scheme, action, tokenParam, ...expected }) => {
      const phoneNumber = nextNumber();
      const authToken = await flow.authToken(scheme(), { phoneNumber });
      const session = await flow.openOk(authToken, '100005');
      const token = emulator.issueCarrierToken({ phoneNumber, purpose: 'check' });
      emulator.injectFault(action, expected.fault);
      const { view: fallback, elapsedMs } = await timedSend(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: token });
      expectFaultedCall(requestsFor(action, tokenParam, token)[0], expected.fault, elapsedMs);
      // The number is known: no enterPhone step, the code goes straight to the bound number.
      expect(fallback).toMatchObject({ status: 'pending', nextAction: { type: 'smsCode', lastResult: null } });
      await expectCarrierFailureInTrace(session.id, expected);
      await proveBySms(authToken, session.id, phoneNumber);
    },
  );
});

describe('SMS code (SendSmsVerifyCode + CheckSmsVerifyCode)', () => {
  /** A session of scene 100001 that the user switched to SMS: it asks for the number. */
  async function smsSession(scheme: Scheme = androidScheme) {
    const authToken = await flow.authToken(scheme);
    const session = await flow.openOk(authToken, '100001');
    expect((await flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' })).nextAction.type).toBe('enterPhone');
    return { authToken, sessionId: session.id as string };
  }

  it('clean: the vendor generates and sends the code; a wrong code is WRONG, the right one verifies', async () => {
    const phoneNumber = nextNumber();
    const { authToken, sessionId } = await smsSession();
    const waiting = await flow.sendOk(authToken, sessionId, { type: 'PHONE_NUMBER', phoneNumber });
    expect(waiting.nextAction).toMatchObject({ type: 'smsCode', codeLength: 6, sendsLeft: 4, lastResult: null });
    const [message] = smsTo(phoneNumber);
    expect(message).toMatchObject({ countryCode: '86', signName: '速通互联验证码', templateCode: '100001' });
    expect(message!.templateParam).toEqual({ code: message!.code, min: '5' });
    const wrong = await flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code: wrongCode(message!.code!) });
    expect(wrong.nextAction).toMatchObject({ type: 'smsCode', lastResult: 'WRONG' });
    await proveBySms(authToken, sessionId, phoneNumber);
    const checks = requestsFor('CheckSmsVerifyCode', 'PhoneNumber', phoneNumber);
    expect(checks.map((r) => [r.status, r.code])).toEqual([
      [400, 'isv.ValidateFail'],
      [200, 'OK'],
    ]);
    // Send and check name the same vendor SchemeName, one per session.
    expect(new Set([message!.schemeName, ...checks.map((r) => r.params.SchemeName)])).toEqual(new Set([message!.schemeName]));
  });

  it.each(faultKinds)('a %s on SendSmsVerifyCode is retried: the code arrives once and verifies', async (fault) => {
    const phoneNumber = nextNumber();
    const { authToken, sessionId } = await smsSession();
    emulator.injectFault('SendSmsVerifyCode', fault);
    // The request's own attempt fails: the client waits while a job retries the send.
    const answer = await flow.sendOk(authToken, sessionId, { type: 'PHONE_NUMBER', phoneNumber });
    expect(answer.nextAction).toEqual({ type: 'wait' });
    const waiting = await flow.settled(authToken, sessionId);
    expect(waiting.nextAction).toMatchObject({ type: 'smsCode', sendsLeft: 4, lastResult: null });
    const sends = requestsFor('SendSmsVerifyCode', 'PhoneNumber', phoneNumber);
    expect(sends).toHaveLength(2);
    expect(sends[0]!.fault).toBe(fault);
    expect(sends[1]).toMatchObject({ fault: undefined, status: 200, code: 'OK' });
    // Both attempts were one send of the session (one OutId).
    expect(sends[1]!.params.OutId).toBe(sends[0]!.params.OutId);
    if (fault === 'slow') {
      // The abandoned attempt reaches the vendor late, after the retry sent the code: refused by the send interval.
      await until(async () => sends[0]!.status !== 0, SLOW_MS + 1000, 'the slow send to be answered');
      expect(sends[0]).toMatchObject({ status: 200, code: 'biz.FREQUENCY' });
    }
    await proveBySms(authToken, sessionId, phoneNumber);
    expect(eventsOf(await trace(sessionId), 'SMS_FAILED')).toEqual([]);
  });

  // The vendor sent the code but its reply was lost: the retry is refused by the vendor's send interval
  // (biz.FREQUENCY), which for a repeated OutId the adapter takes as sent.
  it('a lost reply of SendSmsVerifyCode (the code went out) still lets the user verify with that code', async () => {
    const phoneNumber = nextNumber();
    const { authToken, sessionId } = await smsSession();
    emulator.injectFault('SendSmsVerifyCode', 'slowReply');
    await flow.sendOk(authToken, sessionId, { type: 'PHONE_NUMBER', phoneNumber });
    expect((await flow.settled(authToken, sessionId)).nextAction.type).toBe('smsCode');
    expect(requestsFor('SendSmsVerifyCode', 'PhoneNumber', phoneNumber).map((r) => r.fault)).toEqual(['slowReply', undefined]);
    const [message, ...more] = smsTo(phoneNumber);
    expect(more).toEqual([]);
    const done = await flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code: message!.code });
    expect(done.status).toBe('verified');
  });

  it.each([
    { policy: 'the default policy', scheme: () => androidScheme, outcome: 'goes to uplink SMS' },
    { policy: 'a policy without uplink SMS', scheme: () => schemes.smsNoUplink, outcome: 'fails with sms_unavailable' },
  ])('when every attempt of SendSmsVerifyCode fails, $policy $outcome', async ({ scheme }) => {
    const phoneNumber = nextNumber();
    const { authToken, sessionId } = await smsSession(scheme());
    // Five attempts (the SMS job's retry policy), each failing in its own way. A `slow` attempt would reach the
    // vendor after all and send a message, so it is left out here; the retry test above covers it.
    const faults: DypnsFault[] = ['5xx', 'html', 'throttle', '5xx', 'html'];
    for (const fault of faults) emulator.injectFault('SendSmsVerifyCode', fault);
    // The request answers when the send is given up, or with `wait` if that takes longer than it waits.
    let view = await flow.sendOk(authToken, sessionId, { type: 'PHONE_NUMBER', phoneNumber });
    await until(
      async () => {
        view = (await flow.get(authToken, sessionId)).body;
        return view.nextAction.type !== 'wait';
      },
      5_000,
      'the SMS send to be given up',
    );
    expect(requestsFor('SendSmsVerifyCode', 'PhoneNumber', phoneNumber).map((r) => r.fault)).toEqual(faults);
    expect(smsTo(phoneNumber)).toEqual([]);
    expect(eventsOf(await trace(sessionId), 'SMS_FAILED')).toEqual([
      expect.objectContaining({ permanent: false, detail: expect.stringContaining('Dypnsapi SendSmsVerifyCode') }),
    ]);
    if (scheme() === androidScheme) {
      expect(view).toMatchObject({ status: 'pending', nextAction: { type: 'uplinkSms' } });
      await proveByUplinkSms(authToken, sessionId, phoneNumber, view.nextAction);
    } else {
      expect(view).toMatchObject({ status: 'failed', failureReason: 'sms_unavailable', nextAction: { type: 'none' } });
    }
  });

  /** A session waiting for the code sent to a fresh number, with a fault armed on the next CheckSmsVerifyCode. */
  async function checkUnderFault(fault: DypnsFault) {
    const phoneNumber = nextNumber();
    const { authToken, sessionId } = await smsSession();
    const waiting = await flow.sendOk(authToken, sessionId, { type: 'PHONE_NUMBER', phoneNumber });
    const code = smsTo(phoneNumber)[0]!.code!;
    emulator.injectFault('CheckSmsVerifyCode', fault);
    const answer = await flow.send(authToken, sessionId, { type: 'SMS_CODE', code });
    return { phoneNumber, authToken, sessionId, waiting, code, answer };
  }

  it.each(faultKinds)('a %s on CheckSmsVerifyCode does not count as a wrong code; the code still verifies afterwards', async (fault) => {
    const { phoneNumber, authToken, sessionId, waiting, code, answer } = await checkUnderFault(fault);
    const [check] = requestsFor('CheckSmsVerifyCode', 'PhoneNumber', phoneNumber);
    expect(check?.fault).toBe(fault);
    // Not a verdict: an error, never a session that moved.
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.body.error?.code).toEqual(expect.any(String));
    expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const now = (await flow.get(authToken, sessionId)).body;
    expect(now).toMatchObject({ status: 'pending', state: waiting.state, version: waiting.version, nextAction: { type: 'smsCode', lastResult: null } });
    expect(eventsOf(await trace(sessionId), 'SMS_CODE')).toEqual([]);
    const admin = await server.api.get(`/v1/admin/sessions/${sessionId}`, 'admin');
    expect(admin.body.context).toMatchObject({ smsWrongTries: 0 });

    const done = await flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code });
    expect(done.status).toBe('verified');
    expect((await flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber, method: 'smsCode' });
  });

  it.each(faultKinds)('a %s on CheckSmsVerifyCode is answered 502/504 with Retry-After, not 500', async (fault) => {
    const { answer } = await checkUnderFault(fault);
    expect(answer.status).toBe(fault === 'slow' ? 504 : 502);
    expect(answer.body.error.code).toBe(fault === 'slow' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR');
    expect(answer.headers.get('retry-after')).toBe('1');
  });
});
