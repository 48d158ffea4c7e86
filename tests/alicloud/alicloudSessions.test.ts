import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alicloudAdapterEnvironment, startDypnsEmulator } from '../emulator/dypnsEmulator.js';
import { FusionAuthFlow, androidScheme } from '../support/fusionAuthFlow.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const credentials = { accessKeyId: 'LTAI5tEmulatorKey0001', accessKeySecret: 'emulator-secret-0123456789abcdef' };
let emulator: Awaited<ReturnType<typeof startDypnsEmulator>>;
let server: TestServer;
let flow: FusionAuthFlow;

beforeAll(async () => {
  emulator = await startDypnsEmulator({ credentials: [credentials] });
  server = await startTestServer({
    env: {
      ...alicloudAdapterEnvironment(emulator, credentials),
    },
  });
  flow = new FusionAuthFlow(server.api);
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe('sessions through the Alibaba Cloud adapters (against the local emulator of the vendor endpoint)', () => {
  it('one-click: the carrier token goes to GetMobile, the session is verified with its number', async () => {
    const authToken = await flow.authToken();
    const session = await flow.openOk(authToken, '100001');
    const accessToken = await emulator.issueCarrierToken({ phoneNumber: '13900000801', purpose: 'login' });
    const done = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
    expect(done.status).toBe('verified');
    expect((await flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber: '13900000801', method: 'numberAuth' });
    expect(emulator.requests.some((r) => r.action === 'GetMobile' && r.status === 200)).toBe(true);
  });

  it('a vendor error follows the policy to SMS, sent and checked by SendSmsVerifyCode / CheckSmsVerifyCode', async () => {
    const authToken = await flow.authToken(androidScheme);
    const session = await flow.openOk(authToken, '100001');
    emulator.injectFault('GetMobile', '5xx');
    const fallback = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: 'whatever' });
    expect(fallback.nextAction.type).toBe('enterPhone');
    const waiting = await flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13900000802' });
    expect(waiting.nextAction.type).toBe('smsCode');
    const sent = emulator.smsSent.filter((m) => m.phoneNumber === '13900000802').at(-1)!;
    expect(sent.code).toMatch(/^\d{6}$/);
    expect((await flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: '000000' === sent.code ? '111111' : '000000' })).nextAction.lastResult).toBe(
      'WRONG',
    );
    const done = await flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: sent.code! });
    expect(done.status).toBe('verified');
    // The trace keeps the vendor's code of the carrier failure for audit.
    const trace = await server.api.get(`/v1/admin/sessions/${session.id}/trace`, 'admin');
    expect(JSON.stringify(trace.body)).toContain('SystemError');
    // …and the vendor's BizId of the send.
    expect(
      trace.body.entries.some((e: { payload: { type?: string; bizId?: string } }) => e.payload.type === 'SMS_SENT' && e.payload.bizId === sent.bizId),
    ).toBe(true);
  });

  it('the simulator endpoints are not served while real adapters are active', async () => {
    expect((await server.api.post('/v1/simulator/carrier-token', { phoneNumber: '13900000803' })).status).toBe(404);
  });
});
