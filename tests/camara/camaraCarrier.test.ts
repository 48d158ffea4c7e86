import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { numberVerificationScopes as nv, startCamaraEmulator, type CamaraEmulator } from '../emulator/camaraEmulator.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { FusionAuthFlow } from '../support/fusionAuthFlow.js';

/**
 * numberflow as a CAMARA client, end to end over HTTP: the carrier gateway is an operator's Number
 * Verification API (here the emulator), the operator's three-legged token is the carrier token, and
 * the operator's SIM Swap API feeds the phone-risk node.
 */
const hours = (h: number) => h * 3_600_000;
const consumer = { clientId: 'numberflow-consumer', clientSecret: 'numberflow-consumer-secret' };
const numbers = { settled: '+8613812345678', swapped: '+8613912345678', other: '+8613712345678' };
const swapScheme = { ...androidScheme, code: 'FA900000000140001', name: 'camara sim swap' };

let emulator: CamaraEmulator;
let server: TestServer;
let flow: FusionAuthFlow;

beforeAll(async () => {
  emulator = await startCamaraEmulator({ clients: [consumer] });
  emulator.addSubscriber({ phoneNumber: numbers.settled, activatedAt: Date.now() - hours(5000) });
  emulator.addSubscriber({ phoneNumber: numbers.swapped, activatedAt: Date.now() - hours(5000), swappedAt: Date.now() - hours(5) });
  emulator.addSubscriber({ phoneNumber: numbers.other, activatedAt: Date.now() - hours(5000) });
  server = await startTestServer({
    env: {
      CARRIER_ADAPTER: 'camara',
      CAMARA_API_ROOT: emulator.apiRoot,
      CAMARA_TOKEN_URL: emulator.tokenUrl,
      CAMARA_CLIENT_ID: consumer.clientId,
      CAMARA_CLIENT_SECRET: consumer.clientSecret,
      CARRIER_TIMEOUT_MS: '3000',
    },
  });
  flow = new FusionAuthFlow(server.api);
  expect((await server.api.post('/v1/admin/schemes', swapScheme, 'admin')).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** The operator's token after network authentication on the device: what the app hands numberflow as NUMBER_AUTH_TOKEN. */
const operatorToken = (phoneNumber: string, scopes: string[] = [nv.share, nv.verify]) => emulator.issueAccessToken({ phoneNumber, scopes });

async function traceReasons(sessionId: string): Promise<string[]> {
  const trace = await server.api.get(`/v1/admin/sessions/${sessionId}/trace`, 'admin');
  expect(trace.status).toBe(200);
  const entry = trace.body.entries.find((e: { payload?: { type?: string } }) => e.payload?.type === 'PHONE_RISK_RESULT');
  expect(entry, 'no PHONE_RISK_RESULT in the trace').toBeDefined();
  return entry.payload.reasons;
}

describe('one-click logon through the CAMARA carrier adapter', () => {
  it('logs on with the operator token and the app backend learns the number from Number Verification', async () => {
    const authToken = await flow.authToken();
    const session = await flow.openOk(authToken, '100001');
    expect(session.nextAction.type).toBe('numberAuth');
    const done = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: operatorToken(numbers.settled) });
    expect(done).toMatchObject({ status: 'verified' });
    const verify = await server.api.post('/v1/fusion-auth/verify', { verifyToken: done.verifyToken }, 'accessKey');
    expect(verify.body).toMatchObject({ verifyResult: 'PASS', phoneNumber: '13812345678', method: 'numberAuth' });
    expect(emulator.calls.some((c) => c.path === '/number-verification/v2/device-phone-number' && c.status === 200)).toBe(true);
  });

  it('an operator token the network did not stand behind proves nothing: the session falls back to SMS', async () => {
    const authToken = await flow.authToken();
    const session = await flow.openOk(authToken, '100001');
    const bySms = emulator.issueAccessToken({ phoneNumber: numbers.settled, scopes: [nv.share], authenticatedBy: 'sms' });
    const next = await flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: bySms });
    expect(next.nextAction.type).toBe('enterPhone');
    expect(emulator.calls.at(-1)).toMatchObject({ path: '/number-verification/v2/device-phone-number', status: 403 });
  });

  it('the mobile number check (scene 100005) asks the operator to verify the bound number', async () => {
    const policy = defaultPolicy('100005');
    policy.nodes.numberAuth.enabled = true;
    expect(
      (await server.api.request('PUT', `/v1/admin/schemes/${swapScheme.code}/policies/100005`, { body: { inherit: false, policy }, auth: 'admin' })).status,
    ).toBe(200);
    const check = async (token: string) => {
      const authToken = await flow.authToken(swapScheme, { phoneNumber: '13812345678' });
      const session = await flow.openOk(authToken, '100005');
      expect(session.nextAction.type).toBe('numberAuth');
      return flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: token });
    };
    expect(await check(operatorToken(numbers.settled))).toMatchObject({ status: 'verified' });
    expect((await check(operatorToken(numbers.other))).status).not.toBe('verified');
  });
});

describe('SIM Swap as a phone-risk signal', () => {
  it('refuses a SIM swap window outside 1–2400 hours in the policy', async () => {
    for (const hoursValue of [0, 2401, 1.5]) {
      const policy = defaultPolicy('100001');
      policy.nodes.phoneRisk.simSwapMaxAgeHours = hoursValue;
      const saved = await server.api.request('PUT', `/v1/admin/schemes/${swapScheme.code}/policies/100001`, {
        body: { inherit: false, policy },
        auth: 'admin',
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(400);
    }
  });

  it('a SIM swapped within the window takes the risky route after one-click and the trace says why; an older SIM passes', async () => {
    const policy = defaultPolicy('100001');
    policy.nodes.phoneRisk.simSwapMaxAgeHours = 24;
    const saved = await server.api.request('PUT', `/v1/admin/schemes/${swapScheme.code}/policies/100001`, { body: { inherit: false, policy }, auth: 'admin' });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const authToken = await flow.authToken(swapScheme);
    const risky = await flow.openOk(authToken, '100001');
    const afterToken = await flow.sendOk(authToken, risky.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: operatorToken(numbers.swapped) });
    expect(afterToken.status).toBe('pending');
    expect(afterToken.nextAction.type).toBe(policy.nodes.phoneRisk.onRisk);
    expect(await traceReasons(risky.id)).toContain("SIM swapped within the last 24h (operator's SIM Swap API)");
    expect(emulator.calls.some((c) => c.path === '/sim-swap/v2/check' && c.status === 200)).toBe(true);

    const safe = await flow.openOk(await flow.authToken(swapScheme), '100001');
    const passed = await flow.sendOk(authToken, safe.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: operatorToken(numbers.settled) });
    expect(passed.status).toBe('verified');
    expect(await traceReasons(safe.id)).toContain('no SIM swap within the last 24h');
  });
});
