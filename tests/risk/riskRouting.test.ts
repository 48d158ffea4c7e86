import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer, type TestServerContext } from '../support/useTestServer.js';

/**
 * The risk nodes over HTTP: device signals, frequency rules and the scheme's phone lists route a
 * session where its policy says, and the trace shows why.
 */
const scheme = (n: number) => ({ ...androidScheme, code: `FA9000000004000${n}`, name: `risk routing ${n}` });
const schemes = { captcha: scheme(1), block: scheme(2), rule: scheme(3), lists: scheme(4), change: scheme(5) };

const ctx: TestServerContext = useTestServer({}, async () => {
  for (const s of Object.values(schemes)) expect((await ctx.server.api.post('/v1/admin/schemes', s, 'admin')).status).toBe(201);
  await setPolicy(schemes.captcha.code, (p) => {
    p.nodes.captcha = { enabled: true, difficulty: 'easy', maxTries: 2 };
    p.nodes.endpointRisk.onRisk = 'captcha';
  });
  await setPolicy(schemes.block.code, (p) => (p.nodes.endpointRisk.onRisk = 'block'));
  await setPolicy(schemes.rule.code, (p) => (p.nodes.endpointRisk.rules = [{ dimension: 'device', windowSeconds: 60, maxCount: 2 }]));
  await setPolicy(schemes.lists.code, (p) => {
    p.nodes.numberAuth.enabled = false;
    p.nodes.phoneRisk.threshold = 40;
  });
});

async function setPolicy(schemeCode: string, change: (policy: Policy) => void) {
  const policy = defaultPolicy('100001');
  change(policy);
  await ctx.server.numberflow.services.policies.setSchemePolicy(schemeCode, policy, '100001');
}

const putLists = (path: string, body: unknown) => ctx.server.api.request('PUT', path, { body, auth: 'admin' });

async function reasons(sessionId: string, type: string): Promise<string[]> {
  const trace = await ctx.server.api.get(`/v1/admin/sessions/${sessionId}/trace`, 'admin');
  expect(trace.status).toBe(200);
  const entry = trace.body.entries.find((e: { payload?: { type?: string } }) => e.payload?.type === type);
  expect(entry, `no ${type} in the trace`).toBeDefined();
  return entry.payload.reasons;
}

/** Opens a session of scene 100001 (number auth off) and enters a number: the phone-risk node assesses it. */
async function enterNumber(phoneNumber: string) {
  const authToken = await ctx.flow.authToken(schemes.lists);
  const session = await ctx.flow.openOk(authToken, '100001', { deviceId: `lists-${phoneNumber}` });
  expect(session.nextAction.type).toBe('enterPhone');
  return ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber });
}

describe('endpoint risk routes a risky device per policy', () => {
  it('an emulator with a foreign package name must solve a CAPTCHA; the trace says why', async () => {
    const authToken = await ctx.flow.authToken(schemes.captcha);
    const session = await ctx.flow.openOk(authToken, '100001', { emulator: true, packageName: 'com.evil.app' });
    expect(session.nextAction.type).toBe('captcha');
    expect(await reasons(session.id, 'ENDPOINT_RISK_RESULT')).toEqual(['emulator +60', 'package name differs from scheme +40', 'score 100 > threshold 70']);
  });

  it('with onRisk block a hooked, rooted device fails at once; a clean one goes to number auth', async () => {
    const authToken = await ctx.flow.authToken(schemes.block);
    const blocked = await ctx.flow.openOk(authToken, '100001', { hooked: true, rooted: true });
    expect(blocked).toMatchObject({ status: 'failed', failureReason: 'blocked', nextAction: { type: 'none' } });
    expect(await reasons(blocked.id, 'ENDPOINT_RISK_RESULT')).toEqual(['hooking framework +60', 'rooted or jailbroken +30', 'score 90 > threshold 70']);
    const clean = await ctx.flow.openOk(authToken, '100001', { packageName: androidScheme.packageName, simOperator: '46000' });
    expect(clean.nextAction.type).toBe('numberAuth');
  });

  it('rule device>2/60s: the third session from one device goes to uplink SMS', async () => {
    const authToken = await ctx.flow.authToken(schemes.rule);
    const device = { deviceId: 'rule-device-1' };
    expect((await ctx.flow.openOk(authToken, '100001', device)).nextAction.type).toBe('numberAuth');
    expect((await ctx.flow.openOk(authToken, '100001', device)).nextAction.type).toBe('numberAuth');
    const third = await ctx.flow.openOk(authToken, '100001', device);
    expect(third.nextAction.type).toBe('uplinkSms');
    expect(await reasons(third.id, 'ENDPOINT_RISK_RESULT')).toContain('rule device>2/60s hit (3)');
    // Another device is not affected.
    expect((await ctx.flow.openOk(authToken, '100001', { deviceId: 'rule-device-2' })).nextAction.type).toBe('numberAuth');
  });

  it('a changed policy changes the route of the same device', async () => {
    const device = { rooted: true, simOperator: '31026', deviceId: 'change-1' }; // 30 + 20 = 50
    const authToken = await ctx.flow.authToken(schemes.change);
    expect((await ctx.flow.openOk(authToken, '100001', device)).nextAction.type).toBe('numberAuth');
    await setPolicy(schemes.change.code, (p) => (p.nodes.endpointRisk.threshold = 40));
    const after = await ctx.flow.openOk(authToken, '100001', device);
    expect(after.nextAction.type).toBe('uplinkSms');
    expect(await reasons(after.id, 'ENDPOINT_RISK_RESULT')).toEqual([
      'rooted or jailbroken +30',
      'SIM operator 31026 not a mainland carrier +20',
      'score 50 > threshold 40',
    ]);
  });
});

