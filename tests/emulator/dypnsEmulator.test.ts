import * as $D from '@alicloud/dypnsapi20170525';
import { $OpenApiUtil, ClientError, ServerError, ThrottlingError } from '@alicloud/openapi-core';
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CARRIER_TOKEN_TTL_MS, rpcV1Signature, startDypnsEmulator, type DypnsEmulator } from './dypnsEmulator.js';

import { Dypns, type DypnsClient } from '../../adapters/alicloud/dypnsClient.js';
import { thrown } from '../support/dypnsSdk.js';

const AK = { accessKeyId: 'LTAI-test-key', accessKeySecret: 'test-secret-123' };

let clock = Date.UTC(2026, 0, 1);
let emu: DypnsEmulator;

function client(opts: { secret?: string; v2?: boolean; timeoutMs?: number } = {}): DypnsClient {
  return new Dypns(
    new $OpenApiUtil.Config({
      accessKeyId: AK.accessKeyId,
      accessKeySecret: opts.secret ?? AK.accessKeySecret,
      endpoint: emu.endpoint,
      protocol: 'http',
      readTimeout: opts.timeoutMs ?? 3000,
      connectTimeout: opts.timeoutMs ?? 3000,
      ...(opts.v2 ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
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

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['HMAC-SHA1', true],
] as const)('happy paths signed with %s', (signature, v2) => {
  it('GetMobile returns the number of a login token', async () => {
    const token = emu.issueCarrierToken({ phoneNumber: '13900001234', carrier: 'unicom', purpose: 'login' });
    const r = await client({ v2 }).getMobile(new $D.GetMobileRequest({ accessToken: token, outId: 'o-1' }));
    expect(r.statusCode).toBe(200);
    expect(r.body?.code).toBe('OK');
    expect(r.body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(r.body?.getMobileResultDTO?.mobile).toBe('13900001234');
    const last = emu.requests.at(-1);
    expect(last?.signature).toBe(signature);
    expect(last?.action).toBe('GetMobile');
    expect(last?.params.OutId).toBe('o-1');
  });

  it('VerifyMobile answers PASS for the right number and REJECT for another', async () => {
    const c = client({ v2 });
    const t1 = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'check' });
    const pass = await c.verifyMobile(new $D.VerifyMobileRequest({ accessCode: t1, phoneNumber: '13900001234' }));
    expect(pass.body?.code).toBe('OK');
    expect(pass.body?.gateVerifyResultDTO?.verifyResult).toBe('PASS');
    expect(pass.body?.gateVerifyResultDTO?.verifyId).toBeTruthy();
    const t2 = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'check' });
    const reject = await c.verifyMobile(new $D.VerifyMobileRequest({ accessCode: t2, phoneNumber: '13900009999' }));
    expect(reject.body?.code).toBe('OK');
    expect(reject.body?.gateVerifyResultDTO?.verifyResult).toBe('REJECT');
  });

  it('GetAuthToken, GetPhoneWithToken and VerifyPhoneWithToken (H5)', async () => {
    const c = client({ v2 });
    const auth = await c.getAuthToken(new $D.GetAuthTokenRequest({ url: 'https://app.example/', origin: 'https://app.example' }));
    expect(auth.body?.code).toBe('OK');
    expect(auth.body?.tokenInfo?.accessToken).toBeTruthy();
    expect(auth.body?.tokenInfo?.jwtToken).toBeTruthy();
    const sp = emu.issueCarrierToken({ phoneNumber: '18900001111', carrier: 'telecom', purpose: 'login' });
    const phone = await c.getPhoneWithToken(new $D.GetPhoneWithTokenRequest({ spToken: sp }));
    expect(phone.body?.code).toBe('OK');
    expect(phone.body?.data?.mobile).toBe('18900001111');
    const check = emu.issueCarrierToken({ phoneNumber: '18900001111', carrier: 'telecom', purpose: 'check' });
    const verify = await c.verifyPhoneWithToken(new $D.VerifyPhoneWithTokenRequest({ phoneNumber: '18900001111', spToken: check }));
    expect(verify.body?.code).toBe('OK');
    expect(verify.body?.gateVerify?.verifyResult).toBe('PASS');
  });

  it('SendSmsVerifyCode then CheckSmsVerifyCode passes', async () => {
    const c = client({ v2 });
    const phoneNumber = `1380000${v2 ? '1' : '2'}000`;
    const sent = await c.sendSmsVerifyCode(
      new $D.SendSmsVerifyCodeRequest({
        phoneNumber,
        signName: '速通互联验证码',
        templateCode: '100001',
        templateParam: JSON.stringify({ code: '##code##', min: '5' }),
        codeLength: 6,
        returnVerifyCode: true,
        outId: 'o-2',
      }),
    );
    expect(sent.body?.code).toBe('OK');
    expect(sent.body?.success).toBe(true);
    expect(sent.body?.model?.bizId).toBeTruthy();
    expect(sent.body?.model?.outId).toBe('o-2');
    const code = sent.body?.model?.verifyCode ?? '';
    expect(code).toMatch(/^\d{6}$/);
    const sms = emu.smsSent.at(-1);
    expect(sms).toMatchObject({ phoneNumber, code, signName: '速通互联验证码', templateCode: '100001', schemeName: '默认方案', outId: 'o-2' });
    expect(sms?.templateParam).toEqual({ code, min: '5' });
    const checked = await c.checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest({ phoneNumber, verifyCode: code, outId: 'o-3' }));
    expect(checked.body?.code).toBe('OK');
    expect(checked.body?.success).toBe(true);
    expect(checked.body?.model?.verifyResult).toBe('PASS');
    expect(checked.body?.model?.outId).toBe('o-3');
  });
});

