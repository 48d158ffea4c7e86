import * as $D from '@alicloud/dypnsapi20170525';
import { ClientError, ServerError } from '@alicloud/openapi-core';
import { describe, expect, it } from 'vitest';
import type { DypnsClient } from '../../adapters/alicloud/dypnsClient.js';
import { dypnsClient, thrown } from '../support/dypnsSdk.js';
import { androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * The vendor-compatible endpoint at `/`, with the official SDK (`@alicloud/dypnsapi20170525`)
 * as its client, configured as an app backend written for Alibaba Cloud would be, only with
 * numberflow's address and access key.
 */
const ctx = useTestServer();
const operatorKey = { accessKeyId: testCredentials.accessKeyId, accessKeySecret: testCredentials.accessKeySecret };
const endpoint = () => ctx.server.baseUrl.replace('http://', '');
const sdk = (options: { v2?: boolean; key?: { accessKeyId: string; accessKeySecret: string } } = {}): DypnsClient =>
  dypnsClient({ ...(options.key ?? operatorKey), endpoint: endpoint(), ...(options.v2 ? { v2: true } : {}) });

const templateParam = JSON.stringify({ code: '##code##', min: '5' });

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['HMAC-SHA1', true],
] as const)('every verification action, signed with %s', (_signature, v2) => {
  it('GetMobile: a carrier token → the number; a used one → isv.TOKEN_INVALID in a 200', async () => {
    const accessToken = await ctx.flow.carrierToken('13900100001');
    const first = await sdk({ v2 }).getMobile(new $D.GetMobileRequest({ accessToken, outId: 'o-1' }));
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatchObject({ code: 'OK', getMobileResultDTO: { mobile: '13900100001' } });
    expect(first.body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const again = await sdk({ v2 }).getMobile(new $D.GetMobileRequest({ accessToken }));
    expect(again.statusCode).toBe(200);
    expect(again.body?.code).toBe('isv.TOKEN_INVALID');
    expect(again.body?.getMobileResultDTO).toBeUndefined();
  });

  it('VerifyMobile: PASS for its number, REJECT for another; a malformed number → isv.MOBILE_NUMBER_ILLEGAL', async () => {
    const pass = await sdk({ v2 }).verifyMobile(
      new $D.VerifyMobileRequest({ accessCode: await ctx.flow.carrierToken('13900100002'), phoneNumber: '13900100002', outId: 'o-2' }),
    );
    expect(pass.body).toMatchObject({ code: 'OK', gateVerifyResultDTO: { verifyResult: 'PASS' } });
    expect(pass.body?.gateVerifyResultDTO?.verifyId).toBeTruthy();
    const reject = await sdk({ v2 }).verifyMobile(
      new $D.VerifyMobileRequest({ accessCode: await ctx.flow.carrierToken('13900100002'), phoneNumber: '13900100003' }),
    );
    expect(reject.body).toMatchObject({ code: 'OK', gateVerifyResultDTO: { verifyResult: 'REJECT' } });
    const illegal = await sdk({ v2 }).verifyMobile(new $D.VerifyMobileRequest({ accessCode: 'x', phoneNumber: '12' }));
    expect(illegal.body?.code).toBe('isv.MOBILE_NUMBER_ILLEGAL');
  });

  it('a carrier that fails → ServerError 503; a missing parameter → ClientError Missing<Name>', async () => {
    const accessToken = await ctx.flow.carrierToken('13900100004', 'error');
    const error = await thrown(() => sdk({ v2 }).getMobile(new $D.GetMobileRequest({ accessToken })));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'ServiceUnavailable', statusCode: 503 });
    const missing = await thrown(() => sdk({ v2 }).getMobile(new $D.GetMobileRequest({})));
    expect(missing).toBeInstanceOf(ClientError);
    expect(missing).toMatchObject({ code: 'MissingAccessToken', statusCode: 400 });
  });

  it('SendSmsVerifyCode then CheckSmsVerifyCode: the code arrives, a wrong one is isv.ValidateFail (400), the right one PASS', async () => {
    const phoneNumber = v2 ? '13900100011' : '13900100012';
    const sent = await sdk({ v2 }).sendSmsVerifyCode(
      new $D.SendSmsVerifyCodeRequest({ phoneNumber, signName: '速通互联验证码', templateCode: '100001', templateParam, codeLength: 6, outId: 'send-1' }),
    );
    expect(sent.body).toMatchObject({ code: 'OK', success: true, model: { outId: 'send-1' } });
    expect(sent.body?.model?.bizId).toBeTruthy();
    expect(sent.body?.model?.verifyCode).toBeUndefined();
    const code = await ctx.flow.latestSmsCode(phoneNumber);
    expect(code).toMatch(/^\d{6}$/);
    // The complimentary template, filled as the vendor fills it: the code for ${code}, TemplateParam's min for ${min}.
    expect((await ctx.flow.smsMessages(phoneNumber)).at(-1)?.text).toBe(
      `【速通互联验证码】您的验证码为${code}。尊敬的客户，以上验证码5分钟内有效，请注意保密，切勿告知他人。`,
    );
    const wrong = await thrown(() =>
      sdk({ v2 }).checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest({ phoneNumber, verifyCode: code === '000000' ? '111111' : '000000' })),
    );
    expect(wrong).toBeInstanceOf(ClientError);
    expect(wrong).toMatchObject({ code: 'isv.ValidateFail', statusCode: 400 });
    const other = await thrown(() =>
      sdk({ v2 }).checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest({ phoneNumber, verifyCode: code, schemeName: 'another' })),
    );
    expect(other).toMatchObject({ code: 'isv.ValidateFail' });
    const pass = await sdk({ v2 }).checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest({ phoneNumber, verifyCode: code, outId: 'check-1' }));
    expect(pass.body).toMatchObject({ code: 'OK', success: true, model: { verifyResult: 'PASS', outId: 'check-1' } });
    const reused = await thrown(() => sdk({ v2 }).checkSmsVerifyCode(new $D.CheckSmsVerifyCodeRequest({ phoneNumber, verifyCode: code })));
    expect(reused).toMatchObject({ code: 'isv.ValidateFail' });
  });
});

