import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * numberflow as a CAMARA provider over HTTP: its authorization server (discovery, CIBA and JWT-bearer
 * grants bound to a number a carrier token proved, client credentials), Number Verification v2 and
 * One Time Password SMS v1 at the specs' paths, in the specs' shapes.
 */
const ctx = useTestServer({ store: 'memory' });
const basic = `Basic ${Buffer.from(`${testCredentials.accessKeyId}:${testCredentials.accessKeySecret}`).toString('base64')}`;

async function http(method: string, path: string, init: { body?: string | URLSearchParams; headers?: Record<string, string> } = {}) {
  const response = await fetch(ctx.server.baseUrl + path, { method, headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const form = (fields: Record<string, string>, auth = basic) =>
  ({ body: new URLSearchParams(fields), headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' } }) as const;
const json = (token: string, body: unknown, correlator?: string) => ({
  body: JSON.stringify(body),
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(correlator ? { 'x-correlator': correlator } : {}) },
});

async function threeLeggedToken(phoneNumber: string, scope = 'openid number-verification:verify number-verification:device-phone-number:read') {
  const carrierToken = await ctx.flow.carrierToken(phoneNumber);
  const ciba = await http('POST', '/camara/oauth2/bc-authorize', form({ scope, login_hint: `operatortoken:${carrierToken}` }));
  expect(ciba.status, JSON.stringify(ciba.body)).toBe(200);
  const token = await http('POST', '/camara/oauth2/token', form({ grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: ciba.body.auth_req_id }));
  expect(token.status, JSON.stringify(token.body)).toBe(200);
  return token.body.access_token as string;
}

async function twoLeggedToken(scope = 'one-time-password-sms:send-validate') {
  const token = await http('POST', '/camara/oauth2/token', form({ grant_type: 'client_credentials', scope }));
  expect(token.status, JSON.stringify(token.body)).toBe(200);
  return token.body.access_token as string;
}

describe('the authorization server', () => {
  it('publishes an OpenID-shaped discovery document and its signing key', async () => {
    const discovery = await http('GET', '/camara/.well-known/openid-configuration');
    expect(discovery.body).toMatchObject({
      issuer: `${ctx.server.baseUrl}/camara`,
      token_endpoint: `${ctx.server.baseUrl}/camara/oauth2/token`,
      backchannel_authentication_endpoint: `${ctx.server.baseUrl}/camara/oauth2/bc-authorize`,
      grant_types_supported: expect.arrayContaining(['client_credentials', 'urn:openid:params:grant-type:ciba']),
    });
    const jwks = await http('GET', '/camara/oauth2/jwks');
    expect(jwks.body.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })]);
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('an auth_req_id is single use and only for its client; a carrier token proves a number once', async () => {
    const carrierToken = await ctx.flow.carrierToken('13812345678');
    const ciba = await http('POST', '/camara/oauth2/bc-authorize', form({ scope: 'openid', login_hint: `operatortoken:${carrierToken}` }));
    const exchange = () => http('POST', '/camara/oauth2/token', form({ grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: ciba.body.auth_req_id }));
    expect((await exchange()).status).toBe(200);
    expect(await exchange()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const again = await http('POST', '/camara/oauth2/bc-authorize', form({ scope: 'openid', login_hint: `operatortoken:${carrierToken}` }));
    expect(again).toMatchObject({ status: 400, body: { error: 'unknown_user_id' } });
  });

  it('refuses a wrong client, an unknown grant and an unknown scope in OAuth terms', async () => {
    const wrong = await http('POST', '/camara/oauth2/token', form({ grant_type: 'client_credentials' }, `Basic ${Buffer.from('x:y').toString('base64')}`));
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await http('POST', '/camara/oauth2/token', form({ grant_type: 'password' }))).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    expect(await http('POST', '/camara/oauth2/token', form({ grant_type: 'client_credentials', scope: 'admin' }))).toMatchObject({
      status: 400,
      body: { error: 'invalid_scope' },
    });
  });

  it('takes a JWT-bearer assertion signed with the client secret whose subject is the operator token', async () => {
    const carrierToken = await ctx.flow.carrierToken('13912345678');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(testCredentials.accessKeyId)
      .setSubject(`operatortoken:${carrierToken}`)
      .setAudience(`${ctx.server.baseUrl}/camara`)
      .setExpirationTime(Math.floor(ctx.server.clock.now() / 1000) + 60)
      .sign(new TextEncoder().encode(testCredentials.accessKeySecret));
    const token = await http(
      'POST',
      '/camara/oauth2/token',
      form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion, scope: 'number-verification:device-phone-number:read' }),
    );
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect((await http('GET', '/camara/number-verification/v2/device-phone-number', json(token.body.access_token, undefined))).body).toEqual({
      devicePhoneNumber: '+8613912345678',
    });
  });
});

describe('Number Verification v2', () => {
  it('verifies the number the carrier proved, plain or hashed, and shares it, echoing x-correlator', async () => {
    const token = await threeLeggedToken('13812345678');
    const yes = await http('POST', '/camara/number-verification/v2/verify', json(token, { phoneNumber: '+8613812345678' }, 'corr-1'));
    expect(yes).toMatchObject({ status: 200, body: { devicePhoneNumberVerified: true } });
    expect(yes.headers.get('x-correlator')).toBe('corr-1');
    expect((await http('POST', '/camara/number-verification/v2/verify', json(token, { phoneNumber: '+8613812345679' }))).body).toEqual({
      devicePhoneNumberVerified: false,
    });
    const hashed = createHash('sha256').update('+8613812345678').digest('hex');
    expect((await http('POST', '/camara/number-verification/v2/verify', json(token, { hashedPhoneNumber: hashed }))).body).toEqual({
      devicePhoneNumberVerified: true,
    });
    const shared = await http('GET', '/camara/number-verification/v2/device-phone-number', { headers: { authorization: `Bearer ${token}` } });
    expect(shared.body).toEqual({ devicePhoneNumber: '+8613812345678' });
  });

  it('answers the spec errors: 400, 401 (also once the token expired), 403 for scope and for a two-legged token, 404', async () => {
    const token = await threeLeggedToken('13812345678', 'number-verification:verify');
    expect(await http('POST', '/camara/number-verification/v2/verify', json(token, {}))).toMatchObject({
      status: 400,
      body: { status: 400, code: 'INVALID_ARGUMENT' },
    });
    expect(await http('GET', '/camara/number-verification/v2/device-phone-number', json(token, undefined))).toMatchObject({
      status: 403,
      body: { code: 'PERMISSION_DENIED' },
    });
    const twoLegged = await twoLeggedToken('number-verification:verify');
    expect(await http('POST', '/camara/number-verification/v2/verify', json(twoLegged, { phoneNumber: '+8613812345678' }))).toMatchObject({
      status: 403,
      body: { code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK' },
    });
    expect(await http('POST', '/camara/number-verification/v2/verify', json('not-a-token', { phoneNumber: '+8613812345678' }))).toMatchObject({
      status: 401,
      body: { status: 401, code: 'UNAUTHENTICATED' },
    });
    expect(await http('POST', '/camara/number-verification/v2/nothing', json(token, {}))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    ctx.server.clock.advanceSeconds(3_601);
    expect(await http('POST', '/camara/number-verification/v2/verify', json(token, { phoneNumber: '+8613812345678' }))).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('One Time Password SMS v1', () => {
  const sendCode = (token: string, phoneNumber: string, message = '{{code}} is your code') =>
    http('POST', '/camara/one-time-password-sms/v1/send-code', json(token, { phoneNumber, message }, 'otp-corr'));
  const validate = (token: string, authenticationId: string, code: string) =>
    http('POST', '/camara/one-time-password-sms/v1/validate-code', json(token, { authenticationId, code }));

  it('sends a code in the given message and validates it once (204)', async () => {
    const token = await twoLeggedToken();
    const sent = await sendCode(token, '+8613700000001');
    expect(sent).toMatchObject({ status: 200, body: { authenticationId: expect.any(String) } });
    expect(sent.headers.get('x-correlator')).toBe('otp-corr');
    const code = await ctx.flow.latestSmsCode('13700000001');
    expect((await ctx.flow.smsMessages('13700000001')).at(-1)?.text).toBe(`${code} is your code`);
    expect(await validate(token, sent.body.authenticationId, code)).toMatchObject({ status: 204 });
    expect(await validate(token, sent.body.authenticationId, code)).toMatchObject({
      status: 400,
      body: { code: 'ONE_TIME_PASSWORD_SMS.VERIFICATION_EXPIRED' },
    });
  });

  it('a wrong code, the last wrong try, a newer send or an unknown id: the spec errors', async () => {
    const token = await twoLeggedToken();
    const first = await sendCode(token, '+8613700000002');
    ctx.server.clock.advanceSeconds(31);
    const second = await sendCode(token, '+8613700000002');
    const code = await ctx.flow.latestSmsCode('13700000002');
    expect(await validate(token, first.body.authenticationId, code)).toMatchObject({
      status: 400,
      body: { code: 'ONE_TIME_PASSWORD_SMS.VERIFICATION_EXPIRED' },
    });
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await validate(token, second.body.authenticationId, wrong)).toMatchObject({ status: 400, body: { code: 'ONE_TIME_PASSWORD_SMS.INVALID_OTP' } });
    expect(await validate(token, second.body.authenticationId, wrong)).toMatchObject({ body: { code: 'ONE_TIME_PASSWORD_SMS.INVALID_OTP' } });
    expect(await validate(token, second.body.authenticationId, wrong)).toMatchObject({ body: { code: 'ONE_TIME_PASSWORD_SMS.VERIFICATION_FAILED' } });
    expect(await validate(token, second.body.authenticationId, code)).toMatchObject({ body: { code: 'ONE_TIME_PASSWORD_SMS.VERIFICATION_FAILED' } });
    expect(await validate(token, 'ea0840f3-3663-4149-bd10-c7c6b8912105', code)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('refuses what the spec refuses: a message without {{code}}, a landline, a number of another country, a code sent too soon', async () => {
    const token = await twoLeggedToken();
    expect(await sendCode(token, '+8613700000003', 'no code here')).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT' } });
    expect(await sendCode(token, '+861065529988')).toMatchObject({ status: 403, body: { code: 'ONE_TIME_PASSWORD_SMS.PHONE_NUMBER_NOT_ALLOWED' } });
    expect(await sendCode(token, '+447700900123')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await sendCode(token, '+8613700000003')).status).toBe(200);
    const soon = await sendCode(token, '+8613700000003');
    expect(soon).toMatchObject({ status: 429, body: { status: 429, code: 'TOO_MANY_REQUESTS' } });
    expect(Number(soon.headers.get('retry-after'))).toBeGreaterThan(0);
    const noScope = await twoLeggedToken('openid');
    expect(await sendCode(noScope, '+8613700000004')).toMatchObject({ status: 403, body: { code: 'PERMISSION_DENIED' } });
  });
});
