import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultPolicy, sceneCodes } from '../../machines/index.js';
import { demoSchemes } from '../../server/setup/demoSchemes.js';
import type { ApiClient } from '../support/apiClient.js';
import { startTestServer, testCredentials, type TestServer } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/** The source: demo schemes seeded, then changed through the console below. */
const ctx = useTestServer({}, async ({ server }) => {
  const api = server.api;
  await ok(api.post('/v1/admin/schemes', iosScheme, 'admin'), 201);
  await ok(admin(api, 'PATCH', '/v1/admin/policies/100003', { nodes: { smsCode: { codeLength: 8 } } }));
  await ok(admin(api, 'PUT', '/v1/admin/policies/100002/logging', { enabled: false }));
  await ok(admin(api, 'PUT', '/v1/admin/schemes/FA000000000000001/policies/100001', { inherit: false }));
  await ok(admin(api, 'PATCH', '/v1/admin/schemes/FA000000000000001/policies/100001', { sessionTtlSeconds: 300, nodes: { captcha: { maxTries: 2 } } }));
  await ok(admin(api, 'PUT', '/v1/admin/schemes/FA000000000000002/policies/100005', { inherit: false }));
});

const iosScheme = { code: 'FA777000000000001', name: 'Policy as code iOS', platform: 'iOS', bundleId: 'com.example.pac' };
const opened: TestServer[] = [];
afterAll(() => Promise.all(opened.map((s) => s.close())));

/** A server on its own key prefix with nothing in it (no demo schemes). */
async function emptyServer(): Promise<TestServer> {
  const server = await startTestServer({ env: { SEED_DEMO: 'false' } });
  opened.push(server);
  return server;
}

function admin(api: ApiClient, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return api.request(method, path, { auth: 'admin', ...(body !== undefined ? { body } : {}), headers });
}

async function ok<T extends { status: number; body: unknown }>(pending: Promise<T>, status = 200): Promise<T> {
  const response = await pending;
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response;
}

/** The export as the server wrote it, byte for byte. */
async function exportText(api: ApiClient, format: 'json' | 'yaml' = 'json'): Promise<string> {
  const response = await fetch(`${api.baseUrl}/v1/admin/config?format=${format}`, { headers: { authorization: `Bearer ${testCredentials.adminToken}` } });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get('content-type')).toMatch(format === 'json' ? /^application\/json/ : /^application\/yaml/);
  return text;
}

async function exportDocument(api: ApiClient): Promise<any> {
  return JSON.parse(await exportText(api));
}

function importDocument(api: ApiClient, document: unknown, query = '', headers: Record<string, string> = {}) {
  return api.request('POST', `/v1/admin/config${query}`, { auth: headers.authorization ? 'none' : 'admin', body: document, headers });
}

function importYaml(api: ApiClient, text: string, query = '', contentType = 'application/yaml') {
  return api.request('POST', `/v1/admin/config${query}`, { auth: 'admin', rawBody: text, headers: { 'content-type': contentType } });
}

