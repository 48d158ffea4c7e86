import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();
const post = (path: string, body: unknown) => ctx.server.api.post(path, body, 'accessKey');

describe('plain Phone Number Verification and SMS Verification for app backends', () => {
  it('get mobile: a carrier token gives its number, once', async () => {
    const accessToken = await ctx.flow.carrierToken('13200000001');
    const first = await post('/v1/number-verification/get-mobile', { accessToken, outId: 'order-1' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ phoneNumber: '13200000001', outId: 'order-1' });
    const again = await post('/v1/number-verification/get-mobile', { accessToken });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('CARRIER_TOKEN_INVALID');
  });

  it('get mobile: carrier failures have their own answers', async () => {
    const timeout = await post('/v1/number-verification/get-mobile', { accessToken: await ctx.flow.carrierToken('13200000002', 'timeout') });
    expect([timeout.status, timeout.body.error.code]).toEqual([504, 'CARRIER_TIMEOUT']);
    const error = await post('/v1/number-verification/get-mobile', { accessToken: await ctx.flow.carrierToken('13200000002', 'error') });
    expect([error.status, error.body.error.code]).toEqual([502, 'CARRIER_ERROR']);
  });

  it('verify mobile: PASS for the token’s own number, REJECT for another', async () => {
    const pass = await post('/v1/number-verification/verify-mobile', { accessToken: await ctx.flow.carrierToken('13200000003'), phoneNumber: '13200000003' });
    expect(pass.body).toEqual({ verifyResult: 'PASS' });
    const reject = await post('/v1/number-verification/verify-mobile', { accessToken: await ctx.flow.carrierToken('13200000003'), phoneNumber: '13200000004' });
    expect(reject.body).toEqual({ verifyResult: 'REJECT' });
  });

  it('send and check an SMS code under a scheme name', async () => {
    const sent = await post('/v1/sms-verification/send-code', { phoneNumber: '13200000005', schemeName: 'login', codeLength: 4 });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ bizId: expect.any(String), expiresAt: expect.any(String) });
    expect(sent.body.verifyCode).toBeUndefined();
    const code = await ctx.flow.latestSmsCode('13200000005');
    expect(code).toMatch(/^\d{4}$/);

    const otherScheme = await post('/v1/sms-verification/check-code', { phoneNumber: '13200000005', code, schemeName: 'other' });
    expect(otherScheme.body.verifyResult).toBe('UNKNOWN');
    const passed = await post('/v1/sms-verification/check-code', { phoneNumber: '13200000005', code, schemeName: 'login' });
    expect(passed.body).toEqual({ verifyResult: 'PASS' });
    const reused = await post('/v1/sms-verification/check-code', { phoneNumber: '13200000005', code, schemeName: 'login' });
    expect(reused.body.verifyResult).toBe('UNKNOWN');
  });

  it('refuses a second send within the interval with 429 and the time it is allowed', async () => {
    await post('/v1/sms-verification/send-code', { phoneNumber: '13200000006' });
    const early = await post('/v1/sms-verification/send-code', { phoneNumber: '13200000006' });
    expect(early.status).toBe(429);
    expect(early.body.error.code).toBe('SMS_TOO_SOON');
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(50);
  });

  it('returns the code only when asked, as the vendor’s ReturnVerifyCode', async () => {
    const sent = await post('/v1/sms-verification/send-code', { phoneNumber: '13200000007', returnVerifyCode: true });
    expect(sent.body.verifyCode).toBe(await ctx.flow.latestSmsCode('13200000007'));
  });

  it('needs an access key and valid input', async () => {
    expect((await ctx.server.api.post('/v1/sms-verification/send-code', { phoneNumber: '13200000008' })).status).toBe(401);
    expect((await post('/v1/sms-verification/send-code', { phoneNumber: '13200000008', codeLength: 3 })).status).toBe(400);
    expect((await post('/v1/sms-verification/send-code', { phoneNumber: '13200000008', template: 'no placeholder' })).status).toBe(400);
    expect((await post('/v1/sms-verification/check-code', { phoneNumber: 'abc', code: '1234' })).body.error.code).toBe('INVALID_PHONE_NUMBER');
  });
});
