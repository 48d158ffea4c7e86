import { describe, expect, it } from 'vitest';
import { androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

let authToken: string;
let sessionId: string;
let before: { version: number; state: string };

const ctx = useTestServer({}, async () => {
  authToken = await ctx.flow.authToken();
  const session = await ctx.flow.openOk(authToken, '100001');
  sessionId = session.id;
  before = { version: session.version, state: session.state };
});

function expectError(response: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  expect(response.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
}

async function expectSessionUnchanged() {
  const view = await ctx.flow.get(authToken, sessionId);
  expect(view.status).toBe(200);
  expect({ version: view.body.version, state: view.body.state }).toEqual(before);
}

describe('bad input on the session endpoints: a clear 4xx, and the session is unchanged', () => {
  const eventsPath = () => `/v1/sessions/${sessionId}/events`;

  it.each([
    ['malformed JSON', '{"type": "SWITCH_TO_SMS"', 400, 'MALFORMED_JSON'],
    ['a JSON string instead of an object', '"SWITCH_TO_SMS"', 400, 'MALFORMED_JSON'],
    ['an empty body', '', 400, 'UNKNOWN_EVENT_TYPE'],
    ['an unknown event type', '{"type":"MAKE_ME_VERIFIED"}', 400, 'UNKNOWN_EVENT_TYPE'],
    ['a server-side event type', '{"type":"CARRIER_RESULT","outcome":"ok","phoneNumber":"13800000000"}', 400, 'UNKNOWN_EVENT_TYPE'],
    ['a timer event', '{"type":"xstate.after.sessionTtl.session"}', 400, 'UNKNOWN_EVENT_TYPE'],
    ['a wrong type for a field', '{"type":"NUMBER_AUTH_TOKEN","accessToken":12345}', 400, 'VALIDATION_FAILED'],
    ['a missing field', '{"type":"NUMBER_AUTH_TOKEN"}', 400, 'VALIDATION_FAILED'],
    ['an extra field', '{"type":"SWITCH_TO_SMS","status":"verified"}', 400, 'VALIDATION_FAILED'],
    ['an invalid phone number', '{"type":"PHONE_NUMBER","phoneNumber":"12345"}', 400, 'INVALID_PHONE_NUMBER'],
    ['a code with symbols', '{"type":"SMS_CODE","code":"12;DROP"}', 400, 'VALIDATION_FAILED'],
  ])('%s', async (_name, rawBody, status, code) => {
    const response = await ctx.server.api.request('POST', eventsPath(), { rawBody, auth: { bearer: authToken } });
    expectError(response, status, code);
    await expectSessionUnchanged();
  });

  it('a huge body gets 413', async () => {
    const response = await ctx.server.api.request('POST', eventsPath(), {
      body: { type: 'NUMBER_AUTH_TOKEN', accessToken: 'x'.repeat(100_000) },
      auth: { bearer: authToken },
    });
    expectError(response, 413, 'BODY_TOO_LARGE');
    await expectSessionUnchanged();
  });

  it('an event the state does not accept gets 409', async () => {
    const response = await ctx.flow.send(authToken, sessionId, { type: 'SMS_CODE', code: '123456' });
    expectError(response, 409, 'EVENT_NOT_ACCEPTED');
    await expectSessionUnchanged();
  });

  it('no token, a forged token and a tampered token get 401', async () => {
    for (const auth of ['none', { bearer: 'not-a-token' }, { bearer: `${authToken.slice(0, -4)}AAAA` }] as const) {
      const response = await ctx.server.api.request('POST', eventsPath(), { body: { type: 'SWITCH_TO_SMS' }, auth });
      expectError(response, 401, 'AUTH_TOKEN_INVALID');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    await expectSessionUnchanged();
  });

  it("another scheme's token can neither read nor move the session: it looks like a missing one", async () => {
    const foreignToken = await ctx.flow.authToken(h5Scheme);
    expectError(await ctx.flow.get(foreignToken, sessionId), 404, 'SESSION_NOT_FOUND');
    expectError(await ctx.flow.send(foreignToken, sessionId, { type: 'SWITCH_TO_SMS' }), 404, 'SESSION_NOT_FOUND');
    expectError(await ctx.flow.get(foreignToken, 'doesNotExist123'), 404, 'SESSION_NOT_FOUND');
    await expectSessionUnchanged();
  });

  it('an expired auth token gets 401', async () => {
    const shortLived = await ctx.flow.authToken();
    ctx.server.clock.advanceSeconds(901);
    try {
      expectError(await ctx.flow.get(shortLived, sessionId), 401, 'AUTH_TOKEN_INVALID');
    } finally {
      ctx.server.clock.advanceSeconds(-901);
    }
  });

  it('a session start with bad input changes nothing', async () => {
    expectError(await ctx.flow.open(authToken, '999999'), 400, 'VALIDATION_FAILED');
    expectError(
      await ctx.server.api.post('/v1/sessions', { sceneCode: '100001', device: { emulator: 'yes' } }, { bearer: authToken }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await ctx.server.api.post('/v1/sessions', { sceneCode: '100001' }, 'none'), 401, 'AUTH_TOKEN_INVALID');
  });
});

describe('bad input on the app backend endpoints', () => {
  const identity = {
    schemeCode: androidScheme.code,
    platform: 'Android',
    packageName: androidScheme.packageName,
    packageSign: androidScheme.packageSign,
    durationSeconds: 900,
  };

  it('wrong or missing access keys get 401 with a Basic challenge', async () => {
    for (const auth of [
      'none',
      { basic: [testCredentials.accessKeyId, 'wrong-secret'] },
      { basic: ['NOSUCHKEY1', testCredentials.accessKeySecret] },
    ] as const) {
      const response = await ctx.server.api.request('POST', '/v1/fusion-auth/token', { body: identity, auth });
      expectError(response, 401, 'ACCESS_KEY_INVALID');
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
  });

  it('an app identity that is not the scheme’s gets 403', async () => {
    expectError(
      await ctx.server.api.post('/v1/fusion-auth/token', { ...identity, packageSign: 'ffffffffffffffffffffffffffffffff' }, 'accessKey'),
      403,
      'APP_IDENTITY_MISMATCH',
    );
    expectError(await ctx.server.api.post('/v1/fusion-auth/token', { ...identity, platform: 'iOS' }, 'accessKey'), 403, 'APP_IDENTITY_MISMATCH');
    expectError(await ctx.server.api.post('/v1/fusion-auth/token', { ...identity, packageName: undefined }, 'accessKey'), 403, 'APP_IDENTITY_MISMATCH');
  });

  it('an unknown scheme gets 404, a duration outside 900–43200 s gets 400', async () => {
    expectError(await ctx.server.api.post('/v1/fusion-auth/token', { ...identity, schemeCode: 'FA999999999' }, 'accessKey'), 404, 'SCHEME_NOT_FOUND');
    expectError(await ctx.server.api.post('/v1/fusion-auth/token', { ...identity, durationSeconds: 60 }, 'accessKey'), 400, 'VALIDATION_FAILED');
    expectError(await ctx.server.api.post('/v1/fusion-auth/token', { ...identity, phoneNumber: 'abc' }, 'accessKey'), 400, 'INVALID_PHONE_NUMBER');
  });

  it('an unknown verify token gets 404 and a malformed request 400', async () => {
    expectError(await ctx.flow.verify('vt_nothing'), 404, 'VERIFY_TOKEN_INVALID');
    expectError(await ctx.server.api.post('/v1/fusion-auth/verify', { verifyToken: 42 }, 'accessKey'), 400, 'VALIDATION_FAILED');
  });

  it('unknown routes get a JSON 404', async () => {
    expectError(await ctx.server.api.get('/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });
});
