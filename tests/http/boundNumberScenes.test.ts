import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

async function proveBySms(authToken: string, sessionId: string, phoneNumber: string) {
  const code = await ctx.flow.latestSmsCode(phoneNumber);
  return ctx.flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code });
}

describe('scenes that prove a known or a new number, over HTTP on Redis', () => {
  it('100002 change phone number: proves the bound number, then the new one, in one session', async () => {
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: '13700000001' });
    const session = await ctx.flow.openOk(authToken, '100002');
    expect(session.state).toBe('proveBoundNumber.sms.awaitingCode');
    expect(session.nextAction).toMatchObject({ type: 'smsCode', phoneNumber: '137****0001' });

    const phaseTwo = await proveBySms(authToken, session.id, '13700000001');
    expect(phaseTwo).toMatchObject({ status: 'pending', state: 'proveNewNumber.enterPhone', nextAction: { type: 'enterPhone' } });

    const same = await ctx.flow.send(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13700000001' });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('EVENT_NOT_ACCEPTED');

    const newNumber = await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13700000002' });
    expect(newNumber.nextAction).toMatchObject({ type: 'smsCode', phoneNumber: '137****0002' });
    const done = await proveBySms(authToken, session.id, '13700000002');
    expect(done.status).toBe('verified');
    expect((await ctx.flow.verify(done.verifyToken)).body).toMatchObject({
      verifyResult: 'PASS',
      phoneNumber: '13700000002',
      sceneCode: '100002',
      method: 'smsCode',
    });
  });

  it('100003 reset password: an SMS code to the bound number', async () => {
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: '13700000003' });
    const session = await ctx.flow.openOk(authToken, '100003');
    expect(session.nextAction.type).toBe('smsCode');
    const done = await proveBySms(authToken, session.id, '13700000003');
    expect((await ctx.flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber: '13700000003', sceneCode: '100003' });
  });

  it.each(['100002', '100003', '100005'])('scene %s needs the bound number from the app backend', async (sceneCode) => {
    const authToken = await ctx.flow.authToken();
    const response = await ctx.flow.open(authToken, sceneCode);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('BOUND_PHONE_NUMBER_REQUIRED');
  });

  it('100004 bind new phone number: a number the user enters', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100004');
    expect(session.nextAction.type).toBe('enterPhone');
    await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13700000004' });
    const done = await proveBySms(authToken, session.id, '13700000004');
    expect((await ctx.flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber: '13700000004', sceneCode: '100004' });
  });

  it('100005 verify bound number: SMS by default', async () => {
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: '13700000005' });
    const session = await ctx.flow.openOk(authToken, '100005');
    const done = await proveBySms(authToken, session.id, '13700000005');
    expect((await ctx.flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber: '13700000005', sceneCode: '100005' });
  });

  describe('100005 with the mobile number check switched on (beyond the vendor)', () => {
    const schemeCode = 'FA900000000100005';
    beforeAll(async () => {
      await ctx.server.api.post('/v1/admin/schemes', { ...androidScheme, code: schemeCode, name: 'number check' }, 'admin');
      const policy = defaultPolicy('100005');
      policy.nodes.numberAuth.enabled = true;
      await ctx.server.numberflow.services.policies.setSchemePolicy(schemeCode, policy, '100005');
    });

    it('a carrier token of the bound number passes without an SMS', async () => {
      const authToken = await ctx.flow.authToken({ ...androidScheme, code: schemeCode }, { phoneNumber: '13700000006' });
      const session = await ctx.flow.openOk(authToken, '100005');
      expect(session.nextAction.type).toBe('numberAuth');
      const accessToken = await ctx.flow.carrierToken('13700000006');
      const done = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
      expect(done.status).toBe('verified');
      expect((await ctx.flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber: '13700000006', method: 'numberAuth' });
      expect(await ctx.flow.smsMessages('13700000006')).toEqual([]);
    });

    it('a carrier token of another SIM is rejected and the bound number is proved by SMS', async () => {
      const authToken = await ctx.flow.authToken({ ...androidScheme, code: schemeCode }, { phoneNumber: '13700000007' });
      const session = await ctx.flow.openOk(authToken, '100005');
      const accessToken = await ctx.flow.carrierToken('13700000008');
      const rejected = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken });
      expect(rejected.nextAction).toMatchObject({ type: 'smsCode', phoneNumber: '137****0007' });
      const done = await proveBySms(authToken, session.id, '13700000007');
      expect((await ctx.flow.verify(done.verifyToken)).body).toMatchObject({ phoneNumber: '13700000007', method: 'smsCode' });
    });
  });
});
