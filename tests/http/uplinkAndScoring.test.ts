import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const scoring = { ...androidScheme, code: 'FA500000000000001', name: 'scoring' };
const ctx = useTestServer({}, async () => {
  await ctx.server.api.post('/v1/admin/schemes', scoring, 'admin');
  const policy = defaultPolicy('100001');
  policy.nodes.scoring.enabled = true;
  await ctx.server.numberflow.services.policies.setSchemePolicy(scoring.code, policy, '100001');
});

describe('uplink SMS for a known number', () => {
  it('an SMS with the right code from another number does not verify; from the bound number it does', async () => {
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: '13900000701' });
    const session = await ctx.flow.openOk(authToken, '100003', { emulator: true, hooked: true });
    expect(session.nextAction.type).toBe('uplinkSms');
    const { code, receivingNumber } = session.nextAction;

    await ctx.server.api.post('/v1/simulator/uplink-sms', { from: '13900000702', to: receivingNumber, text: code });
    expect((await ctx.flow.get(authToken, session.id)).body.status).toBe('pending');
    await ctx.server.api.post('/v1/simulator/uplink-sms', { from: '13900000701', to: receivingNumber, text: `${code}` });
    const done = await ctx.flow.get(authToken, session.id);
    expect(done.body.status).toBe('verified');
    expect((await ctx.flow.verify(done.body.verifyToken)).body).toMatchObject({ phoneNumber: '13900000701', method: 'uplinkSms' });
  });
});

describe('the scoring node', () => {
  it('adds phoneScore (higher is riskier) to the verify result when the policy switches it on', async () => {
    const authToken = await ctx.flow.authToken(scoring);
    const plain = await ctx.flow.openOk(authToken, '100001');
    const verified = await ctx.flow.sendOk(authToken, plain.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13900000703') });
    const result = (await ctx.flow.verify(verified.verifyToken)).body;
    expect(result).toMatchObject({ verifyResult: 'PASS', phoneNumber: '13900000703' });
    expect(result.phoneScore).toBeGreaterThanOrEqual(0);
    expect(result.phoneScore).toBeLessThanOrEqual(100);

    const virtual = await ctx.flow.openOk(authToken, '100001');
    const token = await ctx.flow.carrierToken('17000000704');
    const riskier = await ctx.flow.sendOk(authToken, virtual.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: token });
    // A virtual-operator number scores higher (default threshold 70 still lets it through).
    expect(riskier.status).toBe('verified');
    expect((await ctx.flow.verify(riskier.verifyToken)).body.phoneScore).toBeGreaterThan(result.phoneScore);

    const off = await ctx.flow.authToken();
    const unscored = await ctx.flow.openOk(off, '100001');
    const done = await ctx.flow.sendOk(off, unscored.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13900000705') });
    expect((await ctx.flow.verify(done.verifyToken)).body.phoneScore).toBeUndefined();
  });
});
