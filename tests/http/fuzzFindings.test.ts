import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { useTestServer } from '../support/useTestServer.js';

/** What the fuzz suite (fuzzOpenApi.property.test.ts) found once, kept as plain cases so it stays fixed. */
const ctx = useTestServer({ store: 'memory' });

describe('found by the fuzz suite', () => {
  it('a policy whose sceneCode is an object that cannot become text (toString not a function) is refused with 400, not 500', async () => {
    const odd = { toString: '' };
    const policy = { ...defaultPolicy('100001'), sceneCode: odd };
    const config = (await ctx.server.api.get('/v1/admin/config', 'admin')).body;
    config.policies.global['100001'].policy = policy;
    const answers = [
      await ctx.server.api.request('PUT', '/v1/admin/policies/100001', { body: policy, auth: 'admin' }),
      await ctx.server.api.request('PATCH', '/v1/admin/policies/100001', { body: { sceneCode: odd }, auth: 'admin' }),
      await ctx.server.api.request('PUT', '/v1/admin/schemes/FA000000000000001/policies/100001', { body: { inherit: false, policy }, auth: 'admin' }),
      await ctx.server.api.request('POST', '/v1/admin/config', { body: config, auth: 'admin' }),
    ];
    expect(answers.map((answer) => [answer.status, answer.body.error?.code])).toEqual([
      [400, 'POLICY_INVALID'],
      [400, 'POLICY_INVALID'],
      [400, 'POLICY_INVALID'],
      [400, 'CONFIG_INVALID'],
    ]);
  });
});
