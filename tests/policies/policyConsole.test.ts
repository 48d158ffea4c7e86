import { describe, expect, it } from 'vitest';
import { defaultPolicy, scenes } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

/** Editors whose names the versions record as their authors. */
const tokens = new Map<string, string>();
const ctx = useTestServer({}, async ({ server }) => {
  for (const name of ['alice', 'bob', 'carol', 'ops']) {
    const created = await server.api.post('/v1/admin/operators', { name, role: 'editor' }, 'admin');
    tokens.set(name, created.body.token);
  }
});

/** An operator call: the bootstrap admin's unless `by(author)` signs it. */
function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return ctx.server.api.request(method, path, { auth: headers.authorization ? 'none' : 'admin', ...(body !== undefined ? { body } : {}), headers });
}
const by = (author: string) => ({ authorization: `Bearer ${tokens.get(author)}` });

let schemeCount = 0;
async function newScheme(): Promise<string> {
  const code = `FA55500000000${String(++schemeCount).padStart(4, '0')}`;
  const created = await ctx.server.api.post('/v1/admin/schemes', { ...androidScheme, code, name: `policy console ${schemeCount}` }, 'admin');
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return code;
}

describe('global policies', () => {
  it('lists the scenes; an untouched scene runs the built-in default, with logging on', async () => {
    const list = await admin('GET', '/v1/admin/policies');
    expect(list.status).toBe(200);
    expect(list.body.policies.map((p: { sceneCode: string }) => p.sceneCode)).toEqual(['100001', '100002', '100003', '100004', '100005']);

    const one = await admin('GET', '/v1/admin/policies/100005');
    expect(one.status).toBe(200);
    expect(one.headers.get('etag')).toBe('"0"');
    expect(one.body).toMatchObject({
      scope: 'global',
      sceneCode: '100005',
      sceneName: scenes['100005'].name,
      version: 0,
      isDefault: true,
      updatedAt: null,
      updatedBy: null,
      logging: true,
      allowedNodes: [...scenes['100005'].allowedNodes],
      policy: defaultPolicy('100005'),
    });
  });

  it('PATCH and PUT make versions with author, time and diff; the history and each version can be read', async () => {
    const patched = await admin('PATCH', '/v1/admin/policies/100003', { nodes: { smsCode: { codeLength: 8 } } }, by('alice'));
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ version: 1, updatedBy: 'alice', lastChange: 'update', changed: true, warnings: [], isDefault: false });
    expect(patched.body.policy.nodes.smsCode.codeLength).toBe(8);

    const full = { ...patched.body.policy, sessionTtlSeconds: 300 };
    const put = await admin('PUT', '/v1/admin/policies/100003', full, { ...by('bob'), 'if-match': '"1"' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: 2, updatedBy: 'bob' });
    expect(put.headers.get('etag')).toBe('"2"');

    const unchanged = await admin('PUT', '/v1/admin/policies/100003', full, by('carol'));
    expect(unchanged.body).toMatchObject({ version: 2, changed: false, updatedBy: 'bob' });

    const history = await admin('GET', '/v1/admin/policies/100003/versions');
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ scope: 'global', sceneCode: '100003' });
    expect(history.body.versions).toEqual([
      {
        version: 1,
        policyVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
        author: 'alice',
        at: expect.any(String),
        change: 'update',
        diff: [{ path: 'nodes.smsCode.codeLength', from: 6, to: 8 }],
      },
      {
        version: 2,
        policyVersion: put.body.policyVersion,
        author: 'bob',
        at: expect.any(String),
        change: 'update',
        diff: [{ path: 'sessionTtlSeconds', from: 600, to: 300 }],
      },
    ]);
    expect(Math.abs(Date.parse(history.body.versions[0].at) - ctx.server.clock.now())).toBeLessThan(60_000);

    const first = await admin('GET', '/v1/admin/policies/100003/versions/1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, author: 'alice', policy: { sessionTtlSeconds: 600, nodes: { smsCode: { codeLength: 8 } } } });
  });

  it('restores one node, then the whole policy, to the built-in default', async () => {
    await admin(
      'PATCH',
      '/v1/admin/policies/100001',
      { sessionTtlSeconds: 120, nodes: { smsCode: { codeLength: 4 }, captcha: { enabled: true } } },
      by('alice'),
    );
    const node = await admin('POST', '/v1/admin/policies/100001/restore-defaults', { node: 'smsCode' }, by('bob'));
    expect(node.status, JSON.stringify(node.body)).toBe(200);
    expect(node.body).toMatchObject({ lastChange: 'restoreDefaults', isDefault: false, policy: { sessionTtlSeconds: 120 } });
    expect(node.body.policy.nodes.smsCode).toEqual(defaultPolicy('100001').nodes.smsCode);
    expect(node.body.policy.nodes.captcha.enabled).toBe(true);

    const whole = await admin('POST', '/v1/admin/policies/100001/restore-defaults', undefined, by('bob'));
    expect(whole.status, JSON.stringify(whole.body)).toBe(200);
    expect(whole.body).toMatchObject({ isDefault: true, policy: defaultPolicy('100001') });
    const versions = (await admin('GET', '/v1/admin/policies/100001/versions')).body.versions;
    expect(versions.slice(-2).map((v: { change: string; node?: string }) => [v.change, v.node])).toEqual([
      ['restoreDefaults', 'smsCode'],
      ['restoreDefaults', undefined],
    ]);
  });

  it('keeps a logging switch per scene', async () => {
    expect((await admin('GET', '/v1/admin/policies/100002/logging')).body).toMatchObject({ sceneCode: '100002', enabled: true });
    const off = await admin('PUT', '/v1/admin/policies/100002/logging', { enabled: false }, by('ops'));
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ sceneCode: '100002', enabled: false, updatedBy: 'ops', updatedAt: expect.any(String) });
    expect((await admin('GET', '/v1/admin/policies/100002')).body.logging).toBe(false);
    expect((await admin('GET', '/v1/admin/policies/100004')).body.logging).toBe(true);
    expect((await admin('PUT', '/v1/admin/policies/100002/logging', { enabled: 'no' })).status).toBe(400);
  });
});