describe('carrier tokens', () => {
  it('are single use: a second GetMobile answers isv.TOKEN_INVALID', async () => {
    const c = client();
    const token = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'login' });
    expect((await c.getMobile(new $D.GetMobileRequest({ accessToken: token }))).body?.code).toBe('OK');
    const again = await c.getMobile(new $D.GetMobileRequest({ accessToken: token }));
    expect(again.statusCode).toBe(200);
    expect(again.body?.code).toBe('isv.TOKEN_INVALID');
    expect(again.body?.getMobileResultDTO).toBeUndefined();
  });

  it('an unknown token answers isv.TOKEN_INVALID', async () => {
    const r = await client().getPhoneWithToken(new $D.GetPhoneWithTokenRequest({ spToken: 'nope' }));
    expect(r.body?.code).toBe('isv.TOKEN_INVALID');
  });

  it.each([
    ['mobile', 2],
    ['unicom', 30],
    ['telecom', 10],
  ] as const)('a %s token lives %i minutes', async (carrier, minutes) => {
    expect(CARRIER_TOKEN_TTL_MS[carrier]).toBe(minutes * 60_000);
    const c = client();
    const fresh = emu.issueCarrierToken({ phoneNumber: '13900001234', carrier, purpose: 'login' });
    const stale = emu.issueCarrierToken({ phoneNumber: '13900001234', carrier, purpose: 'login' });
    clock += minutes * 60_000 - 1;
    expect((await c.getMobile(new $D.GetMobileRequest({ accessToken: fresh }))).body?.code).toBe('OK');
    clock += 1;
    expect((await c.getMobile(new $D.GetMobileRequest({ accessToken: stale }))).body?.code).toBe('isv.TOKEN_INVALID');
  });

  it('a check token used for login answers isv.TOKEN_UNAUTHORIZED_USED and stays usable for the check', async () => {
    const c = client();
    const token = emu.issueCarrierToken({ phoneNumber: '13900001234', purpose: 'check' });
    const login = await c.getMobile(new $D.GetMobileRequest({ accessToken: token }));
    expect(login.statusCode).toBe(200);
    expect(login.body?.code).toBe('isv.TOKEN_UNAUTHORIZED_USED');
    const h5 = await c.getPhoneWithToken(new $D.GetPhoneWithTokenRequest({ spToken: token }));
    expect(h5.body?.code).toBe('isv.TOKEN_UNAUTHORIZED_USED');
    const check = await c.verifyMobile(new $D.VerifyMobileRequest({ accessCode: token, phoneNumber: '13900001234' }));
    expect(check.body?.gateVerifyResultDTO?.verifyResult).toBe('PASS');
  });

  it('a missing required parameter is a 400 MissingXxx ClientError', async () => {
    const err = await thrown(() => client().getMobile(new $D.GetMobileRequest({})));
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ statusCode: 400, code: 'MissingAccessToken' });
    const err2 = await thrown(() => client().verifyPhoneWithToken(new $D.VerifyPhoneWithTokenRequest({ spToken: 'x' })));
    expect(err2).toMatchObject({ statusCode: 400, code: 'MissingPhoneNumber' });
  });
});