describe('SendSmsVerifyCode renders the SMS templates of the console', () => {
  it('a template and signature made by an operator: SignName, TemplateCode and TemplateParam fill it; an unknown one is isv.INVALID_PARAMETERS', async () => {
    const signature = await ctx.server.api.post('/v1/admin/sms/signatures', { name: '数流商城' }, 'admin');
    expect(signature.status).toBe(201);
    const template = await ctx.server.api.post(
      '/v1/admin/sms/templates',
      { name: 'shop login', content: 'Your shop code is ${code}, valid for ${min} minutes.' },
      'admin',
    );
    expect(template.status).toBe(201);
    const templateCode: string = template.body.code;
    const phoneNumber = '13900100031';
    const sent = await sdk().sendSmsVerifyCode(
      new $D.SendSmsVerifyCodeRequest({
        phoneNumber,
        signName: '数流商城',
        templateCode,
        templateParam: JSON.stringify({ code: '##code##', min: '3' }),
        validTime: 180,
      }),
    );
    expect(sent.body).toMatchObject({ code: 'OK', success: true });
    const code = await ctx.flow.latestSmsCode(phoneNumber);
    expect((await ctx.flow.smsMessages(phoneNumber)).at(-1)?.text).toBe(`【数流商城】Your shop code is ${code}, valid for 3 minutes.`);
    // Without min in TemplateParam, ${min} is the code's validity (ValidTime, in minutes).
    const other = '13900100032';
    await sdk({ v2: true }).sendSmsVerifyCode(
      new $D.SendSmsVerifyCodeRequest({
        phoneNumber: other,
        signName: '数流商城',
        templateCode,
        templateParam: JSON.stringify({ code: '##code##' }),
        validTime: 120,
      }),
    );
    expect((await ctx.flow.smsMessages(other)).at(-1)?.text).toMatch(/^【数流商城】Your shop code is \d{4}, valid for 2 minutes\.$/);

    for (const names of [
      { signName: 'Numberflow Demo', templateCode: '100001' },
      { signName: '速通互联验证码', templateCode: 'SMS_000000001' },
    ]) {
      const unknown = await sdk().sendSmsVerifyCode(new $D.SendSmsVerifyCodeRequest({ phoneNumber: '13900100033', ...names, templateParam }));
      expect(unknown.statusCode).toBe(200);
      expect(unknown.body).toMatchObject({ code: 'isv.INVALID_PARAMETERS', message: '签名或者模版无效', success: false });
    }
    expect(await ctx.flow.smsMessages('13900100033')).toEqual([]);
    // The code must go where the template names it.
    const misplaced = await thrown(() =>
      sdk().sendSmsVerifyCode(
        new $D.SendSmsVerifyCodeRequest({ phoneNumber: '13900100033', signName: '数流商城', templateCode, templateParam: JSON.stringify({ otp: '##code##' }) }),
      ),
    );
    expect(misplaced).toMatchObject({ code: 'InvalidParameters', statusCode: 400 });
  });
});