describe('scheme policies', () => {
  it('a global change reaches the schemes that inherit it, not the ones that override it', async () => {
    const [inheriting, overriding] = [await newScheme(), await newScheme()];
    const off = await admin('PUT', `/v1/admin/schemes/${overriding}/policies/100002`, { inherit: false }, by('bob'));
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body).toMatchObject({ scope: 'scheme', schemeCode: overriding, inherit: false, version: 1, lastChange: 'override' });

    const changed = await admin('PATCH', '/v1/admin/policies/100002', { nodes: { smsCode: { codeLength: 8 } } }, by('alice'));
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);

    const a = await admin('GET', `/v1/admin/schemes/${inheriting}/policies/100002`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ inherit: true, version: 0, globalVersion: changed.body.version, policyVersion: changed.body.policyVersion });
    expect(a.body.policy.nodes.smsCode.codeLength).toBe(8);
    const b = await admin('GET', `/v1/admin/schemes/${overriding}/policies/100002`);
    expect(b.body).toMatchObject({ inherit: false, version: 1 });
    expect(b.body.policy.nodes.smsCode.codeLength).toBe(6);

    const list = await admin('GET', `/v1/admin/schemes/${overriding}/policies`);
    expect(list.body.policies.find((p: { sceneCode: string }) => p.sceneCode === '100002')).toMatchObject({ inherit: false, version: 1 });
    expect(list.body.policies.find((p: { sceneCode: string }) => p.sceneCode === '100001')).toMatchObject({ inherit: true, version: 0 });
  });

  it('turning inheritance off copies the current global policy; a policy can come with it; inherit:true follows the global again', async () => {
    const code = await newScheme();
    await admin('PATCH', '/v1/admin/policies/100004', { nodes: { smsCode: { maxSends: 2 } } }, by('alice'));
    const off = await admin('PUT', `/v1/admin/schemes/${code}/policies/100004`, { inherit: false }, by('bob'));
    expect(off.body.policy.nodes.smsCode.maxSends).toBe(2);
    expect((await admin('GET', `/v1/admin/schemes/${code}/policies/100004/versions`)).body.versions).toEqual([
      expect.objectContaining({ version: 1, change: 'override', inherit: false, author: 'bob', diff: [{ path: 'inherit', from: true, to: false }] }),
    ]);

    const own = { ...off.body.policy, nodes: { ...off.body.policy.nodes, smsCode: { ...off.body.policy.nodes.smsCode, codeLength: 4 } } };
    const put = await admin('PUT', `/v1/admin/schemes/${code}/policies/100004`, { inherit: false, policy: own }, by('bob'));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: 2, lastChange: 'update', inherit: false });

    const patched = await admin('PATCH', `/v1/admin/schemes/${code}/policies/100004`, { nodes: { smsCode: { maxSends: 4 } } }, by('bob'));
    expect(patched.body.policy.nodes.smsCode).toMatchObject({ codeLength: 4, maxSends: 4 });

    const on = await admin('PUT', `/v1/admin/schemes/${code}/policies/100004`, { inherit: true }, by('bob'));
    expect(on.body).toMatchObject({ inherit: true, version: 4, lastChange: 'inherit' });
    expect(on.body.policy.nodes.smsCode).toMatchObject({ codeLength: 6, maxSends: 2 });
    const refused = await admin('PATCH', `/v1/admin/schemes/${code}/policies/100004`, { nodes: { smsCode: { maxSends: 4 } } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('POLICY_INHERITED');
  });

  it('rolls back to any earlier version, as a new version', async () => {
    const code = await newScheme();
    const path = `/v1/admin/schemes/${code}/policies/100001`;
    await admin('PUT', path, { inherit: false }, by('bob')); // 1
    await admin('PATCH', path, { nodes: { numberAuth: { fallbackAfterSeconds: 10 } } }, by('bob')); // 2
    await admin('PATCH', path, { nodes: { numberAuth: { fallbackAfterSeconds: 20 } } }, by('bob')); // 3
    const rolled = await admin('POST', `${path}/rollback`, { version: 2 }, by('carol'));
    expect(rolled.status, JSON.stringify(rolled.body)).toBe(200);
    expect(rolled.body).toMatchObject({ version: 4, lastChange: 'rollback', updatedBy: 'carol' });
    expect(rolled.body.policy.nodes.numberAuth.fallbackAfterSeconds).toBe(10);
    const fourth = await admin('GET', `${path}/versions/4`);
    expect(fourth.body).toMatchObject({
      version: 4,
      change: 'rollback',
      rolledBackTo: 2,
      diff: [{ path: 'nodes.numberAuth.fallbackAfterSeconds', from: 20, to: 10 }],
      policy: { nodes: { numberAuth: { fallbackAfterSeconds: 10 } } },
    });
    expect(fourth.body.policyVersion).toBe((await admin('GET', `${path}/versions/2`)).body.policyVersion);

    const restored = await admin('POST', `${path}/restore-defaults`, { node: 'numberAuth' }, by('carol'));
    expect(restored.body.policy.nodes.numberAuth.fallbackAfterSeconds).toBe(30);
    expect((await admin('POST', `${path}/rollback`, { version: 99 })).body.error.code).toBe('POLICY_VERSION_NOT_FOUND');
  });
});

