import { sendCodeRequest } from '../adapters/support/sendCodeRequest.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlicloudCarrierGateway } from '../../adapters/alicloud/alicloudCarrierGateway.js';
import { AlicloudSmsVerification, schemeNameOfScope } from '../../adapters/alicloud/alicloudSmsVerification.js';
import { createDypnsClient } from '../../adapters/alicloud/dypnsClient.js';
import { CarrierError } from '../../adapters/carrier/carrierGateway.js';
import { startDypnsEmulator, type DypnsEmulator } from '../emulator/dypnsEmulator.js';

const AK = { accessKeyId: 'LTAI-adapter-key', accessKeySecret: 'adapter-secret-1' };
let clock = Date.UTC(2026, 0, 1);
let emu: DypnsEmulator;

function client(timeoutMs = 3000) {
  return createDypnsClient({ ...AK, endpoint: emu.endpoint, protocol: 'http', connectTimeoutMs: timeoutMs, readTimeoutMs: timeoutMs });
}
const signal = () => new AbortController().signal;

async function carrierError(p: Promise<unknown>): Promise<CarrierError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CarrierError);
  return err as CarrierError;
}

beforeAll(async () => {
  emu = await startDypnsEmulator({ credentials: [AK], now: () => clock, slowMs: 2000 });
});
afterAll(async () => {
  await emu.close();
});
afterEach(() => {
  emu.clearFaults();
});

describe('AlicloudCarrierGateway', () => {
  it('getMobile returns the number and passes OutId', async () => {
    const token = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'login' });
    const r = await new AlicloudCarrierGateway(client()).getMobile(token, { signal: signal(), outId: 'out-1' });
    expect(r.phoneNumber).toBe('13900001234');
    expect(r.providerRef).toBeTruthy();
    expect(emu.requests.at(-1)?.params.OutId).toBe('out-1');
  });

  it('an unknown token → invalid; a reused token → invalid; a check token for login → invalid', async () => {
    const gw = new AlicloudCarrierGateway(client());
    expect(await carrierError(gw.getMobile('nope', { signal: signal() }))).toMatchObject({ kind: 'invalid', providerCode: 'isv.TOKEN_INVALID' });
    const token = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'login' });
    await gw.getMobile(token, { signal: signal() });
    expect(await carrierError(gw.getMobile(token, { signal: signal() }))).toMatchObject({ kind: 'invalid', providerCode: 'isv.TOKEN_INVALID' });
    const check = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'check' });
    expect(await carrierError(gw.getMobile(check, { signal: signal() }))).toMatchObject({ kind: 'invalid', providerCode: 'isv.TOKEN_UNAUTHORIZED_USED' });
  });

  it('a slow vendor with a short timeout → timeout', async () => {
    emu.injectFault('GetMobile', 'slow');
    const started = Date.now();
    const err = await carrierError(new AlicloudCarrierGateway(client(300)).getMobile('x', { signal: signal() }));
    expect(err).toMatchObject({ kind: 'timeout', providerCode: 'RequestTimeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it.each([
    ['5xx', 'SystemError'],
    ['html', 'MalformedResponse'],
    ['throttle', 'Throttling.User'],
  ] as const)('fault %s → error (%s)', async (fault, providerCode) => {
    emu.injectFault('GetMobile', fault);
    expect(await carrierError(new AlicloudCarrierGateway(client()).getMobile('x', { signal: signal() }))).toMatchObject({ kind: 'error', providerCode });
  });

  it('a signature the vendor rejects → error with its code', async () => {
    const bad = createDypnsClient({ ...AK, accessKeySecret: 'wrong', endpoint: emu.endpoint, protocol: 'http', connectTimeoutMs: 3000, readTimeoutMs: 3000 });
    expect(await carrierError(new AlicloudCarrierGateway(bad).getMobile('x', { signal: signal() }))).toMatchObject({
      kind: 'error',
      providerCode: 'SignatureDoesNotMatch',
    });
  });

  it('verifyMobile answers PASS and REJECT, passing OutId', async () => {
    const gw = new AlicloudCarrierGateway(client());
    const t1 = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'check' });
    expect(await gw.verifyMobile(t1, '13900001234', { signal: signal(), outId: 'out-2' })).toMatchObject({ verifyResult: 'PASS' });
    expect(emu.requests.at(-1)?.params.OutId).toBe('out-2');
    const t2 = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'check' });
    const r = await gw.verifyMobile(t2, '13900009999', { signal: signal() });
    expect(r.verifyResult).toBe('REJECT');
    expect(r.providerRef).toBeTruthy();
  });

  it('h5 uses GetPhoneWithToken and VerifyPhoneWithToken', async () => {
    const gw = new AlicloudCarrierGateway(client());
    const sp = emu.issueCarrierToken({ phoneNumber: '18900001111', carrier: 'telecom', purpose: 'login' });
    expect((await gw.getMobile(sp, { signal: signal(), h5: true })).phoneNumber).toBe('18900001111');
    expect(emu.requests.at(-1)?.action).toBe('GetPhoneWithToken');
    const check = emu.issueCarrierToken({ phoneNumber: '18900001111', carrier: 'telecom', purpose: 'check' });
    expect((await gw.verifyMobile(check, '18900001111', { signal: signal(), h5: true })).verifyResult).toBe('PASS');
    expect(emu.requests.at(-1)?.action).toBe('VerifyPhoneWithToken');
    expect(await carrierError(gw.getMobile(sp, { signal: signal(), h5: true }))).toMatchObject({ kind: 'invalid' });
  });

  it('honours the AbortSignal: gives up when it fires, and calls nothing when already aborted', async () => {
    emu.injectFault('GetMobile', 'slow');
    const gw = new AlicloudCarrierGateway(client());
    const started = Date.now();
    const err = await carrierError(gw.getMobile('x', { signal: AbortSignal.timeout(100) }));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
    const before = emu.requests.length;
    const ac = new AbortController();
    ac.abort();
    expect((await carrierError(gw.verifyMobile('x', '13900001234', { signal: ac.signal }))).kind).toBe('timeout');
    expect(emu.requests.length).toBe(before);
  });
});