describe('SMS codes', () => {
  const base = { signName: '速通互联验证码', templateCode: '100001', templateParam: '{"code":"##code##"}', returnVerifyCode: true };
  const send = (c: DypnsClient, extra: Record<string, unknown>) => c.sendSmsVerifyCode(new $D.SendSmsVerifyCodeRequest({ ...base, ...extra }));
  const check = (c: DypnsClient, extra: Record<string, unknown>) => c.checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest(extra));

  it('a wrong code is an HTTP 400 isv.ValidateFail ClientError, and the right one still passes', async () => {
    const c = client();
    const code = (await send(c, { phoneNumber: '13700000001' })).body?.model?.verifyCode ?? '';
    expect(code).toMatch(/^\d{4}$/);
    const wrong = code === '0000' ? '1111' : '0000';
    const err = await thrown(() => check(c, { phoneNumber: '13700000001', verifyCode: wrong }));
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ statusCode: 400, code: 'isv.ValidateFail' });
    expect((await check(c, { phoneNumber: '13700000001', verifyCode: code })).body?.model?.verifyResult).toBe('PASS');
    // single use
    expect(await thrown(() => check(c, { phoneNumber: '13700000001', verifyCode: code }))).toMatchObject({ code: 'isv.ValidateFail' });
  });

  it('a second send inside Interval is a 200 with Code biz.FREQUENCY', async () => {
    const c = client();
    expect((await send(c, { phoneNumber: '13700000002', interval: 60 })).body?.code).toBe('OK');
    const again = await send(c, { phoneNumber: '13700000002', interval: 60 });
    expect(again.statusCode).toBe(200);
    expect(again.body?.code).toBe('biz.FREQUENCY');
    expect(again.body?.message).toBe('check frequency failed');
    clock += 60_000;
    expect((await send(c, { phoneNumber: '13700000002', interval: 60 })).body?.code).toBe('OK');
  });

  it('codes expire after ValidTime', async () => {
    const c = client();
    const code = (await send(c, { phoneNumber: '13700000003', validTime: 120 })).body?.model?.verifyCode ?? '';
    clock += 120_000;
    expect(await thrown(() => check(c, { phoneNumber: '13700000003', verifyCode: code }))).toMatchObject({ statusCode: 400, code: 'isv.ValidateFail' });
  });

  it('DuplicatePolicy 1 keeps only the newest code, 2 keeps all unexpired ones', async () => {
    const c = client();
    const a1 = (await send(c, { phoneNumber: '13700000004', interval: 1, codeLength: 8 })).body?.model?.verifyCode ?? '';
    clock += 1000;
    const a2 = (await send(c, { phoneNumber: '13700000004', interval: 1, codeLength: 8 })).body?.model?.verifyCode ?? '';
    expect(await thrown(() => check(c, { phoneNumber: '13700000004', verifyCode: a1 }))).toMatchObject({ code: 'isv.ValidateFail' });
    expect((await check(c, { phoneNumber: '13700000004', verifyCode: a2 })).body?.code).toBe('OK');

    const b1 = (await send(c, { phoneNumber: '13700000005', interval: 1, duplicatePolicy: 2, codeLength: 8 })).body?.model?.verifyCode ?? '';
    clock += 1000;
    await send(c, { phoneNumber: '13700000005', interval: 1, duplicatePolicy: 2, codeLength: 8 });
    expect((await check(c, { phoneNumber: '13700000005', verifyCode: b1 })).body?.code).toBe('OK');
  });

  it('SchemeName must match between send and check', async () => {
    const c = client();
    const code = (await send(c, { phoneNumber: '13700000006', schemeName: 'login' })).body?.model?.verifyCode ?? '';
    expect(await thrown(() => check(c, { phoneNumber: '13700000006', verifyCode: code }))).toMatchObject({ code: 'isv.ValidateFail' });
    expect((await check(c, { phoneNumber: '13700000006', verifyCode: code, schemeName: 'login' })).body?.code).toBe('OK');
  });

  it('ReturnVerifyCode=false hides the code; CodeType and CaseAuthPolicy apply', async () => {
    const c = client();
    const hidden = await send(c, { phoneNumber: '13700000007', returnVerifyCode: false, codeType: 2, codeLength: 5 });
    expect(hidden.body?.model?.verifyCode).toBeUndefined();
    const code = emu.smsSent.at(-1)?.code ?? '';
    expect(code).toMatch(/^[A-Z]{5}$/);
    expect(await thrown(() => check(c, { phoneNumber: '13700000007', verifyCode: code.toLowerCase(), caseAuthPolicy: 2 }))).toMatchObject({
      code: 'isv.ValidateFail',
    });
    expect((await check(c, { phoneNumber: '13700000007', verifyCode: code.toLowerCase() })).body?.code).toBe('OK');
  });

  it('a TemplateParam without ##code## sends a code that cannot be checked; bad parameters are 400s', async () => {
    const c = client();
    expect((await send(c, { phoneNumber: '13700000008', templateParam: '{"code":"123456"}' })).body?.code).toBe('OK');
    expect(emu.smsSent.at(-1)?.code).toBeNull();
    expect(await thrown(() => check(c, { phoneNumber: '13700000008', verifyCode: '123456' }))).toMatchObject({ code: 'isv.ValidateFail' });
    expect(await thrown(() => send(c, { phoneNumber: '13700000009', codeLength: 9 }))).toMatchObject({ statusCode: 400, code: 'InvalidParameters' });
    expect(await thrown(() => send(c, { phoneNumber: '13700000009', templateCode: undefined }))).toMatchObject({
      statusCode: 400,
      code: 'MissingTemplateCode',
    });
  });
});

