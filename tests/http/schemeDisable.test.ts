import * as $D from '@alicloud/dypnsapi20170525';
import { describe, expect, it } from 'vitest';
import { dypnsClient, thrown } from '../support/dypnsSdk.js';
import { androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/** A scheme disabled by an operator: no auth tokens by any way in, and the tokens it issued are refused; enabled again, all works. */
const ctx = useTestServer();
const sdk = () =>
  dypnsClient({
    accessKeyId: testCredentials.accessKeyId,
    accessKeySecret: testCredentials.accessKeySecret,
    endpoint: ctx.server.baseUrl.replace('http://', ''),
  });
const expectDisabled = (response: { status: number; body: any }) => {
  expect(response.status).toBe(403);
  expect(response.body.error.code).toBe('SCHEME_DISABLED');
  expect(response.body.error.message).toContain('is disabled');
};

describe('disabling a scheme', () => {
  it('refuses its auth tokens (new and issued) and new sessions with 403 SCHEME_DISABLED, until it is enabled again; audited', async () => {
    const api = ctx.server.api;
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');

    const disabled = await api.post(`/v1/admin/schemes/${androidScheme.code}/disable`, {}, 'admin');
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ code: androidScheme.code, enabled: false });
    expect((await api.get(`/v1/admin/schemes/${androidScheme.code}`, 'admin')).body.enabled).toBe(false);

    const identity = { platform: androidScheme.platform, packageName: androidScheme.packageName, packageSign: androidScheme.packageSign };
    expectDisabled(await api.post('/v1/fusion-auth/token', { schemeCode: androidScheme.code, ...identity, durationSeconds: 900 }, 'accessKey'));
    expectDisabled(await ctx.flow.open(authToken, '100001'));
    expectDisabled(await ctx.flow.get(authToken, session.id));
    expectDisabled(await ctx.flow.send(authToken, session.id, { type: 'SWITCH_TO_SMS' }));
    const vendor = await thrown(() =>
      sdk().getFusionAuthToken(
        new $D.GetFusionAuthTokenRequest({
          schemeCode: androidScheme.code,
          platform: 'Android',
          packageName: androidScheme.packageName,
          packageSign: androidScheme.packageSign,
          durationSeconds: 900,
        }),
      ),
    );
    expect(vendor).toMatchObject({ code: 'UnauthorizedOperation', statusCode: 403 });
    // Another scheme is not affected.
    expect((await ctx.flow.open(await ctx.flow.authToken(demoIos()), '100001')).status).toBe(201);

    // A replacement of its fields keeps it disabled.
    const replaced = await api.request('PUT', `/v1/admin/schemes/${androidScheme.code}`, { body: { ...identity, name: 'renamed' }, auth: 'admin' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'renamed', enabled: false });

    const enabled = await api.post(`/v1/admin/schemes/${androidScheme.code}/enable`, {}, 'admin');
    expect(enabled.body.enabled).toBe(true);
    expect((await ctx.flow.get(authToken, session.id)).status).toBe(200);
    expect((await ctx.flow.open(await ctx.flow.authToken(), '100001')).status).toBe(201);

    const audit = (await api.get(`/v1/admin/audit?action=scheme&target=${encodeURIComponent(`scheme ${androidScheme.code}`)}`, 'admin')).body.entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['scheme.enable', 'scheme.update', 'scheme.disable']);
    expect(audit[2]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  });

  it('refuses GetAuthToken of a disabled H5 scheme; an editor may not disable a scheme; an unknown one is 404', async () => {
    const api = ctx.server.api;
    await api.post(`/v1/admin/schemes/${h5Scheme.code}/disable`, {}, 'admin');
    const refused = await thrown(() => sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: h5Scheme.origin })));
    expect(refused).toMatchObject({ code: 'UnauthorizedOperation', statusCode: 403 });
    await api.post(`/v1/admin/schemes/${h5Scheme.code}/enable`, {}, 'admin');
    expect((await sdk().getAuthToken(new $D.GetAuthTokenRequest({ url: h5Scheme.url, origin: h5Scheme.origin }))).body?.code).toBe('OK');

    const editor = await api.post('/v1/admin/operators', { name: 'scheme-editor', role: 'editor' }, 'admin');
    const byEditor = await api.request('POST', `/v1/admin/schemes/${h5Scheme.code}/disable`, { auth: { bearer: editor.body.token } });
    expect(byEditor.status).toBe(403);
    expect(byEditor.body.error.code).toBe('OPERATOR_ROLE_REQUIRED');
    expect((await api.post('/v1/admin/schemes/FA999999999999/disable', {}, 'admin')).status).toBe(404);
  });
});

function demoIos() {
  return { code: 'FA000000000000002', platform: 'iOS', bundleId: 'com.example.numberflow' } as unknown as typeof androidScheme;
}
