import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

async function newOperator(name: string, role: string): Promise<string> {
  const created = await ctx.server.api.post('/v1/admin/operators', { name, role }, 'admin');
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body).toMatchObject({ name, role, enabled: true });
  return created.body.token as string;
}

describe('operator accounts', () => {
  it('ADMIN_TOKEN is the bootstrap admin; a new operator gets a token once, stored only as a digest', async () => {
    const me = await ctx.server.api.get('/v1/admin/me', 'admin');
    expect(me.body).toMatchObject({ name: 'admin', role: 'admin', bootstrap: true });

    const token = await newOperator('vera', 'viewer');
    expect((await ctx.server.api.get('/v1/admin/me', { bearer: token })).body).toMatchObject({ name: 'vera', role: 'viewer' });
    const listed = await ctx.server.api.get('/v1/admin/operators', 'admin');
    expect(listed.body.operators).toEqual([expect.objectContaining({ name: 'vera', role: 'viewer' })]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // Nothing in the store holds the token itself.
    const stored = await ctx.server.numberflow.services.storage.kv.get('operator:vera');
    expect(stored).not.toContain(token);
    expect(stored).toContain('tokenDigest');

    expect((await ctx.server.api.post('/v1/admin/operators', { name: 'vera', role: 'admin' }, 'admin')).status).toBe(409);
    expect((await ctx.server.api.post('/v1/admin/operators', { name: 'admin', role: 'admin' }, 'admin')).status).toBe(400);
    expect((await ctx.server.api.post('/v1/admin/operators', { name: 'x', role: 'root' }, 'admin')).status).toBe(400);
  });

  it('a viewer reads everything and changes nothing (403); an editor changes policies but not schemes', async () => {
    const viewer = await newOperator('pat', 'viewer');
    const editor = await newOperator('eddie', 'editor');
    const scheme = { ...androidScheme, code: 'FA700000000000001', name: 'roles' };

    expect((await ctx.server.api.get('/v1/admin/schemes', { bearer: viewer })).status).toBe(200);
    expect((await ctx.server.api.get('/v1/admin/policies/100001', { bearer: viewer })).status).toBe(200);
    for (const auth of [{ bearer: viewer }, { bearer: editor }]) {
      const refused = await ctx.server.api.post('/v1/admin/schemes', scheme, auth);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('OPERATOR_ROLE_REQUIRED');
    }
    const viewerPatch = await ctx.server.api.request('PATCH', '/v1/admin/policies/100001', { body: { sessionTtlSeconds: 400 }, auth: { bearer: viewer } });
    expect(viewerPatch.status).toBe(403);
    expect((await ctx.server.api.get('/v1/admin/policies/100001', 'admin')).body.version).toBe(0);

    const editorPatch = await ctx.server.api.request('PATCH', '/v1/admin/policies/100001', { body: { sessionTtlSeconds: 400 }, auth: { bearer: editor } });
    expect(editorPatch.status).toBe(200);
    const versions = await ctx.server.api.get('/v1/admin/policies/100001/versions', { bearer: viewer });
    expect(versions.body.versions.at(-1)).toMatchObject({ author: 'eddie' });
    expect((await ctx.server.api.post('/v1/admin/operators', { name: 'sneaky', role: 'admin' }, { bearer: editor })).status).toBe(403);
  });

  it('a role change applies at once; a disabled, replaced or deleted token stops working', async () => {
    const token = await newOperator('rolf', 'viewer');
    const promoted = await ctx.server.api.request('PATCH', '/v1/admin/operators/rolf', { body: { role: 'editor' }, auth: 'admin' });
    expect(promoted.body).toMatchObject({ name: 'rolf', role: 'editor' });
    expect((await ctx.server.api.request('PUT', '/v1/admin/policies/100002/logging', { body: { enabled: true }, auth: { bearer: token } })).status).toBe(200);

    await ctx.server.api.request('PATCH', '/v1/admin/operators/rolf', { body: { enabled: false }, auth: 'admin' });
    expect((await ctx.server.api.get('/v1/admin/me', { bearer: token })).status).toBe(401);
    await ctx.server.api.request('PATCH', '/v1/admin/operators/rolf', { body: { enabled: true }, auth: 'admin' });
    expect((await ctx.server.api.get('/v1/admin/me', { bearer: token })).status).toBe(200);

    const replaced = await ctx.server.api.post('/v1/admin/operators/rolf/token', undefined, 'admin');
    expect(replaced.status).toBe(200);
    expect((await ctx.server.api.get('/v1/admin/me', { bearer: token })).status).toBe(401);
    expect((await ctx.server.api.get('/v1/admin/me', { bearer: replaced.body.token })).status).toBe(200);

    expect((await ctx.server.api.request('DELETE', '/v1/admin/operators/rolf', { auth: 'admin' })).status).toBe(204);
    expect((await ctx.server.api.get('/v1/admin/me', { bearer: replaced.body.token })).status).toBe(401);
    expect((await ctx.server.api.request('DELETE', '/v1/admin/operators/rolf', { auth: 'admin' })).status).toBe(404);
    expect((await ctx.server.api.request('DELETE', '/v1/admin/operators/admin', { auth: 'admin' })).status).toBe(409);
  });
});
