import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

function admin(method: string, path: string, body?: unknown) {
  return ctx.server.api.request(method, path, { auth: 'admin', ...(body !== undefined ? { body } : {}) });
}

async function newScheme(code: string) {
  const created = await ctx.server.api.post('/v1/admin/schemes', { ...androidScheme, code, name: 'pinning' }, 'admin');
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { ...androidScheme, code };
}

/** Bind-new-number (100004): enter a number, get an SMS code, send it. Returns the step that asked for the code, the code and the end. */
async function finishBySms(authToken: string, sessionId: string, phoneNumber: string) {
  const asked = await ctx.flow.sendOk(authToken, sessionId, { type: 'PHONE_NUMBER', phoneNumber });
  const code = await ctx.flow.latestSmsCode(phoneNumber);
  const done = await ctx.flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code });
  return { asked, code, done };
}

async function sessionPolicyVersion(sessionId: string): Promise<string> {
  const response = await admin('GET', `/v1/admin/sessions/${sessionId}`);
  expect(response.status).toBe(200);
  return response.body.policyVersion as string;
}

describe('a session is pinned to the policy version it started with', () => {
  it('a scheme policy change (SMS code length 6 → 8): the session started before finishes with 6 digits, one started after gets 8', async () => {
    const scheme = await newScheme('FA666000000000001');
    const path = `/v1/admin/schemes/${scheme.code}/policies/100004`;
    expect((await admin('PUT', path, { inherit: false })).status).toBe(200);
    const authToken = await ctx.flow.authToken(scheme);

    const before = await ctx.flow.openOk(authToken, '100004');
    expect(before.nextAction.type).toBe('enterPhone');
    const changed = await admin('PATCH', path, { nodes: { smsCode: { codeLength: 8 } } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const after = await ctx.flow.openOk(authToken, '100004');

    const old = await finishBySms(authToken, before.id, '13500000001');
    expect(old.asked.nextAction).toMatchObject({ type: 'smsCode', codeLength: 6 });
    expect(old.code).toMatch(/^\d{6}$/);
    expect(old.done.status).toBe('verified');

    const fresh = await finishBySms(authToken, after.id, '13500000002');
    expect(fresh.asked.nextAction).toMatchObject({ type: 'smsCode', codeLength: 8 });
    expect(fresh.code).toMatch(/^\d{8}$/);
    expect(fresh.done.status).toBe('verified');

    const versions = (await admin('GET', `${path}/versions`)).body.versions;
    expect(await sessionPolicyVersion(before.id)).toBe(versions[0].policyVersion);
    expect(await sessionPolicyVersion(after.id)).toBe(versions[1].policyVersion);
  });

  it('a global change and its rollback reach the inheriting scheme’s new sessions only', async () => {
    const scheme = await newScheme('FA666000000000002');
    const authToken = await ctx.flow.authToken(scheme);
    const first = await ctx.flow.openOk(authToken, '100004'); // built-in default: 6 digits

    const changed = await admin('PATCH', '/v1/admin/policies/100004', { nodes: { smsCode: { codeLength: 8 } } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const second = await ctx.flow.openOk(authToken, '100004'); // 8 digits

    const rolledBack = await admin('POST', '/v1/admin/policies/100004/restore-defaults', { node: 'smsCode' });
    expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(200);
    const third = await ctx.flow.openOk(authToken, '100004'); // 6 digits again

    const results = [
      await finishBySms(authToken, second.id, '13500000012'),
      await finishBySms(authToken, first.id, '13500000011'),
      await finishBySms(authToken, third.id, '13500000013'),
    ];
    expect(results.map((r) => [r.asked.nextAction.codeLength, r.code.length, r.done.status])).toEqual([
      [8, 8, 'verified'],
      [6, 6, 'verified'],
      [6, 6, 'verified'],
    ]);
  });
});