describe('Fusion-Auth through the SDK', () => {
  it('GetFusionAuthToken → a client session → VerifyWithFusionAuthToken → the number; the verify token works once', async () => {
    const token = await sdk().getFusionAuthToken(
      new $D.GetFusionAuthTokenRequest({
        schemeCode: androidScheme.code,
        platform: 'Android',
        packageName: androidScheme.packageName,
        packageSign: androidScheme.packageSign,
        durationSeconds: 900,
      }),
    );
    expect(token.body).toMatchObject({ code: 'OK', success: true });
    const authToken = token.body!.model!;
    expect(authToken.length).toBeGreaterThan(20);

    const session = await ctx.flow.openOk(authToken, '100001');
    expect(session.nextAction.type).toBe('numberAuth');
    const accessToken = await ctx.flow.carrierToken('13900100021');
    const verified = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(verified.status).toBe('verified');

    const result = await sdk().verifyWithFusionAuthToken(new $D.VerifyWithFusionAuthTokenRequest({ verifyToken: verified.verifyToken }));
    expect(result.body).toMatchObject({ code: 'OK', success: true, model: { verifyResult: 'PASS', phoneNumber: '13900100021' } });
    const again = await sdk({ v2: true }).verifyWithFusionAuthToken(new $D.VerifyWithFusionAuthTokenRequest({ verifyToken: verified.verifyToken }));
    expect(again.body).toMatchObject({ code: 'OK', model: { verifyResult: 'UNKNOWN' } });
    expect(again.body?.model?.phoneNumber).toBeUndefined();
  });

  it('an iOS scheme by bundle id; an unknown scheme → VerifySchemeNotExist; another app → PackageSignedConflict; a bad duration → InvalidParameters', async () => {
    const ios = await sdk().getFusionAuthToken(
      new $D.GetFusionAuthTokenRequest({ schemeCode: 'FA000000000000002', platform: 'iOS', bundleId: 'com.example.numberflow', durationSeconds: 3600 }),
    );
    expect(ios.body?.code).toBe('OK');
    const base = {
      schemeCode: androidScheme.code,
      platform: 'Android',
      packageName: androidScheme.packageName,
      packageSign: androidScheme.packageSign,
      durationSeconds: 900,
    };
    expect(await thrown(() => sdk().getFusionAuthToken(new $D.GetFusionAuthTokenRequest({ ...base, schemeCode: 'FA999999999999' })))).toMatchObject({
      code: 'VerifySchemeNotExist',
      statusCode: 400,
    });
    expect(await thrown(() => sdk().getFusionAuthToken(new $D.GetFusionAuthTokenRequest({ ...base, packageSign: 'f'.repeat(32) })))).toMatchObject({
      code: 'PackageSignedConflict',
      statusCode: 400,
    });
    expect(await thrown(() => sdk().getFusionAuthToken(new $D.GetFusionAuthTokenRequest({ ...base, durationSeconds: 60 })))).toMatchObject({
      code: 'InvalidParameters',
      statusCode: 400,
    });
    expect(await thrown(() => sdk().getFusionAuthToken(new $D.GetFusionAuthTokenRequest({ ...base, platform: 'Symbian' })))).toMatchObject({
      code: 'InvalidParameters',
    });
  });
});

describe('H5 through the SDK', () => {
  it('GetAuthToken for the H5 scheme opens client sessions; GetPhoneWithToken and VerifyPhoneWithToken exchange carrier tokens', async () => {
    const tokens = await sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: h5Scheme.origin }));
    expect(tokens.body?.code).toBe('OK');
    const { accessToken, jwtToken } = tokens.body!.tokenInfo!;
    expect(accessToken).toBeTruthy();
    expect(jwtToken).toBeTruthy();
    expect(accessToken).not.toBe(jwtToken);
    for (const token of [accessToken!, jwtToken!]) {
      const session = await ctx.flow.openOk(token, '100001');
      expect(session).toMatchObject({ schemeCode: h5Scheme.code });
    }

    const phone = await sdk().getPhoneWithToken(new $D.GetPhoneWithTokenRequest({ spToken: await ctx.flow.carrierToken('18900100031', 'ok', 'telecom') }));
    expect(phone.body).toMatchObject({ code: 'OK', data: { mobile: '18900100031' } });
    const check = await sdk().verifyPhoneWithToken(
      new $D.VerifyPhoneWithTokenRequest({ spToken: await ctx.flow.carrierToken('18900100031', 'ok', 'telecom'), phoneNumber: '18900100031' }),
    );
    expect(check.body).toMatchObject({ code: 'OK', gateVerify: { verifyResult: 'PASS' } });
    expect(check.body?.gateVerify?.verifyId).toBeTruthy();
  });

  it('GetAuthToken with a SceneCode: one of our scheme codes picks that scheme; another code leaves it to Url and Origin', async () => {
    const byCode = await sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: h5Scheme.origin, sceneCode: h5Scheme.code }));
    expect(byCode.body?.code).toBe('OK');
    const vendorCode = await sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: h5Scheme.origin, sceneCode: 'FC100000012345678' }));
    expect(vendorCode.body?.code).toBe('OK');
    expect(
      await thrown(() => sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: h5Scheme.origin, sceneCode: androidScheme.code }))),
    ).toMatchObject({
      code: 'VerifySchemeNotExist',
    });
  });

  it('GetAuthToken refuses a URL without its trailing slash, and an origin no scheme has', async () => {
    expect(await thrown(() => sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url!.slice(0, -1), origin: h5Scheme.origin })))).toMatchObject({
      code: 'InvalidParameters',
      statusCode: 400,
    });
    expect(await thrown(() => sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: 'https://evil.example' })))).toMatchObject({
      code: 'VerifySchemeNotExist',
    });
  });
});