describe('authentication', () => {
  it('a wrong secret is a ClientError SignatureDoesNotMatch, for both signature versions', async () => {
    for (const v2 of [false, true]) {
      const err = await thrown(() => client({ secret: 'wrong', v2 }).getMobile(new $D.GetMobileRequest({ accessToken: 'x' })));
      expect(err).toBeInstanceOf(ClientError);
      expect(err).toMatchObject({ statusCode: 400, code: 'SignatureDoesNotMatch' });
    }
  });

  it('an unknown access key is a 404 InvalidAccessKeyId.NotFound', async () => {
    const c = new Dypns(new $OpenApiUtil.Config({ accessKeyId: 'nobody', accessKeySecret: 's', endpoint: emu.endpoint, protocol: 'http' }));
    const err = await thrown(() => c.getMobile(new $D.GetMobileRequest({ accessToken: 'x' })));
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ statusCode: 404, code: 'InvalidAccessKeyId.NotFound' });
  });

  function v1Params(extra: Record<string, string>): Record<string, string> {
    const params: Record<string, string> = {
      Action: 'GetMobile',
      Format: 'json',
      Version: '2017-05-25',
      Timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      SignatureNonce: randomBytes(16).toString('hex'),
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      AccessKeyId: AK.accessKeyId,
      ...extra,
    };
    params.Signature = rpcV1Signature('POST', params, AK.accessKeySecret);
    return params;
  }

  it('raw HMAC-SHA1 requests: a valid one passes (form body too), a tampered one is rejected, a replayed nonce is refused', async () => {
    const token = emu.issueCarrierToken({ phoneNumber: '13900004321', purpose: 'login' });
    const good = v1Params({ AccessToken: token });
    const tampered = { ...good, AccessToken: 'other-token' };
    const bad = await fetch(`${emu.url}?${new URLSearchParams(tampered)}`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ Code: 'SignatureDoesNotMatch', RequestId: expect.any(String) });

    const ok = await fetch(emu.url, { method: 'POST', body: new URLSearchParams(good) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ Code: 'OK', GetMobileResultDTO: { Mobile: '13900004321' } });

    const replay = await fetch(`${emu.url}?${new URLSearchParams(good)}`, { method: 'POST' });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ Code: 'SignatureNonceUsed' });
  });

  it('raw requests: stale Timestamp, missing signature and unknown action', async () => {
    const stale = v1Params({ AccessToken: 'x', Timestamp: new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') });
    const r1 = await fetch(`${emu.url}?${new URLSearchParams(stale)}`, { method: 'POST' });
    expect([r1.status, ((await r1.json()) as { Code: string }).Code]).toEqual([400, 'InvalidTimeStamp.Expired']);

    const r2 = await fetch(`${emu.url}?Action=GetMobile&AccessToken=x`);
    expect([r2.status, ((await r2.json()) as { Code: string }).Code]).toEqual([400, 'MissingSignature']);

    const r3 = await fetch(`${emu.url}?${new URLSearchParams(v1Params({ Action: 'NoSuchThing' }))}`, { method: 'POST' });
    expect([r3.status, ((await r3.json()) as { Code: string }).Code]).toEqual([404, 'InvalidAction.NotFound']);
  });

  it('a tampered ACS3-HMAC-SHA256 request is rejected', async () => {
    const token = emu.issueCarrierToken({ phoneNumber: '13900004321', purpose: 'login' });
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const headers: Record<string, string> = {
      host: emu.endpoint,
      'x-acs-action': 'GetMobile',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-acs-date': date,
      'x-acs-signature-nonce': randomBytes(32).toString('hex'),
      'x-acs-version': '2017-05-25',
    };
    const signedHeaders = Object.keys(headers).sort();
    const canonical = [
      'POST',
      '/',
      `AccessToken=${token}`,
      signedHeaders.map((h) => `${h}:${headers[h]}\n`).join(''),
      signedHeaders.join(';'),
      headers['x-acs-content-sha256'],
    ].join('\n');
    const { createHash } = await import('node:crypto');
    const sig = createHmac('sha256', AK.accessKeySecret)
      .update(`ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`)
      .digest('hex');
    const authorization = `ACS3-HMAC-SHA256 Credential=${AK.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${sig}`;
    const { host: _host, ...sendHeaders } = headers;
    const tampered = await fetch(`${emu.url}?AccessToken=someone-else`, { method: 'POST', headers: { ...sendHeaders, authorization } });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ Code: 'SignatureDoesNotMatch' });
    const genuine = await fetch(`${emu.url}?AccessToken=${token}`, { method: 'POST', headers: { ...sendHeaders, authorization } });
    expect(genuine.status).toBe(200);
    expect(await genuine.json()).toMatchObject({ Code: 'OK', GetMobileResultDTO: { Mobile: '13900004321' } });
  });
});

