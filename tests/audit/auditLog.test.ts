import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();
const api = () => ctx.server.api;

describe('the audit log', () => {
  it('records who changed what, with before and after, for schemes, access keys, webhooks, phone lists, policies and operators', async () => {
    const editor = await api().post('/v1/admin/operators', { name: 'erin', role: 'editor' }, 'admin');
    const scheme = { ...androidScheme, code: 'FA710000000000001', name: 'audited' };
    expect((await api().post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    expect((await api().request('PUT', `/v1/admin/schemes/${scheme.code}`, { body: { ...scheme, name: 'audited 2' }, auth: 'admin' })).status).toBe(200);
    const key = await api().post('/v1/admin/access-keys', { description: 'audit' }, 'admin');
    expect((await api().post(`/v1/admin/access-keys/${key.body.id}/disable`, undefined, 'admin')).status).toBe(200);
    expect((await api().request('PUT', `/v1/admin/schemes/${scheme.code}/webhook`, { body: { url: 'http://127.0.0.1:9/hook' }, auth: 'admin' })).status).toBe(
      200,
    );
    expect((await api().request('PUT', `/v1/admin/schemes/${scheme.code}/phone-lists`, { body: { deny: ['170'], allow: [] }, auth: 'admin' })).status).toBe(
      200,
    );
    const policyPath = `/v1/admin/schemes/${scheme.code}/policies/100001`;
    const editorAuth = { bearer: editor.body.token as string };
    expect((await api().request('PUT', policyPath, { body: { inherit: false }, auth: editorAuth })).status).toBe(200);
    expect((await api().request('PATCH', policyPath, { body: { nodes: { smsCode: { codeLength: 8 } } }, auth: editorAuth })).status).toBe(200);
    expect((await api().request('PUT', '/v1/admin/policies/100002/logging', { body: { enabled: false }, auth: editorAuth })).status).toBe(200);
    expect((await api().request('DELETE', `/v1/admin/access-keys/${key.body.id}`, { auth: 'admin' })).status).toBe(204);
    expect((await api().request('DELETE', `/v1/admin/schemes/${scheme.code}`, { auth: 'admin' })).status).toBe(204);

    const log = await api().get('/v1/admin/audit?limit=50', editorAuth);
    expect(log.status).toBe(200);
    const entries = [...log.body.entries].reverse() as { actor: string; action: string; target: string; before: any; after: any }[];
    expect(entries.map((e) => `${e.actor} ${e.action} ${e.target}`)).toEqual([
      'admin operator.create operator erin',
      `admin scheme.create scheme ${scheme.code}`,
      `admin scheme.update scheme ${scheme.code}`,
      `admin accessKey.create access key ${key.body.id}`,
      `admin accessKey.disable access key ${key.body.id}`,
      `admin webhook.put scheme ${scheme.code}`,
      `admin phoneLists.put scheme ${scheme.code}`,
      `erin policy.override scheme ${scheme.code} policy 100001`,
      `erin policy.update scheme ${scheme.code} policy 100001`,
      'erin policy.logging global policy 100002',
      `admin accessKey.delete access key ${key.body.id}`,
      `admin scheme.delete scheme ${scheme.code}`,
    ]);
    const byAction = (action: string) => entries.find((e) => e.action === action)!;
    expect(byAction('scheme.update')).toMatchObject({ before: { name: 'audited' }, after: { name: 'audited 2' } });
    expect(byAction('accessKey.disable')).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(byAction('policy.update')).toMatchObject({
      before: { version: 1, 'nodes.smsCode.codeLength': 6 },
      after: { version: 2, 'nodes.smsCode.codeLength': 8 },
    });
    expect(byAction('phoneLists.put')).toMatchObject({ before: { deny: [] }, after: { deny: ['170'] } });
    expect(byAction('scheme.delete')).toMatchObject({ before: { code: scheme.code }, after: null });
    // Never a secret or a token.
    const text = JSON.stringify(log.body);
    expect(text).not.toContain(key.body.secret);
    expect(text).not.toContain(editor.body.token);

    const filtered = await api().get(`/v1/admin/audit?action=policy&target=${encodeURIComponent(`scheme ${scheme.code} policy 100001`)}`, 'admin');
    expect(filtered.body.entries.map((e: { action: string }) => e.action)).toEqual(['policy.update', 'policy.override']);
    expect((await api().get('/v1/admin/audit?limit=0', 'admin')).status).toBe(400);
    expect((await api().get('/v1/admin/audit')).status).toBe(401);
  });
});