describe('scheme management through the SDK', () => {
  it('CreateSchemeConfig, CreateVerifyScheme, DescribeVerifyScheme, DeleteVerifyScheme map onto numberflow schemes', async () => {
    const created = await sdk().createSchemeConfig(
      new $D.CreateSchemeConfigRequest({
        schemeName: 'Shop app',
        platform: 'Android',
        appName: 'Shop',
        androidPackageName: 'com.example.shop',
        androidPackageSign: 'a'.repeat(32),
      }),
    );
    expect(created.body).toMatchObject({ code: 'OK', success: true });
    const code = created.body!.model!.schemeCode!;
    expect(code).toMatch(/^FA\d+$/);
    const stored = await ctx.server.api.get(`/v1/admin/schemes/${code}`, 'admin');
    expect(stored.body).toMatchObject({ name: 'Shop app', platform: 'Android', packageName: 'com.example.shop', appName: 'Shop' });

    const ios = await sdk({ v2: true }).createVerifyScheme(
      new $D.CreateVerifySchemeRequest({ schemeName: 'Shop iOS', appName: 'Shop', osType: 'iOS', bundleId: 'com.example.shop' }),
    );
    expect(ios.body).toMatchObject({ code: 'OK', success: true });
    const iosCode = ios.body!.gateVerifySchemeDTO!.schemeCode!;
    const described = await sdk().describeVerifyScheme(new $D.DescribeVerifySchemeRequest({ schemeCode: iosCode }));
    expect(described.body?.code).toBe('OK');
    expect(JSON.parse(Buffer.from(described.body!.schemeQueryResultDTO!.appEncryptInfo!, 'base64').toString())).toMatchObject({
      schemeCode: iosCode,
      platform: 'iOS',
      bundleId: 'com.example.shop',
    });

    const deleted = await sdk().deleteVerifyScheme(new $D.DeleteVerifySchemeRequest({ schemeCode: iosCode }));
    expect(deleted.body).toMatchObject({ code: 'OK', result: true });
    expect((await ctx.server.api.get(`/v1/admin/schemes/${iosCode}`, 'admin')).status).toBe(404);
    expect(await thrown(() => sdk().deleteVerifyScheme(new $D.DeleteVerifySchemeRequest({ schemeCode: iosCode })))).toMatchObject({
      code: 'VerifySchemeNotExist',
    });
  });

  it('a scheme with an invalid identity is refused with InvalidParameters and not created', async () => {
    const before = (await ctx.server.api.get('/v1/admin/schemes', 'admin')).body.schemes.length;
    const error = await thrown(() =>
      sdk().createSchemeConfig(
        new $D.CreateSchemeConfigRequest({ schemeName: 'Broken', platform: 'Android', androidPackageName: 'com.example.broken', androidPackageSign: 'short' }),
      ),
    );
    expect(error).toMatchObject({ code: 'InvalidParameters', statusCode: 400 });
    expect((await ctx.server.api.get('/v1/admin/schemes', 'admin')).body.schemes.length).toBe(before);
  });

  it('an access key without the scheme permission may verify but not manage schemes (403 UnauthorizedOperation)', async () => {
    const created = await ctx.server.api.post('/v1/admin/access-keys', { description: 'app backend' }, 'admin');
    expect(created.body).toMatchObject({ manageSchemes: false });
    const key = { accessKeyId: created.body.id, accessKeySecret: created.body.secret };
    const accessToken = await ctx.flow.carrierToken('13900100041');
    expect((await sdk({ key }).getMobile(new $D.GetMobileRequest({ accessToken }))).body?.code).toBe('OK');
    const error = await thrown(() =>
      sdk({ key }).createSchemeConfig(new $D.CreateSchemeConfigRequest({ schemeName: 'Sneaky', platform: 'iOS', iosBundleId: 'com.example.sneaky' })),
    );
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'UnauthorizedOperation', statusCode: 403 });
  });
});
