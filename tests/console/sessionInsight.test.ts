import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { createSessionMachine, defaultPolicy, dottedStatePath } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * What product owners and testers read over the operator API: policy charts (with where recent
 * sessions are), a session's chart and timeline, its live stream, and its replays.
 */
const chartScheme = { ...androidScheme, code: 'FA900000000600001', name: 'insight charts' };
const ctx = useTestServer({}, async (context) => {
  expect((await context.server.api.post('/v1/admin/schemes', chartScheme, 'admin')).status).toBe(201);
});
const admin = 'admin' as const;

async function verifiedOneClick(phoneNumber: string, scheme = androidScheme) {
  const authToken = await ctx.flow.authToken(scheme);
  const session = await ctx.flow.openOk(authToken, '100001');
  const accessToken = await ctx.flow.carrierToken(phoneNumber);
  const done = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
  expect(done.status).toBe('verified');
  return { authToken, id: session.id as string };
}

/** Reads Server-Sent Events until `until` says stop (or the stream ends), with a deadline. */
async function readEvents(path: string, until: (events: { event: string; id?: string; data: any }[]) => boolean, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 8000);
  const response = await fetch(`${ctx.server.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${testCredentials.adminToken}`, ...headers },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { event: string; id?: string; data: any }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let split: number;
      while ((split = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((line) => line && !line.startsWith(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
        );
        if (fields.event) events.push({ event: fields.event, ...(fields.id ? { id: fields.id } : {}), data: JSON.parse(fields.data ?? 'null') });
      }
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('policy charts', () => {
  it('draw the machine of the policy in effect, and follow a scheme policy change', async () => {
    const global = await ctx.server.api.get('/v1/admin/policies/100001/chart', admin);
    expect(global.status).toBe(200);
    expect(global.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    for (const state of ['awaitingToken', 'enterPhone', 'awaitingCode', 'verified', 'failed']) expect(global.body).toContain(`>${state}<`);

    const path = `/v1/admin/schemes/${chartScheme.code}/policies/100001/chart?format=dot`;
    expect((await ctx.server.api.get(path, admin)).body).toContain('awaitingToken');
    const policy = defaultPolicy('100001');
    policy.nodes.numberAuth.enabled = false;
    await ctx.server.numberflow.services.policies.setSchemePolicy(chartScheme.code, policy, '100001');
    const changed = await ctx.server.api.get(path, admin);
    expect(changed.headers.get('content-type')).toMatch(/^text\/vnd\.graphviz/);
    expect(changed.body).not.toContain('awaitingToken');
    expect(changed.body).toContain('enterPhone');
  });

  it('with sessions=recent, count the newest sessions of the scheme and scene in each state', async () => {
    const scheme = { ...androidScheme, code: 'FA900000000600002', name: 'insight counts' };
    expect((await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    const authToken = await ctx.flow.authToken(scheme);
    for (let i = 0; i < 3; i++) await ctx.flow.openOk(authToken, '100001');
    await verifiedOneClick('13900600001', scheme);
    const dot = (await ctx.server.api.get(`/v1/admin/schemes/${scheme.code}/policies/100001/chart?format=dot&sessions=recent`, admin)).body as string;
    expect(dot).toContain('3 sessions here');
    expect(dot).toContain('1 session here');
    // Sessions pinned to the version before a change still count where the new chart has their state.
    const changed = defaultPolicy('100001');
    changed.sessionTtlSeconds = 1234;
    await ctx.server.numberflow.services.policies.setSchemePolicy(scheme.code, changed, '100001');
    const after = (await ctx.server.api.get(`/v1/admin/schemes/${scheme.code}/policies/100001/chart?format=dot&sessions=recent`, admin)).body as string;
    expect(after).toContain('3 sessions here');
    expect((await ctx.server.api.get(`/v1/admin/schemes/${scheme.code}/policies/100001/chart?sessions=all`, admin)).status).toBe(400);
  });

  it('are for the operator only', async () => {
    expect((await ctx.server.api.get('/v1/admin/policies/100001/chart')).status).toBe(401);
    expect((await ctx.server.api.get(`/v1/admin/schemes/FA000000000000009/policies/100001/chart`, admin)).status).toBe(404);
  });
});

describe("a session's chart, timeline and live stream", () => {
  it('the chart marks where the session is; the timeline has a row per log entry and no secrets', async () => {
    const { id } = await verifiedOneClick('13900600011');
    const dot = (await ctx.server.api.get(`/v1/admin/sessions/${id}/chart?format=dot`, admin)).body as string;
    const currentNode = dot.split('\n').find((line) => line.includes('#ffd54f'));
    expect(currentNode).toContain('"state:verified"');
    expect((await ctx.server.api.get(`/v1/admin/sessions/${id}/chart`, admin)).body).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const timeline = await ctx.server.api.get(`/v1/admin/sessions/${id}/timeline`, admin);
    expect(timeline.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const trace = await ctx.server.api.get(`/v1/admin/sessions/${id}/trace`, admin);
    expect(timeline.body).toContain('session opened');
    for (const entry of trace.body.entries.filter((e: { kind: string }) => e.kind === 'event')) expect(timeline.body).toContain(entry.payload.type);
    expect(timeline.body).toContain('[redacted]');
    expect(timeline.body).not.toContain('13900600011');
  });

  it('the live stream sends each step as it happens, then ends; Last-Event-ID resumes after an entry', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const reading = readEvents(`/v1/admin/sessions/${session.id}/live`, (events) => events.some((e) => e.event === 'end'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await ctx.flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
    await ctx.flow.sendOk(authToken, session.id, { type: 'CANCEL' });
    const events = await reading;
    const entries = events.filter((e) => e.event === 'entry');
    expect(entries.map((e) => e.data.payload.type ?? e.data.kind)).toEqual(expect.arrayContaining(['SWITCH_TO_SMS', 'CANCEL']));
    expect(entries.map((e) => Number(e.id))).toEqual(entries.map((_, i) => i + 1));
    expect(events.filter((e) => e.event === 'session').at(-1)?.data).toMatchObject({ status: 'failed', failureReason: 'cancelled' });
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'failed' } });

    const resumed = await readEvents(`/v1/admin/sessions/${session.id}/live`, (all) => all.some((e) => e.event === 'end'), { 'last-event-id': '2' });
    expect(resumed.filter((e) => e.event === 'entry').map((e) => Number(e.id))).toEqual(entries.slice(2).map((e) => Number(e.id)));
  });

  it('never shows the verify token, and ends at once on shutdown of its process', async () => {
    const { id } = await verifiedOneClick('13900600012');
    const events = await readEvents(`/v1/admin/sessions/${id}/live`, (all) => all.some((e) => e.event === 'end'));
    expect(JSON.stringify(events.filter((e) => e.event === 'session'))).not.toContain('verifyToken');
    // Nor the operator's other views: only the session's client reads its verify token.
    const detail = await ctx.server.api.get(`/v1/admin/sessions/${id}`, admin);
    expect(detail.body.verifyToken).toBeUndefined();
    expect(detail.body.context.verifyToken).toBe('[redacted]');
    const list = await ctx.server.api.get('/v1/admin/sessions?limit=20', admin);
    expect(JSON.stringify(list.body)).not.toMatch(/vt_/);
    // The store keeps it sealed; the session's client still reads it back.
    const { authToken: client, id: again } = await verifiedOneClick('13900600013');
    const stored = await ctx.server.numberflow.services.storage.sessions.load(again);
    expect(JSON.stringify(stored)).not.toMatch(/vt_/);
    const clientView = await ctx.flow.get(client, again);
    expect(clientView.body.verifyToken).toMatch(/^vt_/);
    expect((await ctx.flow.verify(clientView.body.verifyToken)).body).toMatchObject({ phoneNumber: '13900600013' });

    const authToken = await ctx.flow.authToken();
    const pending = await ctx.flow.openOk(authToken, '100001');
    const reading = readEvents(`/v1/admin/sessions/${pending.id}/live`, () => false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    ctx.server.numberflow.services.liveStreams.closeAll();
    const got = await reading;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(got.some((e) => e.event === 'session')).toBe(true);
    expect(got.some((e) => e.event === 'end')).toBe(false);
  });
});

describe('replays', () => {
  it('a recorded session replays to the recorded states, step by step', async () => {
    const { id } = await verifiedOneClick('13900600021');
    const report = await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, {}, admin);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ mode: 'replay', matches: true, firstMismatch: null, finalStatus: 'verified' });
    expect(report.body.steps.map((s: { eventType: string }) => s.eventType)).toContain('NUMBER_AUTH_TOKEN');
    expect(report.body.steps.every((s: { match: boolean }) => s.match)).toBe(true);
  });

  it('what-if: the same session under a saved policy version without number auth goes another way', async () => {
    const scheme = { ...androidScheme, code: 'FA900000000600003', name: 'insight what-if' };
    expect((await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    const { id } = await verifiedOneClick('13900600031', scheme);
    const own = await ctx.server.api.request('PUT', `/v1/admin/schemes/${scheme.code}/policies/100001`, { body: { inherit: false }, auth: admin });
    expect(own.status).toBe(200);
    const patched = await ctx.server.api.request('PATCH', `/v1/admin/schemes/${scheme.code}/policies/100001`, {
      body: { nodes: { numberAuth: { enabled: false } } },
      auth: admin,
    });
    expect(patched.status).toBe(200);
    const versions = await ctx.server.api.get(`/v1/admin/schemes/${scheme.code}/policies/100001/versions`, admin);
    const candidate = versions.body.versions.at(-1).policyVersion as string;
    const report = await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, { policyVersion: candidate }, admin);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ mode: 'whatIf', candidateVersion: candidate, recordedFinalState: 'verified' });
    expect(report.body.firstDivergence).toMatchObject({ eventType: 'ENDPOINT_RISK_RESULT' });
    expect(report.body.candidateFinalStatus).toBe('pending');
    expect(report.body.steps.some((s: { accepted: boolean }) => !s.accepted)).toBe(true);
  });

  it('what-if against a draft policy; refusals for another scene, an unknown version, both at once', async () => {
    const { id } = await verifiedOneClick('13900600032');
    const draft = defaultPolicy('100001');
    draft.nodes.numberAuth.onCarrierError = 'fail';
    const same = await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, { policy: draft }, admin);
    expect(same.body).toMatchObject({ mode: 'whatIf', firstDivergence: null, candidateFinalStatus: 'verified' });
    expect(same.body.candidateVersion).toMatch(/^draft:/);
    expect((await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, { policy: defaultPolicy('100003') }, admin)).body.error.code).toBe('SCENE_MISMATCH');
    expect((await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, { policyVersion: 'ffffffffffffffff' }, admin)).status).toBe(404);
    expect((await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, { policy: { sceneCode: '100001' } }, admin)).status).toBe(400);
    expect((await ctx.server.api.post(`/v1/admin/sessions/${id}/replay`, {})).status).toBe(401);
  });
});