describe('faults', () => {
  it('5xx → ServerError', async () => {
    emu.injectFault('GetMobile', '5xx');
    const err = await thrown(() => client().getMobile(new $D.GetMobileRequest({ accessToken: 'x' })));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ statusCode: 500, code: 'SystemError' });
  });

  it('HTML 502 → SyntaxError', async () => {
    emu.injectFault('*', 'html');
    const err = await thrown(() => client({ v2: true }).getAuthToken(new $D.GetAuthTokenRequest({ url: 'https://a/', origin: 'https://a' })));
    expect(err).toBeInstanceOf(SyntaxError);
  });

  it('throttle → ThrottlingError, for `count` requests only', async () => {
    emu.injectFault('SendSmsVerifyCode', 'throttle', 2);
    const c = client();
    const req = () =>
      c.sendSmsVerifyCode(
        new $D.SendSmsVerifyCodeRequest({ phoneNumber: '13600000001', signName: 's', templateCode: 't', templateParam: '{"code":"##code##"}', interval: 0 }),
      );
    for (let i = 0; i < 2; i++) {
      const err = await thrown(req);
      expect(err).toBeInstanceOf(ThrottlingError);
      expect(err).toMatchObject({ statusCode: 400, code: 'Throttling.User' });
    }
    expect((await req()).body?.code).toBe('OK');
  });

  it('slow → RequestTimeoutError', async () => {
    emu.injectFault('GetMobile', 'slow');
    const started = Date.now();
    const err = await thrown(() => client({ timeoutMs: 300 }).getMobile(new $D.GetMobileRequest({ accessToken: 'x' })));
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('RequestTimeoutError');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('slowReply → RequestTimeoutError, though the request was handled at once (the SMS went out)', async () => {
    emu.injectFault('SendSmsVerifyCode', 'slowReply');
    const sentBefore = emu.smsSent.length;
    const err = await thrown(() =>
      client({ timeoutMs: 300 }).sendSmsVerifyCode(
        new $D.SendSmsVerifyCodeRequest({ phoneNumber: '13600000009', signName: 's', templateCode: 't', templateParam: '{"code":"##code##"}' }),
      ),
    );
    expect((err as Error).name).toBe('RequestTimeoutError');
    expect(emu.smsSent.slice(sentBefore).map((m) => m.phoneNumber)).toEqual(['13600000009']);
    // Handled, but not answered yet.
    expect(emu.requests.at(-1)).toMatchObject({ action: 'SendSmsVerifyCode', fault: 'slowReply', status: 0 });
  });

  it('per-action qps limits answer Throttling.User', async () => {
    const limited = await startDypnsEmulator({ credentials: [AK], qps: { GetAuthToken: 1 } });
    try {
      const c = new Dypns(new $OpenApiUtil.Config({ ...AK, endpoint: limited.endpoint, protocol: 'http' }));
      const req = () => c.getAuthToken(new $D.GetAuthTokenRequest({ url: 'https://a/', origin: 'https://a' }));
      const results = await Promise.allSettled([req(), req(), req()]);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ThrottlingError).length).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });
});
