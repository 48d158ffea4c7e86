import * as $D from '@alicloud/dypnsapi20170525';
import { ThrottlingError } from '@alicloud/openapi-core';
import { describe, expect, it } from 'vitest';
import { dypnsClient, thrown } from '../support/dypnsSdk.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * Locking a number by guessing its codes costs an attacker more than it costs the owner: a
 * minute at first, lifted by a carrier proof of the number or by the operator.
 */
const ctx = useTestServer({ env: { RATE_LIMIT_CODE_CHECKS_PER_NUMBER: '6' } });

const lockPath = (number: string) => `/v1/admin/phone-numbers/${encodeURIComponent(number)}/code-check-lock`;
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

async function checkCode(phoneNumber: string, code: string) {
  return ctx.server.api.post('/v1/sms-verification/check-code', { phoneNumber, code }, 'accessKey');
}

async function sendCode(phoneNumber: string): Promise<string> {
  const sent = await ctx.server.api.post('/v1/sms-verification/send-code', { phoneNumber }, 'accessKey');
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return ctx.flow.latestSmsCode(phoneNumber);
}

/** Six wrong checks of a number's plain-SMS codes: the number's checks run out and it is locked. */
async function lockByGuessing(phoneNumber: string): Promise<string> {
  const code = await sendCode(phoneNumber);
  for (let i = 0; i < 6; i++) expect((await checkCode(phoneNumber, wrongFor(code))).status).toBe(200);
  return code;
}

describe('the SMS code-check lock of a number', () => {
  it("an attacker's wrong guesses across sessions lock the number for a minute, its owner's right code included; a one-click proof ends the lock", async () => {
    const phoneNumber = '13300002001';
    const tokenA = await ctx.flow.authToken(androidScheme, { phoneNumber });
    const first = await ctx.flow.openOk(tokenA, '100003');
    const firstCode = await ctx.flow.latestSmsCode(phoneNumber);
    for (let i = 0; i < 4; i++) await ctx.flow.sendOk(tokenA, first.id, { type: 'SMS_CODE', code: wrongFor(firstCode) });

    ctx.server.clock.advanceSeconds(61);
    const tokenB = await ctx.flow.authToken(androidScheme, { phoneNumber });
    const second = await ctx.flow.openOk(tokenB, '100003');
    const code = await ctx.flow.latestSmsCode(phoneNumber);
    await ctx.flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code: wrongFor(code) });
    await ctx.flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code: wrongFor(code) });

    const limited = await ctx.flow.send(tokenB, second.id, { type: 'SMS_CODE', code });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await ctx.flow.get(tokenB, second.id)).body).toMatchObject({ status: 'pending', version: second.version + 2 });

    // The operator sees it, under any way of writing the number.
    const seen = await ctx.server.api.get(lockPath('+86 133 0000 2001'), 'admin');
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ phoneNumber, locked: true, checksLeft: 5, locks: 1, nextLockSeconds: 300 });
    expect(seen.body.retryAfterSeconds).toBeLessThanOrEqual(60);

    // The owner logs in with one-click elsewhere: the carrier's number check proves the number.
    const accessToken = await ctx.flow.carrierToken(phoneNumber);
    const proof = await ctx.server.api.post('/v1/number-verification/verify-mobile', { accessToken, phoneNumber }, 'accessKey');
    expect(proof.body).toMatchObject({ verifyResult: 'PASS' });
    expect((await ctx.server.api.get(lockPath(phoneNumber), 'admin')).body).toMatchObject({ locked: false, checksLeft: 6, locks: 1, nextLockSeconds: 300 });

    const verified = await ctx.flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code });
    expect(['verified', 'pending']).toContain(verified.status);
  });

  it('a one-click logon session verified by the carrier ends the lock of its number', async () => {
    const phoneNumber = '13300002009';
    const code = await lockByGuessing(phoneNumber);
    expect((await checkCode(phoneNumber, code)).status).toBe(429);
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const verified = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken(phoneNumber) });
    expect(verified.status).toBe('verified');
    expect((await ctx.server.api.get(lockPath(phoneNumber), 'admin')).body).toMatchObject({ locked: false });
    expect((await checkCode(phoneNumber, code)).status).toBe(200);
  });

  it('the carrier giving the number (get-mobile) ends its lock as well', async () => {
    const phoneNumber = '13300002002';
    const code = await lockByGuessing(phoneNumber);
    expect((await checkCode(phoneNumber, code)).status).toBe(429);
    const accessToken = await ctx.flow.carrierToken(phoneNumber);
    const proof = await ctx.server.api.post('/v1/number-verification/get-mobile', { accessToken }, 'accessKey');
    expect(proof.body).toMatchObject({ phoneNumber });
    const check = await checkCode(phoneNumber, code);
    expect(check.status).toBe(200);
  });

  it('a number check that does not pass proves nothing: the lock stays', async () => {
    const phoneNumber = '13300002003';
    await lockByGuessing(phoneNumber);
    const accessToken = await ctx.flow.carrierToken('13300002999');
    const rejected = await ctx.server.api.post('/v1/number-verification/verify-mobile', { accessToken, phoneNumber }, 'accessKey');
    expect(rejected.body.verifyResult).not.toBe('PASS');
    expect((await ctx.server.api.get(lockPath(phoneNumber), 'admin')).body).toMatchObject({ locked: true });
  });

  it("the vendor endpoint answers a locked number's check with Throttling.User and its Retry-After, as for any of numberflow's limits", async () => {
    const phoneNumber = '13300002004';
    const code = await lockByGuessing(phoneNumber);
    const sdk = dypnsClient({
      accessKeyId: testCredentials.accessKeyId,
      accessKeySecret: testCredentials.accessKeySecret,
      endpoint: ctx.server.baseUrl.replace('http://', ''),
    });
    const error = await thrown(() => sdk.checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest({ phoneNumber, verifyCode: code })));
    expect(error).toBeInstanceOf(ThrottlingError);
    expect(error).toMatchObject({ code: 'Throttling.User', statusCode: 400 });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(60_000);
  });

  it('the operator lifts a lock and its back-off; only with the admin token, only for a mobile number', async () => {
    const phoneNumber = '13300002005';
    const code = await lockByGuessing(phoneNumber);
    expect((await ctx.server.api.request('DELETE', lockPath(phoneNumber))).status).toBe(401);
    expect((await ctx.server.api.get(lockPath(phoneNumber), { bearer: 'not-the-admin-token' })).status).toBe(401);
    for (const bad of ['abc', '123', '010-12345678', '1'.repeat(40)]) {
      const refused = await ctx.server.api.get(lockPath(bad), 'admin');
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code).toBe('INVALID_PHONE_NUMBER');
    }
    expect((await ctx.server.api.get(lockPath(phoneNumber), 'admin')).body).toMatchObject({ locked: true, locks: 1 });

    const lifted = await ctx.server.api.request('DELETE', lockPath(phoneNumber), { auth: 'admin' });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toEqual({ phoneNumber, locked: false, retryAfterSeconds: 0, checksLeft: 6, locks: 0, nextLockSeconds: 60 });
    expect((await checkCode(phoneNumber, code)).status).toBe(200);
  });
});
