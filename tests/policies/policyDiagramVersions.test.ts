import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/useTestServer.js';

/** The policy diagram of a version of the history: what the console compares two versions on. */
const ctx = useTestServer({ store: 'memory' });

describe('GET …/diagram?version=N', () => {
  it("draws that version's routes and counts the sessions that ran it; an unknown version is 404", async () => {
    const api = ctx.server.api;
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13900800001', 'error') });
    const v1 = await api.request('PATCH', '/v1/admin/policies/100001', { body: { nodes: { numberAuth: { onCarrierError: 'fail' } } }, auth: 'admin' });
    expect(v1.status).toBe(200);
    const v2 = await api.request('PATCH', '/v1/admin/policies/100001', { body: { nodes: { numberAuth: { onCarrierError: 'sms' } } }, auth: 'admin' });
    expect(v2.status).toBe(200);

    const diagram = async (query: string) => (await api.get(`/v1/admin/policies/100001/diagram${query}`, 'admin')).body;
    const [first, second, now] = [await diagram('?version=1'), await diagram('?version=2'), await diagram('')];
    expect([first.version, second.version, now.version]).toEqual([1, 2, 2]);
    expect(second.edges).toEqual(now.edges);
    const failedFromNumberAuth = (d: { edges: { from: string; to: string; events: string[] }[] }) =>
      d.edges.find((e) => e.from === 'numberAuth' && e.to === 'failed')?.events ?? [];
    expect(failedFromNumberAuth(first).length).toBeGreaterThan(failedFromNumberAuth(second).length);
    // The session before either version ran the default policy: neither version counts it; the diagram now counts every session.
    expect(first.nodes.find((n: { id: string }) => n.id === 'start').sessions).toBe(0);
    expect(now.nodes.find((n: { id: string }) => n.id === 'start').sessions).toBe(1);

    for (const version of ['3', '0', 'x']) {
      const missing = await api.get(`/v1/admin/policies/100001/diagram?version=${version}`, 'admin');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('POLICY_VERSION_NOT_FOUND');
    }
  });
});
