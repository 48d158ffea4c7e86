import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const scheme = { ...androidScheme, code: 'FA600000000000001', name: 'recycled numbers' };
const ctx = useTestServer({}, async () => {
  await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin');
  const policy = defaultPolicy('100004');
  policy.nodes.phoneRisk.threshold = 60;
  await ctx.server.numberflow.services.policies.setSchemePolicy(scheme.code, policy, '100004');
});

describe('numbers the carrier marks as recycled', () => {
  it('score higher in phone risk; above the threshold the session goes to uplink SMS, and the trace says why', async () => {
    const authToken = await ctx.flow.authToken(scheme);
    const plain = await ctx.flow.openOk(authToken, '100004');
    expect((await ctx.flow.sendOk(authToken, plain.id, { type: 'PHONE_NUMBER', phoneNumber: '13500000601' })).nextAction.type).toBe('smsCode');

    expect((await ctx.server.api.request('PUT', '/v1/simulator/recycled-numbers/13500000602')).body).toEqual({ phoneNumber: '13500000602', recycled: true });
    const recycled = await ctx.flow.openOk(authToken, '100004');
    const routed = await ctx.flow.sendOk(authToken, recycled.id, { type: 'PHONE_NUMBER', phoneNumber: '13500000602' });
    expect(routed.nextAction.type).toBe('uplinkSms');
    expect(JSON.stringify(routed)).not.toMatch(/recycled/i); // the client is not told why
    const trace = await ctx.server.api.get(`/v1/admin/sessions/${recycled.id}/trace`, 'admin');
    const risk = trace.body.entries.find((entry: { payload: { type?: string } }) => entry.payload.type === 'PHONE_RISK_RESULT');
    expect(risk.payload.reasons.join(' ')).toMatch(/recycled/);
  });
});
