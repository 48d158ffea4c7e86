import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/** `npm run replay` as a tester runs it: on recording files, and against a running server. */
const ctx = useTestServer({ store: 'memory' });
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function replayCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/cli/replayCli.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function recordedSession(phoneNumber: string, carrierOutcome = 'ok') {
  const authToken = await ctx.flow.authToken();
  const session = await ctx.flow.openOk(authToken, '100001');
  await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken(phoneNumber, carrierOutcome) });
  if (carrierOutcome !== 'ok') {
    await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber });
    await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: await ctx.flow.latestSmsCode(phoneNumber) });
  }
  const recording = await ctx.server.api.get(`/v1/admin/sessions/${session.id}/recording`, 'admin');
  expect(recording.status).toBe(200);
  expect(recording.headers.get('content-disposition')).toContain(`session-${session.id}.json`);
  return recording.body;
}

describe('npm run replay', () => {
  it('replays recording files offline: matching ones pass; a tampered one fails with the step that differs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nf-replay-'));
    const good = await recordedSession('13900800001');
    const viaSms = await recordedSession('13900800002', 'error');
    expect(good).toMatchObject({ format: 'numberflow-recording/v1', status: 'verified', policy: { sceneCode: '100001' } });
    // Secrets stay redacted in a recording, as in the log.
    const payloads = good.entries.map((e: { payload: Record<string, unknown> }) => e.payload);
    expect(payloads.find((p: { type?: string }) => p.type === 'NUMBER_AUTH_TOKEN').accessToken).toBe('[redacted]');
    expect(payloads.find((p: { type?: string }) => p.type === 'VERIFY_TOKEN_ISSUED').verifyToken).toBe('[redacted]');
    await writeFile(path.join(dir, 'good.json'), JSON.stringify(good));
    await writeFile(path.join(dir, 'sms.json'), JSON.stringify(viaSms));
    const passed = await replayCli([path.join(dir, 'good.json'), path.join(dir, 'sms.json')]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain(`✓ ${good.sessionId} (100001, verified)`);
    expect(passed.stdout).toContain('2 sessions replayed: 2 give the recorded states again, 0 do not');
    expect(passed.stderr).toContain('replaying recordings [##############################] 2/2');

    const tampered = structuredClone(viaSms);
    tampered.entries[3].state = 'failed';
    await writeFile(path.join(dir, 'tampered.json'), JSON.stringify(tampered));
    const failed = await replayCli([path.join(dir, 'tampered.json')]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`✗ ${viaSms.sessionId}`);
    expect(failed.stdout).toContain(`step ${tampered.entries[3].version}`);

    // What-if under a draft policy file: the SMS-saved session would have failed on the carrier error.
    const draft = defaultPolicy('100001');
    draft.nodes.numberAuth.onCarrierError = 'fail';
    await writeFile(path.join(dir, 'draft.json'), JSON.stringify({ policy: draft }));
    const whatIf = await replayCli([path.join(dir, 'good.json'), path.join(dir, 'sms.json'), '--against', path.join(dir, 'draft.json'), '--json']);
    expect(whatIf.code, whatIf.stderr).toBe(0);
    const report = JSON.parse(whatIf.stdout);
    expect(report).toMatchObject({ replayed: 2, failed: 1 });
    expect(report.sessions.find((s: { sessionId: string }) => s.sessionId === viaSms.sessionId)).toMatchObject({
      ok: false,
      report: { candidateFinalStatus: 'failed', firstDivergence: { eventType: 'CARRIER_RESULT' } },
    });
  });

  it('replays the newest sessions of a running server, saving their recordings', async () => {
    await recordedSession('13900800011');
    const dir = await mkdtemp(path.join(tmpdir(), 'nf-replay-save-'));
    const result = await replayCli(['--server', ctx.server.baseUrl, '--scene', '100001', '--limit', '3', '--save', dir], {
      ADMIN_TOKEN: testCredentials.adminToken,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/3 sessions replayed: 3 give the recorded states again, 0 do not/);
    const saved = await readdir(dir);
    expect(saved).toHaveLength(3);
    const again = await replayCli(saved.map((file) => path.join(dir, file)));
    expect(again.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, saved[0]!), 'utf8'))).toMatchObject({ format: 'numberflow-recording/v1' });
  });

  it('says what is wrong: no token, a file that is not a recording, no arguments', async () => {
    expect((await replayCli(['--server', ctx.server.baseUrl])).stderr).toContain('set ADMIN_TOKEN');
    const dir = await mkdtemp(path.join(tmpdir(), 'nf-replay-bad-'));
    await writeFile(path.join(dir, 'x.json'), '{"hello":1}');
    const bad = await replayCli([path.join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a numberflow recording');
    expect((await replayCli([])).code).toBe(2);
    expect((await replayCli(['--server', ctx.server.baseUrl], { ADMIN_TOKEN: 'wrong-token-0123456789' })).stderr).toContain('401');
  });
});