describe('export', () => {
  it('writes every scheme and policy, sorted, with no timestamps, versions or secrets', async () => {
    const text = await exportText(ctx.server.api);
    const document = JSON.parse(text);
    expect(document.apiVersion).toBe('numberflow/v1');
    expect(document.kind).toBe('NumberflowConfig');
    expect(Object.keys(document)).toEqual(['apiVersion', 'kind', 'schemes', 'policies']);
    expect(document.schemes.map((s: { code: string }) => s.code)).toEqual([...demoSchemes.map((s) => s.code), iosScheme.code]);
    expect(document.schemes[0]).toEqual(demoSchemes[0]);
    expect(Object.keys(document.schemes[0])).toEqual(['code', 'name', 'appName', 'platform', 'packageName', 'packageSign']);
    expect(Object.keys(document.policies.global)).toEqual([...sceneCodes]);
    expect(document.policies.global['100002'].logging).toBe(false);
    expect(document.policies.global['100003'].policy.nodes.smsCode.codeLength).toBe(8);
    const { sceneCode: _scene, ...defaultBody } = defaultPolicy('100001');
    expect(document.policies.global['100001']).toEqual({ logging: true, policy: defaultBody });
    expect(Object.keys(document.policies.global['100001'].policy)).toEqual(['sessionTtlSeconds', 'nodes']);

    const android = document.policies.schemes.FA000000000000001;
    expect(Object.keys(android)).toEqual([...sceneCodes]);
    expect(android['100001']).toMatchObject({ inherit: false, policy: { sessionTtlSeconds: 300, nodes: { captcha: { maxTries: 2 } } } });
    expect(android['100002']).toEqual({ inherit: true });
    expect(Object.keys(document.policies.schemes)).toEqual(document.schemes.map((s: { code: string }) => s.code));

    expect(text).not.toMatch(/createdAt|updatedAt|updatedBy|"version"|secret|accessKey|webhook/i);
    expect(text.endsWith('}\n')).toBe(true);
    // Deterministic: the same store gives the same text.
    expect(await exportText(ctx.server.api)).toBe(text);
  });

  it('YAML is the same document', async () => {
    const yaml = await exportText(ctx.server.api, 'yaml');
    expect(yaml).toMatch(/^apiVersion: numberflow\/v1\nkind: NumberflowConfig\n/);
    expect(yaml).not.toMatch(/[&*]\w/); // no anchors or aliases
    expect(parseYaml(yaml)).toEqual(await exportDocument(ctx.server.api));
  });

  it('refuses an unknown format', async () => {
    const response = await admin(ctx.server.api, 'GET', '/v1/admin/config?format=xml');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('round trip', () => {
  it('export → import into an empty store → export gives the same document (JSON)', async () => {
    const source = await exportText(ctx.server.api);
    const target = await emptyServer();
    expect((await exportDocument(target.api)).schemes).toEqual([]);

    const ciBot = await ok(target.api.post('/v1/admin/operators', { name: 'ci-bot', role: 'admin' }, 'admin'), 201);
    const imported = await ok(importDocument(target.api, JSON.parse(source), '', { authorization: `Bearer ${ciBot.body.token}` }));
    expect(imported.body).toMatchObject({ dryRun: false, applied: true, prune: false, warnings: [] });
    const changes = imported.body.changes as { kind: string; action: string; key: string }[];
    expect(changes.filter((c) => c.kind === 'scheme').map((c) => [c.action, c.key])).toEqual(
      [...demoSchemes.map((s) => s.code), iosScheme.code].map((code) => ['add', code]),
    );
    expect(changes.filter((c) => c.kind !== 'scheme').map((c) => `${c.kind} ${c.key}`)).toEqual([
      'globalPolicy 100003',
      'logging 100002',
      'schemePolicy FA000000000000001/100001',
      'schemePolicy FA000000000000002/100005',
    ]);

    expect(await exportText(target.api)).toBe(source);

    // Imported like console edits: versioned, with the author.
    const versions = await ok(admin(target.api, 'GET', '/v1/admin/schemes/FA000000000000001/policies/100001/versions'));
    expect(versions.body.versions).toHaveLength(1);
    expect(versions.body.versions[0]).toMatchObject({ author: 'ci-bot', change: 'override' });
    const logging = await ok(admin(target.api, 'GET', '/v1/admin/policies/100002/logging'));
    expect(logging.body).toMatchObject({ enabled: false, updatedBy: 'ci-bot' });

    // Importing it again changes nothing.
    const again = await ok(importDocument(target.api, JSON.parse(source)));
    expect(again.body.changes).toEqual([]);
    expect(again.body.summary).toEqual({ add: 0, change: 0, remove: 0, unchanged: 5 + 5 + 5 + 5 * 5 + 0 });
  });

  it('export → import into an empty store → export gives the same document (YAML)', async () => {
    const source = await exportText(ctx.server.api, 'yaml');
    const target = await emptyServer();
    const imported = await ok(importYaml(target.api, source, '', 'text/yaml'));
    expect(imported.body.applied).toBe(true);
    expect(await exportText(target.api, 'yaml')).toBe(source);
    expect(await exportText(target.api)).toBe(await exportText(ctx.server.api));
  });

  it('a hand-written YAML document with comments is imported, authored by the operator who signed it', async () => {
    const target = await emptyServer();
    const yaml = [
      '# kept in git',
      'apiVersion: numberflow/v1',
      'kind: NumberflowConfig',
      'schemes:',
      '  - code: FA888000000000001',
      '    name: Hand written',
      '    platform: H5',
      '    origin: https://app.example.com',
      '    url: https://app.example.com/login/',
      'policies:',
      '  global:',
      '    "100004": { logging: false }',
      '  schemes:',
      '    FA888000000000001:',
      '      100001:', // an unquoted scene code is a number in YAML; it is still the scene key
      '        inherit: false',
      '        policy:',
      `          sessionTtlSeconds: 120`,
      `          nodes: ${JSON.stringify(defaultPolicy('100001').nodes)}`,
      '',
    ].join('\n');
    const imported = await ok(importYaml(target.api, yaml));
    expect(imported.body.changes.map((c: { kind: string; key: string }) => `${c.kind} ${c.key}`)).toEqual([
      'scheme FA888000000000001',
      'logging 100004',
      'schemePolicy FA888000000000001/100001',
    ]);
    const document = await exportDocument(target.api);
    expect(document.schemes).toEqual([
      { code: 'FA888000000000001', name: 'Hand written', platform: 'H5', origin: 'https://app.example.com', url: 'https://app.example.com/login/' },
    ]);
    expect(document.policies.schemes.FA888000000000001['100001'].policy.sessionTtlSeconds).toBe(120);
    const versions = await ok(admin(target.api, 'GET', '/v1/admin/schemes/FA888000000000001/policies/100001/versions'));
    expect(versions.body.versions[0].author).toBe('admin');
  });

  it('a YAML document larger than the 16 kB JSON limit is accepted', async () => {
    const target = await emptyServer();
    const schemes = Array.from({ length: 300 }, (_, i) => ({ ...iosScheme, code: `FA9990000${String(i).padStart(6, '0')}`, name: `bulk ${i}` }));
    const yaml = (await import('yaml')).stringify({ apiVersion: 'numberflow/v1', kind: 'NumberflowConfig', schemes });
    expect(yaml.length).toBeGreaterThan(16 * 1024);
    const imported = await ok(importYaml(target.api, yaml));
    expect(imported.body.summary.add).toBe(300);
  });
});

describe('dry run', () => {
  it('shows the diff and changes nothing', async () => {
    const target = await emptyServer();
    await ok(importDocument(target.api, await exportDocument(ctx.server.api)));
    const before = await exportText(target.api);
    const versionsBefore = await ok(admin(target.api, 'GET', '/v1/admin/policies/100001/versions'));

    const document = JSON.parse(before);
    document.schemes[1].name = 'Renamed iOS';
    document.schemes.push({ code: 'FA777000000000002', name: 'New one', platform: 'iOS', bundleId: 'com.example.new' });
    document.policies.global['100001'].policy.nodes.smsCode.codeLength = 5; // valid, with a warning
    document.policies.global['100001'].logging = false;
    document.policies.schemes.FA000000000000001['100001'] = { inherit: true };
    document.policies.schemes.FA000000000000003['100004'] = {
      inherit: false,
      policy: { ...document.policies.global['100004'].policy, sessionTtlSeconds: 900 },
    };

    const dry = await ok(importDocument(target.api, document, '?dryRun=true'));
    expect(dry.body).toMatchObject({ dryRun: true, applied: false, prune: false });
    expect(dry.body.changes).toEqual([
      { kind: 'scheme', action: 'change', key: 'FA000000000000002', diff: [{ path: 'name', from: 'Demo iOS', to: 'Renamed iOS' }] },
      {
        kind: 'scheme',
        action: 'add',
        key: 'FA777000000000002',
        diff: [
          { path: 'bundleId', to: 'com.example.new' },
          { path: 'code', to: 'FA777000000000002' },
          { path: 'name', to: 'New one' },
          { path: 'platform', to: 'iOS' },
        ],
      },
      { kind: 'globalPolicy', action: 'change', key: '100001', diff: [{ path: 'nodes.smsCode.codeLength', from: 6, to: 5 }] },
      { kind: 'logging', action: 'change', key: '100001', diff: [{ path: 'logging', from: true, to: false }] },
      {
        kind: 'schemePolicy',
        action: 'change',
        key: 'FA000000000000001/100001',
        diff: expect.arrayContaining([
          { path: 'inherit', from: false, to: true },
          { path: 'sessionTtlSeconds', from: 300, to: 600 },
          { path: 'nodes.smsCode.codeLength', from: 6, to: 5 }, // it now inherits the new global policy
        ]),
      },
      {
        kind: 'schemePolicy',
        action: 'change',
        key: 'FA000000000000003/100004',
        diff: [
          { path: 'inherit', from: true, to: false },
          { path: 'sessionTtlSeconds', from: 600, to: 900 },
        ],
      },
    ]);
    expect(dry.body.summary).toMatchObject({ add: 1, change: 5, remove: 0 });
    expect(dry.body.warnings.map((w: { path: string; code: string }) => `${w.path} ${w.code}`)).toContain(
      'policies.global.100001.policy.nodes.smsCode.codeLength SMS_CODE_SHORT',
    );

    expect(await exportText(target.api)).toBe(before);
    expect((await ok(admin(target.api, 'GET', '/v1/admin/policies/100001/versions'))).body).toEqual(versionsBefore.body);
    expect((await admin(target.api, 'GET', '/v1/admin/schemes/FA777000000000002')).status).toBe(404);

    // The same document for real makes exactly those changes.
    const real = await ok(importDocument(target.api, document, '?dryRun=false'));
    expect(real.body.changes).toEqual(dry.body.changes);
    const after = await exportDocument(target.api);
    const inheritsAll = Object.fromEntries(sceneCodes.map((sceneCode) => [sceneCode, { inherit: true }]));
    expect(after).toEqual({
      ...document,
      schemes: [...document.schemes].sort((a, b) => (a.code < b.code ? -1 : 1)),
      policies: { ...document.policies, schemes: { ...document.policies.schemes, FA777000000000002: inheritsAll } },
    });
  });
});

describe('an invalid document is refused whole, each problem at its path', () => {
  async function refused(document: unknown, query = '') {
    const target = ctx.server.api;
    const before = await exportText(target);
    const response = await importDocument(target, document, query);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error.code).toBe('CONFIG_INVALID');
    expect(await exportText(target)).toBe(before);
    return response.body.error as { message: string; details: { issues: { path: string; message: string; code?: string }[] } };
  }
  const paths = (error: { details: { issues: { path: string }[] } }) => error.details.issues.map((i) => i.path);
  const base = async () => exportDocument(ctx.server.api);

  it('a scheme with a bad identity', async () => {
    const document = await base();
    document.schemes.push({ code: 'FA777000000000009', name: 'bad', platform: 'Android', packageName: 'com.example.bad', bundleId: 'com.example.bad' });
    document.schemes[0].packageSign = 'not-hex';
    const error = await refused(document);
    expect(paths(error)).toEqual(['schemes.0.packageSign', 'schemes.5.packageSign', 'schemes.5.bundleId']);
    expect(error.message).toMatch(/schemes\.5\.bundleId: bundleId does not belong to platform Android/);
    expect((await admin(ctx.server.api, 'GET', '/v1/admin/schemes/FA777000000000009')).status).toBe(404);
  });

  it('a policy that fails the static checks, and an unknown node; valid parts of the document are not written either', async () => {
    const document = await base();
    document.schemes.push({ code: 'FA777000000000010', name: 'would be added', platform: 'iOS', bundleId: 'com.example.ok' });
    document.policies.global['100001'].policy.nodes.smsCode.validitySeconds = 900;
    document.policies.global['100002'].logging = true;
    document.policies.schemes.FA000000000000002['100005'].policy.nodes.teleportation = { enabled: true };
    const error = await refused(document);
    expect(error.details.issues).toEqual([
      expect.objectContaining({ path: 'policies.global.100001.policy.nodes.smsCode.validitySeconds', code: 'SMS_VALIDITY_TOO_LONG' }),
      expect.objectContaining({ path: 'policies.schemes.FA000000000000002.100005.policy.nodes.teleportation', code: 'UNKNOWN_NODE' }),
    ]);
    expect((await admin(ctx.server.api, 'GET', '/v1/admin/schemes/FA777000000000010')).status).toBe(404);
    expect((await ok(admin(ctx.server.api, 'GET', '/v1/admin/policies/100002/logging'))).body.enabled).toBe(false);
  });

  it('a node the scene lacks, a route to an off node, a scene mismatch', async () => {
    const document = await base();
    document.policies.global['100004'].policy.nodes.numberAuth.enabled = true; // scene 100004 has no number auth
    document.policies.global['100001'].policy.nodes.endpointRisk.onRisk = 'captcha'; // captcha is off
    document.policies.global['100005'].policy.sceneCode = '100001';
    const error = await refused(document);
    expect(error.details.issues.map((i) => `${i.path} ${i.code}`)).toEqual([
      'policies.global.100001.policy.nodes.endpointRisk.onRisk RISK_ROUTE_TO_OFF_NODE',
      'policies.global.100004.policy.nodes.numberAuth NODE_NOT_IN_SCENE',
      'policies.global.100005.policy.sceneCode SCENE_MISMATCH',
    ]);
  });

  it('shape errors: version, kind, unknown fields, scene keys, inherit, policies for unknown schemes', async () => {
    const document = await base();
    document.apiVersion = 'numberflow/v2';
    document.extra = 1;
    document.policies.global['100009'] = { logging: true };
    document.policies.schemes.FA000000000000001['100002'] = { inherit: false };
    document.policies.schemes.FA000000000000001['100003'] = { inherit: 'yes' };
    const error = await refused(document);
    expect(paths(error)).toEqual([
      'apiVersion',
      'policies.global.100009',
      'policies.schemes.FA000000000000001.100002.policy',
      'policies.schemes.FA000000000000001.100003.inherit',
      'extra',
    ]);

    const unknownScheme = await base();
    unknownScheme.policies.schemes.FA123456789 = { '100001': { inherit: true } };
    expect(paths(await refused(unknownScheme))).toEqual(['policies.schemes.FA123456789']);

    const duplicate = await base();
    duplicate.schemes.push(duplicate.schemes[0]);
    expect(paths(await refused(duplicate))).toEqual(['schemes.5.code']);

    expect((await refused([])).details.issues[0]!.path).toBe('');
  });

  it('a dry run of an invalid document is refused the same way', async () => {
    const document = await base();
    document.policies.global['100001'].policy.sessionTtlSeconds = 5;
    const error = await refused(document, '?dryRun=true');
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'policies.global.100001.policy.sessionTtlSeconds' })]);
  });

  it('malformed YAML, other media types, bad flags', async () => {
    const api = ctx.server.api;
    const yaml = await importYaml(api, 'apiVersion: numberflow/v1\nkind: [unclosed\n');
    expect(yaml.status).toBe(400);
    expect(yaml.body.error.code).toBe('MALFORMED_YAML');
    expect(yaml.body.error.message).toMatch(/line \d+/);
    const duplicateKeys = await importYaml(api, 'apiVersion: numberflow/v1\napiVersion: numberflow/v1\n');
    expect(duplicateKeys.body.error.code).toBe('MALFORMED_YAML');
    const text = await importYaml(api, 'apiVersion: numberflow/v1', '', 'text/plain');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const flag = await importDocument(api, await exportDocument(api), '?dryRun=maybe');
    expect(flag.status).toBe(400);
    expect(flag.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('auth', () => {
  it('export and import need the admin token', async () => {
    const api = ctx.server.api;
    for (const auth of ['none', { bearer: 'wrong-token' }, 'accessKey'] as const) {
      const get = await api.request('GET', '/v1/admin/config', { auth });
      expect(get.status).toBe(401);
      expect(get.body.error.code).toBe('ADMIN_UNAUTHORIZED');
      const post = await api.request('POST', '/v1/admin/config', { auth, body: { apiVersion: 'numberflow/v1', kind: 'NumberflowConfig' } });
      expect(post.status).toBe(401);
      const yaml = await api.request('POST', '/v1/admin/config', { auth, rawBody: 'kind: x', headers: { 'content-type': 'application/yaml' } });
      expect(yaml.status).toBe(401);
    }
  });
});

describe('prune', () => {
  it('without prune, what the document does not name is left alone; with prune it is removed or reset', async () => {
    const target = await emptyServer();
    const api = target.api;
    await ok(importDocument(api, await exportDocument(ctx.server.api)));
    await ok(
      api.post('/v1/admin/schemes', { code: 'FA777000000000003', name: 'only in the store', platform: 'iOS', bundleId: 'com.example.extra' }, 'admin'),
      201,
    );
    await ok(admin(api, 'PUT', '/v1/admin/schemes/FA777000000000003/webhook', { url: 'https://backend.example/hook' }));

    // A partial document: one scheme and one scene of it, one global scene.
    const partial = {
      apiVersion: 'numberflow/v1',
      kind: 'NumberflowConfig',
      schemes: [demoSchemes[0]],
      policies: { global: { '100001': { logging: true } }, schemes: { FA000000000000001: { '100002': { inherit: true } } } },
    };
    const kept = await ok(importDocument(api, partial));
    expect(kept.body.changes).toEqual([]);
    expect((await exportDocument(api)).schemes).toHaveLength(6);

    const dry = await ok(importDocument(api, partial, '?prune=true&dryRun=true'));
    expect(dry.body.changes.map((c: { kind: string; action: string; key: string }) => `${c.kind} ${c.action} ${c.key}`)).toEqual([
      'globalPolicy change 100003',
      'logging change 100002',
      'schemePolicy change FA000000000000001/100001',
      'scheme remove FA000000000000002',
      'scheme remove FA000000000000003',
      'scheme remove FA000000000000004',
      'scheme remove FA777000000000001',
      'scheme remove FA777000000000003',
    ]);
    expect((await exportDocument(api)).schemes).toHaveLength(6);

    const pruned = await ok(importDocument(api, partial, '?prune=true'));
    expect(pruned.body.changes).toEqual(dry.body.changes);
    const after = await exportDocument(api);
    expect(after.schemes).toEqual([demoSchemes[0]]);
    for (const sceneCode of sceneCodes) {
      const { sceneCode: _s, ...body } = defaultPolicy(sceneCode);
      expect(after.policies.global[sceneCode]).toEqual({ logging: true, policy: body });
      expect(after.policies.schemes.FA000000000000001[sceneCode]).toEqual({ inherit: true });
    }
    expect((await admin(api, 'GET', '/v1/admin/schemes/FA777000000000003/webhook')).status).toBe(404);

    // Prune to the source's whole document gives the source again.
    await ok(importDocument(api, await exportDocument(ctx.server.api), '?prune=true'));
    expect(await exportText(api)).toBe(await exportText(ctx.server.api));
  });

  it('prune needs the whole document, and no policies for schemes it deletes', async () => {
    const api = ctx.server.api;
    const before = await exportText(api);
    const noSchemes = await importDocument(api, { apiVersion: 'numberflow/v1', kind: 'NumberflowConfig', policies: {} }, '?prune=true');
    expect(noSchemes.status).toBe(400);
    expect(noSchemes.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['schemes']);

    const document = JSON.parse(before);
    document.schemes = document.schemes.filter((s: { code: string }) => s.code !== 'FA000000000000004');
    const orphan = await importDocument(api, document, '?prune=true');
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.details.issues).toEqual([expect.objectContaining({ path: 'policies.schemes.FA000000000000004' })]);
    expect(await exportText(api)).toBe(before);
  });
});