describe("phone risk and the scheme's phone lists", () => {
  it('admin routes: PUT and GET the lists; validation, unknown scheme and admin token', async () => {
    const path = `/v1/admin/schemes/${schemes.lists.code}/phone-lists`;
    expect((await ctx.server.api.get(path, 'admin')).body).toEqual({ schemeCode: schemes.lists.code, deny: [], allow: [] });
    const put = await putLists(path, { deny: ['+8613812340000', '13812340000', '1441'], allow: ['170'] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ schemeCode: schemes.lists.code, deny: ['13812340000', '1441'], allow: ['170'] });
    expect((await ctx.server.api.get(path, 'admin')).body).toEqual(put.body);

    const bad = await putLists(path, { deny: ['abc'], allow: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await putLists(path, { deny: [] })).status).toBe(400);
    expect((await ctx.server.api.get('/v1/admin/schemes/FA999999999999/phone-lists', 'admin')).body.error.code).toBe('SCHEME_NOT_FOUND');
    expect((await ctx.server.api.get('/v1/admin/schemes/nope/phone-lists', 'admin')).status).toBe(404);
    expect((await ctx.server.api.get(path, 'none')).status).toBe(401);
  });

  it('a deny-listed number is answered like any other, but gets no SMS; the trace says why', async () => {
    const denied = await enterNumber('13812340000');
    const clean = await enterNumber('13812340001');
    expect(denied.nextAction.type).toBe('smsCode');
    expect(Object.keys(denied.nextAction).sort()).toEqual(Object.keys(clean.nextAction).sort());
    expect(await ctx.flow.smsMessages('13812340000')).toEqual([]);
    expect(await ctx.flow.smsMessages('13812340001')).toHaveLength(1);
    expect(await reasons(denied.id, 'PHONE_RISK_RESULT')).toEqual(["number on the scheme's deny list: its SMS will be suppressed, the client is not told"]);
    const trace = await ctx.server.api.get(`/v1/admin/sessions/${denied.id}/trace`, 'admin');
    expect(trace.body.entries.map((e: { payload: Record<string, unknown> }) => e.payload)).toContainEqual(
      expect.objectContaining({ type: 'SMS_SENT', suppressed: 'denyList' }),
    );
  });

  it('an allow-listed virtual-range number goes on to the SMS code; another virtual number does not', async () => {
    const allowed = await enterNumber('17012345678');
    expect(allowed.nextAction.type).toBe('smsCode');
    expect(await reasons(allowed.id, 'PHONE_RISK_RESULT')).toEqual([
      "number on the scheme's allow list (170)",
      'ignored: virtual operator range 170 +50',
      'score 0 ≤ threshold 40',
    ]);
    const virtual = await enterNumber('17112345678');
    expect(virtual.nextAction.type).toBe('uplinkSms');
    expect(await reasons(virtual.id, 'PHONE_RISK_RESULT')).toEqual(['virtual operator range 171 +50', 'score 55 > threshold 40']);
  });
});