describe('bad requests', () => {
  it('refuses an invalid policy with POLICY_INVALID, naming node and setting of each error', async () => {
    const response = await admin('PATCH', '/v1/admin/policies/100005', { nodes: { smsCode: { codeLength: 12 }, captcha: { colour: 'red' } } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'POLICY_INVALID', message: expect.stringContaining('smsCode.codeLength') });
    expect(response.body.error.details.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ node: 'smsCode', setting: 'codeLength', code: 'INVALID_SETTING' }),
        expect.objectContaining({ node: 'captcha', setting: 'colour', code: 'UNKNOWN_SETTING' }),
      ]),
    );
    expect(response.body.error.details.warnings).toEqual([]);

    const noProof = await admin('PATCH', '/v1/admin/policies/100005', { nodes: { smsCode: { enabled: false }, uplinkSms: { enabled: false } } });
    expect(noProof.status).toBe(400);
    expect(noProof.body.error.details.errors).toEqual([expect.objectContaining({ node: 'policy', message: expect.stringContaining('proof of possession') })]);

    const notObject = await admin('PUT', '/v1/admin/policies/100005', [1, 2]);
    expect(notObject.status).toBe(400);
    expect((await admin('GET', '/v1/admin/policies/100005')).body.version).toBe(0);
  });

  it('refuses a node the scene does not offer, naming it', async () => {
    const response = await admin('PATCH', '/v1/admin/policies/100005', { nodes: { phoneRisk: { threshold: 50 } } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('POLICY_INVALID');
    expect(response.body.error.message).toContain('phoneRisk');
    expect(response.body.error.details.errors).toEqual([expect.objectContaining({ code: 'NODE_NOT_IN_SCENE', node: 'phoneRisk' })]);

    const restore = await admin('POST', '/v1/admin/policies/100004/restore-defaults', { node: 'numberAuth' });
    expect(restore.status).toBe(400);
    expect(restore.body.error.details.errors).toEqual([expect.objectContaining({ code: 'NODE_NOT_IN_SCENE', node: 'numberAuth' })]);
    const unknown = await admin('POST', '/v1/admin/policies/100004/restore-defaults', { node: 'fooNode' });
    expect(unknown.body.error.details.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_NODE', node: 'fooNode' })]);
  });

  it('answers 404 for an unknown scene, scheme or version, 401 without the admin token, 409 for a stale If-Match', async () => {
    const code = await newScheme();
    for (const [method, path] of [
      ['GET', '/v1/admin/policies/999999'],
      ['PATCH', '/v1/admin/policies/abc'],
      ['GET', `/v1/admin/schemes/${code}/policies/999999`],
    ] as const) {
      const response = await admin(method, path, method === 'GET' ? undefined : {});
      expect(response.status, path).toBe(404);
      expect(response.body.error.code).toBe('SCENE_NOT_FOUND');
    }
    for (const path of [
      '/v1/admin/schemes/FA999999999999999/policies/100001',
      '/v1/admin/schemes/nope/policies',
      '/v1/admin/schemes/FA999999999999999/policies',
    ]) {
      const response = await admin('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.body.error.code).toBe('SCHEME_NOT_FOUND');
    }
    expect((await admin('GET', '/v1/admin/policies/100001/versions/77')).body.error.code).toBe('POLICY_VERSION_NOT_FOUND');
    expect((await admin('GET', '/v1/admin/policies/100001/versions/x')).status).toBe(404);

    const anonymous = await ctx.server.api.request('PATCH', '/v1/admin/policies/100001', { body: {} });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('ADMIN_UNAUTHORIZED');
    expect((await ctx.server.api.get(`/v1/admin/schemes/${code}/policies/100001`)).status).toBe(401);

    const current = (await admin('GET', '/v1/admin/policies/100001')).body.version as number;
    const stale = await admin('PATCH', '/v1/admin/policies/100001', { sessionTtlSeconds: 500 }, { 'if-match': `"${current + 5}"` });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'POLICY_VERSION_CONFLICT', details: { currentVersion: current } });

    // The author is the operator who signs, whatever a header claims.
    const claimed = await admin('PATCH', '/v1/admin/policies/100001', { sessionTtlSeconds: 500 }, { ...by('alice'), 'x-numberflow-author': 'mallory' });
    expect(claimed.status).toBe(200);
    expect(claimed.body.updatedBy).toBe('alice');
    expect((await admin('PUT', `/v1/admin/schemes/${code}/policies/100001`, { inherit: 'yes' })).status).toBe(400);
    expect((await admin('POST', '/v1/admin/policies/100001/rollback', { version: 0 })).status).toBe(400);
  });
});
