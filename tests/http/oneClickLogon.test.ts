import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

describe('scene 100001 one-click logon over HTTP on Redis', () => {
  it('logs in with one tap: carrier token → number → verify token → the number, once', async () => {
    const authToken = await ctx.flow.authToken();
    const opened = await ctx.flow.openOk(authToken, '100001');
    expect(opened).toMatchObject({ sceneCode: '100001', schemeCode: androidScheme.code, status: 'pending', nextAction: { type: 'numberAuth' } });
    expect(opened.state).toBe('proveNumber.numberAuth.awaitingToken');
    expect(Date.parse(opened.expiresAt)).toBeGreaterThan(Date.now());

    const accessToken = await ctx.flow.carrierToken('13800000001');
    const verified = await ctx.flow.sendOk(authToken, opened.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(verified).toMatchObject({ status: 'verified', state: 'verified', nextAction: { type: 'none' } });
    expect(verified.verifyToken).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);

    const result = await ctx.flow.verify(verified.verifyToken);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      verifyResult: 'PASS',
      phoneNumber: '13800000001',
      sceneCode: '100001',
      schemeCode: androidScheme.code,
      method: 'numberAuth',
    });

    const again = await ctx.flow.verify(verified.verifyToken);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('VERIFY_TOKEN_INVALID');
  });

  it('falls back to SMS when the carrier times out (default policy: on carrier error go to SMS)', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const accessToken = await ctx.flow.carrierToken('13800000002', 'timeout');
    const started = Date.now();
    const afterTimeout = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // the carrier call really waited for its 300 ms deadline
    expect(afterTimeout.nextAction.type).toBe('enterPhone');

    const smsStep = await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '+86 138 0000 0002' });
    expect(smsStep.nextAction).toMatchObject({ type: 'smsCode', phoneNumber: '138****0002', codeLength: 6, sendsLeft: 4 });
    const code = await ctx.flow.latestSmsCode('13800000002');
    const done = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
    expect(done.status).toBe('verified');
    const result = await ctx.flow.verify(done.verifyToken);
    expect(result.body).toMatchObject({ verifyResult: 'PASS', phoneNumber: '13800000002', method: 'smsCode' });
  });

  it.each([
    ['error', 'fail', 'failed'],
    ['invalid', 'fail', 'failed'],
    ['error', 'uplinkSms', 'uplinkSms'],
    ['mismatch', 'sms', 'enterPhone'],
  ])('a carrier %s follows the policy choice %s', async (outcome, onCarrierError, expected) => {
    const policy = defaultPolicy('100001');
    policy.nodes.numberAuth.onCarrierError = onCarrierError as 'fail';
    const schemeCode = `FA9000000000${Math.floor(Math.random() * 1e5)}`.slice(0, 17);
    await ctx.server.api.post('/v1/admin/schemes', { ...androidScheme, code: schemeCode, name: 'policy test' }, 'admin');
    await ctx.server.numberflow.services.policies.setSchemePolicy(schemeCode, policy, '100001');

    const authToken = await ctx.flow.authToken({ ...androidScheme, code: schemeCode });
    const session = await ctx.flow.openOk(authToken, '100001');
    const accessToken = await ctx.flow.carrierToken('13800000003', outcome);
    const after = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    if (expected === 'failed') {
      expect(after).toMatchObject({ status: 'failed', failureReason: 'carrier_error', nextAction: { type: 'none' } });
    } else {
      expect(after.status).toBe('pending');
      expect(after.nextAction.type).toBe(expected);
    }
  });

  it('lets the user switch to SMS instead of waiting for the carrier', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const switched = await ctx.flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
    expect(switched.nextAction.type).toBe('enterPhone');
  });

  it('falls back to SMS by itself when no carrier token arrives within the policy time', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    ctx.server.clock.advanceSeconds(31);
    const later = await ctx.flow.get(authToken, session.id);
    expect(later.status).toBe(200);
    expect(later.body.nextAction.type).toBe('enterPhone');
  });

  it('H5: confirms the middle four digits; a wrong guess costs a try', async () => {
    const authToken = await ctx.flow.authToken(h5Scheme);
    const session = await ctx.flow.openOk(authToken, '100001');
    const accessToken = await ctx.flow.carrierToken('13912345678');
    const confirm = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(confirm.nextAction).toEqual({ type: 'middleDigits', maskedPhoneNumber: '139****5678', triesLeft: 3 });

    const wrong = await ctx.flow.sendOk(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: '0000' });
    expect(wrong.nextAction).toEqual({ type: 'middleDigits', maskedPhoneNumber: '139****5678', triesLeft: 2 });
    const right = await ctx.flow.sendOk(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: '1234' });
    expect(right.status).toBe('verified');
    expect((await ctx.flow.verify(right.verifyToken)).body).toMatchObject({ phoneNumber: '13912345678', method: 'numberAuth' });
  });

  it('H5: three wrong middle-digit guesses send the user to SMS for a number they enter', async () => {
    const authToken = await ctx.flow.authToken(h5Scheme);
    const session = await ctx.flow.openOk(authToken, '100001');
    const accessToken = await ctx.flow.carrierToken('13912340000');
    await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    for (const digits of ['1111', '2222']) await ctx.flow.sendOk(authToken, session.id, { type: 'MIDDLE_DIGITS', digits });
    const third = await ctx.flow.sendOk(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: '3333' });
    expect(third.nextAction.type).toBe('enterPhone');
  });

  it('a used carrier token does not log anyone in twice', async () => {
    const authToken = await ctx.flow.authToken();
    const accessToken = await ctx.flow.carrierToken('13800000004');
    const first = await ctx.flow.openOk(authToken, '100001');
    expect((await ctx.flow.sendOk(authToken, first.id, { type: 'NUMBER_AUTH_TOKEN', accessToken })).status).toBe('verified');
    const second = await ctx.flow.openOk(authToken, '100001');
    const replay = await ctx.flow.sendOk(authToken, second.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(replay.status).toBe('pending');
    expect(replay.nextAction.type).toBe('enterPhone');
  });

  it('a risky device goes to uplink SMS, and only an SMS with the code from the right sender verifies', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001', { emulator: true, hooked: true });
    expect(session.nextAction).toMatchObject({ type: 'uplinkSms', receivingNumber: '1069000000001' });
    const { code, receivingNumber } = session.nextAction;
    expect(code).toMatch(/^\d{6}$/);

    await ctx.flow.sendOk(authToken, session.id, { type: 'UPLINK_SMS_SENT' });
    const wrongCode = await ctx.server.api.post('/v1/simulator/uplink-sms', {
      from: '13800000005',
      to: receivingNumber,
      text: code === '000000' ? '111111' : '000000',
    });
    expect(wrongCode.status).toBe(202);
    expect((await ctx.flow.get(authToken, session.id)).body.status).toBe('pending');

    await ctx.server.api.post('/v1/simulator/uplink-sms', { from: '13800000005', to: receivingNumber, text: `验证 ${code}` });
    const after = await ctx.flow.get(authToken, session.id);
    expect(after.body.status).toBe('verified');
    expect((await ctx.flow.verify(after.body.verifyToken)).body).toMatchObject({ phoneNumber: '13800000005', method: 'uplinkSms' });
  });
});