describe('AlicloudSmsVerification', () => {
  const req = sendCodeRequest;

  it('sends with the mapped parameters, then PASS; the SchemeName is the same for send and check', async () => {
    const sms = new AlicloudSmsVerification(client(), { now: () => clock });
    const sent = await sms.sendCode(req('session:abc', '13700000001', { outId: 'o-1', codeType: 'digitsUpper', duplicatePolicy: 'keep' }));
    expect(sent).toMatchObject({ sent: true, expiresAt: clock + 300_000, resendAvailableAt: clock + 60_000 });
    const last = emu.smsSent.at(-1);
    expect(sent.sent && sent.bizId).toBe(last?.bizId);
    expect(last).toMatchObject({ signName: '速通互联验证码', templateCode: '100001', outId: 'o-1', schemeName: schemeNameOfScope('session:abc') });
    expect(last?.templateParam).toEqual({ code: last?.code, min: '5' });
    expect(last?.code).toMatch(/^[0-9A-Z]{6}$/);
    expect(emu.requests.at(-1)?.params).toMatchObject({ CodeLength: '6', CodeType: '5', ValidTime: '300', Interval: '60', DuplicatePolicy: '2' });
    expect(await sms.checkCode({ scope: 'session:abc', phoneNumber: '13700000001', code: last?.code ?? '' })).toEqual({ result: 'PASS' });
    expect(emu.requests.at(-1)?.params.SchemeName).toBe(schemeNameOfScope('session:abc'));
  });

  it('a send that names its signature and template (the console’s choice) sends those, with its TemplateParam', async () => {
    const sms = new AlicloudSmsVerification(client(), { signName: 'MySign', templateCode: 'SMS_1' });
    const vendorTemplate = { signName: '数流商城', templateCode: 'SMS_123456789', templateParam: { code: '##code##', min: '2' } };
    expect(await sms.sendCode({ ...req('session:tpl', '13700000009'), vendorTemplate })).toMatchObject({ sent: true });
    const last = emu.smsSent.at(-1);
    expect(last).toMatchObject({ signName: '数流商城', templateCode: 'SMS_123456789' });
    expect(last?.templateParam).toEqual({ code: last?.code, min: '2' });
  });

  it('derives a SchemeName of at most 20 chars, deterministic and distinct per scope', () => {
    const a = schemeNameOfScope('session:0f8e6c1e-4bd1-4c8e-9b1a-3f0c9e2a7d11');
    expect(a.length).toBeLessThanOrEqual(20);
    expect(schemeNameOfScope('session:0f8e6c1e-4bd1-4c8e-9b1a-3f0c9e2a7d11')).toBe(a);
    expect(schemeNameOfScope('plain:default')).not.toBe(a);
  });

  it('a wrong code → WRONG; a code for another scope → WRONG', async () => {
    const sms = new AlicloudSmsVerification(client(), { signName: 'MySign', templateCode: 'SMS_1' });
    expect(await sms.sendCode(req('plain:default', '13700000002', { returnCode: true }))).toMatchObject({ sent: true, code: expect.stringMatching(/^\d{6}$/) });
    expect(emu.smsSent.at(-1)).toMatchObject({ signName: 'MySign', templateCode: 'SMS_1' });
    const code = emu.smsSent.at(-1)?.code ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await sms.checkCode({ scope: 'plain:default', phoneNumber: '13700000002', code: wrong })).toMatchObject({ result: 'WRONG' });
    expect(await sms.checkCode({ scope: 'plain:other', phoneNumber: '13700000002', code })).toMatchObject({ result: 'WRONG' });
    expect(await sms.checkCode({ scope: 'plain:default', phoneNumber: '+8613700000002', code })).toEqual({ result: 'PASS' });
  });

  it('a resend within the interval → TOO_SOON', async () => {
    const sms = new AlicloudSmsVerification(client(), { now: () => clock });
    expect((await sms.sendCode(req('session:too-soon', '13700000003'))).sent).toBe(true);
    expect(await sms.sendCode(req('session:too-soon', '13700000003'))).toEqual({ sent: false, reason: 'TOO_SOON', resendAvailableAt: clock + 60_000 });
    clock += 61_000;
    expect((await sms.sendCode(req('session:too-soon', '13700000003'))).sent).toBe(true);
  });

  it('a repeated send of one OutId refused by the send interval → sent (its earlier attempt went out); without an OutId → TOO_SOON', async () => {
    const sms = new AlicloudSmsVerification(client(), { now: () => clock });
    expect((await sms.sendCode(req('session:lost-reply', '13700000005', { outId: 'act-1' }))).sent).toBe(true);
    const code = emu.smsSent.at(-1)?.code ?? '';
    expect(await sms.sendCode(req('session:lost-reply', '13700000005', { outId: 'act-1' }))).toEqual({
      sent: true,
      bizId: 'unconfirmed:act-1',
      expiresAt: clock + 300_000,
      resendAvailableAt: clock + 60_000,
    });
    expect(emu.smsSent.filter((m) => m.phoneNumber === '13700000005')).toHaveLength(1);
    expect(await sms.checkCode({ scope: 'session:lost-reply', phoneNumber: '13700000005', code })).toEqual({ result: 'PASS' });
  });

  it('vendor failures: 5xx and throttling are transient delivery failures; a check that cannot be answered throws CarrierError', async () => {
    const sms = new AlicloudSmsVerification(client());
    emu.injectFault('SendSmsVerifyCode', '5xx');
    expect(await sms.sendCode(req('session:f', '13700000004'))).toMatchObject({ sent: false, reason: 'DELIVERY_FAILED', permanent: false });
    emu.injectFault('SendSmsVerifyCode', 'throttle');
    expect(await sms.sendCode(req('session:f', '13700000004'))).toMatchObject({ sent: false, reason: 'DELIVERY_FAILED', permanent: false });
    expect(await sms.sendCode(req('session:f', '13700000004', { codeLength: 9 }))).toMatchObject({ sent: false, reason: 'DELIVERY_FAILED', permanent: true });
    expect(await sms.sendCode(req('session:f', '+447700900123'))).toMatchObject({ sent: false, reason: 'DELIVERY_FAILED', permanent: true });
    emu.injectFault('CheckSmsVerifyCode', 'html');
    expect(await carrierError(sms.checkCode({ scope: 'session:f', phoneNumber: '13700000004', code: '123456' }))).toMatchObject({ kind: 'error' });
  });
});