describe('the impact of a policy change on sessions already run', () => {
  it('counts how the newest finished sessions ended, and how they would end under a draft', async () => {
    const scheme = { ...androidScheme, code: 'FA900000000600004', name: 'insight impact' };
    expect((await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    // Two verified by one-click, one by SMS after a carrier error, one cancelled, one still pending (not counted).
    await verifiedOneClick('13900600041', scheme);
    await verifiedOneClick('13900600042', scheme);
    const authToken = await ctx.flow.authToken(scheme);
    const bySms = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, bySms.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13900600043', 'error') });
    await ctx.flow.sendOk(authToken, bySms.id, { type: 'PHONE_NUMBER', phoneNumber: '13900600043' });
    const code = await ctx.flow.latestSmsCode('13900600043');
    expect((await ctx.flow.sendOk(authToken, bySms.id, { type: 'SMS_CODE', code })).status).toBe('verified');
    const cancelled = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, cancelled.id, { type: 'CANCEL' });
    await ctx.flow.openOk(authToken, '100001');

    // The draft: a carrier error fails the session instead of falling back to SMS.
    const draft = defaultPolicy('100001');
    draft.nodes.numberAuth.onCarrierError = 'fail';
    const path = `/v1/admin/schemes/${scheme.code}/policies/100001/impact`;
    const impact = await ctx.server.api.post(path, { policy: draft }, admin);
    expect(impact.status).toBe(200);
    expect(impact.body).toMatchObject({ scope: 'scheme', schemeCode: scheme.code, sceneCode: '100001', sessions: 4, sameWay: 3, diverged: 1, unreadable: 0 });
    expect(impact.body.outcomes).toEqual([
      { recorded: 'verified', candidate: 'verified', count: 2 },
      { recorded: 'failed', candidate: 'failed', count: 1 },
      { recorded: 'verified', candidate: 'failed', count: 1 },
    ]);
    expect(impact.body.examples).toEqual([
      expect.objectContaining({
        sessionId: bySms.id,
        recordedStatus: 'verified',
        candidateStatus: 'failed',
        firstDivergence: expect.objectContaining({ eventType: 'CARRIER_RESULT' }),
      }),
    ]);

    // The policy they ran changes nothing; `limit` takes the newest.
    const unchanged = await ctx.server.api.post(path, { policy: defaultPolicy('100001'), limit: 2 }, admin);
    expect(unchanged.body).toMatchObject({ sessions: 2, sameWay: 2, diverged: 0, examples: [] });
    expect((await ctx.server.api.post(path, {}, admin)).status).toBe(400);
    expect((await ctx.server.api.post(`/v1/admin/policies/100001/impact`, { policy: defaultPolicy('100002') }, admin)).body.error.code).toBe('SCENE_MISMATCH');
    expect((await ctx.server.api.post(`/v1/admin/policies/100001/impact`, { policy: draft })).status).toBe(401);
  });
});

describe('tests from the policy graph', () => {
  it('paths through the policy in effect cover it; each replays on the pure machine to the states it names', async () => {
    const response = await ctx.server.api.get(`/v1/admin/schemes/${androidScheme.code}/policies/100003/test-paths`, admin);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ sceneCode: '100003', platform: 'Android', policyVersion: expect.any(String) });
    expect(body.coverage.states).toMatchObject({ missing: [] });
    expect(body.coverage.transitions).toMatchObject({ missing: [] });
    expect(body.coverage.transitions.covered).toBe(body.coverage.transitions.total);
    expect(body.paths.some((p: { target: string }) => p.target === 'verified')).toBe(true);
    const machine = createSessionMachine(defaultPolicy('100003'));
    for (const path of body.paths) {
      let snapshot = initialTransition(machine, body.input)[0];
      for (const step of path.steps) {
        snapshot = transition(machine, snapshot, step.event)[0];
        expect(dottedStatePath(snapshot.value), path.description).toBe(step.state);
      }
    }
  });

  it('take the platform from the scheme, or from the query; refuse an unknown one', async () => {
    const h5 = await ctx.server.api.get('/v1/admin/schemes/FA000000000000004/policies/100001/test-paths', admin);
    expect(h5.body.platform).toBe('H5');
    expect(
      h5.body.paths
        .flatMap((p: { steps: { event: { type: string } }[] }) => p.steps)
        .some((s: { event: { type: string } }) => s.event.type === 'MIDDLE_DIGITS'),
    ).toBe(true);
    const global = await ctx.server.api.get('/v1/admin/policies/100001/test-paths?platform=iOS', admin);
    expect(global.body.platform).toBe('iOS');
    expect((await ctx.server.api.get('/v1/admin/policies/100001/test-paths?platform=Symbian', admin)).status).toBe(400);
    expect((await ctx.server.api.get('/v1/admin/policies/100001/test-paths')).status).toBe(401);
  });
});
