import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer, type TestServerContext } from '../support/useTestServer.js';

/**
 * SMS signatures and templates over the operator API, on Redis and in memory: the complimentary ones
 * seeded, operators' own made, changed and deleted (audited, by role), and every send path (sessions,
 * the REST send-code) rendering the chosen one into the text the simulator shows.
 */
const stores = { redis: useTestServer(), memory: useTestServer({ store: 'memory' }) };

describe.each(Object.keys(stores) as (keyof typeof stores)[])('SMS signatures and templates (%s store)', (store) => {
  const ctx: TestServerContext = stores[store];
  const api = () => ctx.server.api;
  const asOperator = async (role: 'viewer' | 'editor') => {
    const created = await api().post('/v1/admin/operators', { name: `${role}-${store}`, role }, 'admin');
    expect(created.status).toBe(201);
    return { bearer: created.body.token as string };
  };

  it('lists the complimentary signature and templates, ready to use, each stating its validity', async () => {
    const signatures = await api().get('/v1/admin/sms/signatures', 'admin');
    expect(signatures.body.signatures).toEqual([expect.objectContaining({ name: '速通互联验证码', complimentary: true })]);
    const templates = (await api().get('/v1/admin/sms/templates', 'admin')).body.templates;
    expect(templates.map((t: { code: string }) => t.code)).toEqual(['100001', '100002', '100003', '100004', '100005']);
    for (const template of templates) {
      expect(template).toMatchObject({ complimentary: true, variables: ['code', 'min'] });
      expect(template.preview).toMatch(/^【速通互联验证码】.*123456.*5分钟内有效/);
    }
    expect((await api().get('/v1/admin/sms/templates/100001', 'admin')).body.content).toBe(
      '您的验证码为${code}。尊敬的客户，以上验证码${min}分钟内有效，请注意保密，切勿告知他人。',
    );
  });

  it('an editor makes, changes and deletes its own; a viewer may only read; every change is audited', async () => {
    const editor = await asOperator('editor');
    const viewer = await asOperator('viewer');
    const template = { name: 'shop login', content: 'Shop code ${code}, valid ${min} min.' };
    const refused = await api().request('POST', '/v1/admin/sms/templates', { body: template, auth: viewer });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('OPERATOR_ROLE_REQUIRED');
    expect((await api().request('GET', '/v1/admin/sms/templates', { auth: viewer })).status).toBe(200);

    const created = await api().request('POST', '/v1/admin/sms/templates', { body: template, auth: editor });
    expect(created.status).toBe(201);
    const code: string = created.body.code;
    expect(code).toMatch(/^SMS_\d{9}$/);
    expect(created.headers.get('location')).toBe(`/v1/admin/sms/templates/${code}`);
    expect(created.body).toMatchObject({ ...template, complimentary: false, preview: '【速通互联验证码】Shop code 123456, valid 5 min.' });
    const changed = await api().request('PUT', `/v1/admin/sms/templates/${code}`, {
      body: { name: 'shop login', content: 'Shop: ${code} (${min} minutes)' },
      auth: editor,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.content).toBe('Shop: ${code} (${min} minutes)');

    const signature = await api().request('POST', '/v1/admin/sms/signatures', { body: { name: 'ShopSign', description: 'ours' }, auth: editor });
    expect(signature.status).toBe(201);
    expect((await api().request('POST', '/v1/admin/sms/signatures', { body: { name: 'ShopSign' }, auth: editor })).body.error.code).toBe(
      'SMS_SIGNATURE_EXISTS',
    );
    const described = await api().request('PUT', '/v1/admin/sms/signatures/ShopSign', { body: { description: 'the shop' }, auth: editor });
    expect(described.body).toMatchObject({ name: 'ShopSign', description: 'the shop' });
    expect((await api().request('DELETE', '/v1/admin/sms/signatures/ShopSign', { auth: editor })).status).toBe(204);
    expect((await api().request('DELETE', `/v1/admin/sms/templates/${code}`, { auth: editor })).status).toBe(204);
    expect((await api().get(`/v1/admin/sms/templates/${code}`, 'admin')).body.error.code).toBe('SMS_TEMPLATE_NOT_FOUND');

    const audit = (await api().get('/v1/admin/audit', 'admin')).body.entries.filter((e: { actor: string }) => e.actor === `editor-${store}`);
    expect(audit.map((e: { action: string }) => e.action).reverse()).toEqual([
      'smsTemplate.create',
      'smsTemplate.update',
      'smsSignature.create',
      'smsSignature.update',
      'smsSignature.delete',
      'smsTemplate.delete',
    ]);
    const update = audit.find((e: { action: string }) => e.action === 'smsTemplate.update');
    expect(update).toMatchObject({
      target: `SMS template ${code}`,
      role: 'editor',
      before: { content: 'Shop code ${code}, valid ${min} min.' },
      after: { content: 'Shop: ${code} (${min} minutes)' },
    });
  });

  it('refuses templates that do not name the code or the validity, other variables, and changes to the complimentary ones', async () => {
    const refusal = async (content: string) => {
      const answer = await api().post('/v1/admin/sms/templates', { name: 'bad', content }, 'admin');
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      return answer.body.error.message as string;
    };
    expect(await refusal('valid ${min} minutes')).toContain('${code}');
    expect(await refusal('your code ${code}')).toContain('${min}');
    expect(await refusal('code ${code} for ${name}, ${min} min')).toContain('${name}');
    expect(await refusal('code ##code##, ${code}, ${min} min')).toContain('##code##');
    expect((await api().post('/v1/admin/sms/signatures', { name: '【x】' }, 'admin')).status).toBe(400);
    expect((await api().post('/v1/admin/sms/templates', { code: '100001', name: 'x', content: '${code} ${min}' }, 'admin')).body.error.code).toBe(
      'SMS_TEMPLATE_EXISTS',
    );
    const fixed = await api().request('PUT', '/v1/admin/sms/templates/100001', { body: { name: 'x', content: '${code} ${min}' }, auth: 'admin' });
    expect(fixed.status).toBe(409);
    expect(fixed.body.error.code).toBe('SMS_TEMPLATE_COMPLIMENTARY');
    expect((await api().request('DELETE', `/v1/admin/sms/signatures/${encodeURIComponent('速通互联验证码')}`, { auth: 'admin' })).body.error.code).toBe(
      'SMS_SIGNATURE_COMPLIMENTARY',
    );
    expect((await api().request('DELETE', '/v1/admin/sms/templates/SMS_000000000', { auth: 'admin' })).status).toBe(404);
    expect((await api().get('/v1/admin/sms/templates/not-a-code', 'admin')).status).toBe(404);
  });

  it("a session sends its policy's template (complimentary by default); one in use cannot be deleted; a draft naming none is refused by the check", async () => {
    // By default: the complimentary signature and the complimentary template of the session's scene.
    const phoneNumber = store === 'redis' ? '13700100001' : '13700100002';
    let authToken = await ctx.flow.authToken(androidScheme, { phoneNumber });
    await ctx.flow.openOk(authToken, '100003');
    const code = await ctx.flow.latestSmsCode(phoneNumber);
    expect((await ctx.flow.smsMessages(phoneNumber)).at(-1)?.text).toBe(
      `【速通互联验证码】尊敬的客户，您正在进行重置密码操作，您的验证码为${code}。以上验证码5分钟内有效，请注意保密，切勿告知他人。`,
    );

    await api().post('/v1/admin/sms/signatures', { name: 'Numberflow' }, 'admin');
    const templateCode = (await api().post('/v1/admin/sms/templates', { name: 'reset', content: 'Reset code ${code}, ${min} min.' }, 'admin')).body.code;
    const check = await api().post('/v1/admin/policies/100003/check', { policy: { nodes: { smsCode: { templateCode: 'SMS_999999999' } } } }, 'admin');
    expect(check.body.errors).toContainEqual(expect.objectContaining({ code: 'SMS_TEMPLATE_UNKNOWN', node: 'smsCode', setting: 'templateCode' }));
    await api().request('PUT', `/v1/admin/schemes/${androidScheme.code}/policies/100003`, { body: { inherit: false }, auth: 'admin' });
    const saved = await api().request('PATCH', `/v1/admin/schemes/${androidScheme.code}/policies/100003`, {
      body: { nodes: { smsCode: { signName: 'Numberflow', templateCode, validitySeconds: 120 } } },
      auth: 'admin',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const other = store === 'redis' ? '13700100003' : '13700100004';
    authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: other });
    await ctx.flow.openOk(authToken, '100003');
    const otherCode = await ctx.flow.latestSmsCode(other);
    expect((await ctx.flow.smsMessages(other)).at(-1)?.text).toBe(`【Numberflow】Reset code ${otherCode}, 2 min.`);

    for (const path of [`/v1/admin/sms/templates/${templateCode}`, '/v1/admin/sms/signatures/Numberflow']) {
      const inUse = await api().request('DELETE', path, { auth: 'admin' });
      expect(inUse.status).toBe(409);
      expect(inUse.body.error.code).toMatch(/^SMS_(TEMPLATE|SIGNATURE)_IN_USE$/);
      expect(inUse.body.error.details.policies).toEqual([`scheme ${androidScheme.code} policy 100003`]);
    }
    await api().request('PUT', `/v1/admin/schemes/${androidScheme.code}/policies/100003`, { body: { inherit: true }, auth: 'admin' });
    expect((await api().request('DELETE', `/v1/admin/sms/templates/${templateCode}`, { auth: 'admin' })).status).toBe(204);
  });

  it('the REST send-code renders the chosen template; an unknown one is 400 and nothing is sent', async () => {
    const phoneNumber = store === 'redis' ? '13700100011' : '13700100012';
    const sent = await api().post('/v1/sms-verification/send-code', { phoneNumber, templateCode: '100004', validitySeconds: 240 }, 'accessKey');
    expect(sent.status).toBe(200);
    const code = await ctx.flow.latestSmsCode(phoneNumber);
    expect((await ctx.flow.smsMessages(phoneNumber)).at(-1)?.text).toBe(
      `【速通互联验证码】尊敬的客户，您正在进行绑定手机号操作，您的验证码为${code}。以上验证码4分钟内有效，请注意保密，切勿告知他人。`,
    );
    const unknown = await api().post('/v1/sms-verification/send-code', { phoneNumber: '13700100013', signName: 'Nobody' }, 'accessKey');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('SMS_SIGNATURE_UNKNOWN');
    const both = await api().post(
      '/v1/sms-verification/send-code',
      { phoneNumber: '13700100013', templateCode: '100001', template: 'x ##code##' },
      'accessKey',
    );
    expect(both.status).toBe(400);
    expect(await ctx.flow.smsMessages('13700100013')).toEqual([]);
  });
});
