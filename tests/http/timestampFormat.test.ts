import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * One format per field: every time the public API answers (outside the vendor endpoint's own
 * shapes) is an ISO 8601 string: in a session's next action, in the REST send-code answer and in
 * the details of a refused resend, which all say the same `resendAvailableAt`.
 */
const ctx = useTestServer();

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const expectIsoTime = (value: unknown, what: string) => {
  expect(value, what).toMatch(isoTime);
  expect(new Date(value as string).toISOString(), what).toBe(value);
};

describe('timestamps are ISO 8601 everywhere', () => {
  it("a session's smsCode next action, and the resend it refuses, say the same resendAvailableAt", async () => {
    const phoneNumber = '13600000951';
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber });
    const opened = await ctx.flow.openOk(authToken, '100003');
    expect(opened.nextAction.type).toBe('smsCode');
    expectIsoTime(opened.nextAction.resendAvailableAt, 'nextAction.resendAvailableAt');
    expectIsoTime(opened.nextAction.codeExpiresAt, 'nextAction.codeExpiresAt');
    expectIsoTime(opened.expiresAt, 'expiresAt');
    const now = ctx.server.clock.now();
    expect(Date.parse(opened.nextAction.resendAvailableAt) - now).toBeGreaterThan(55_000);
    expect(Date.parse(opened.nextAction.resendAvailableAt) - now).toBeLessThanOrEqual(60_000);

    const early = await ctx.flow.send(authToken, opened.id, { type: 'RESEND_SMS' });
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ code: 'RESEND_TOO_EARLY', details: { resendAvailableAt: opened.nextAction.resendAvailableAt } });
  });

  it('an uplinkSms next action says when its code expires as an ISO time', async () => {
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: '13900000952' });
    const session = await ctx.flow.openOk(authToken, '100003', { emulator: true, hooked: true });
    expect(session.nextAction.type).toBe('uplinkSms');
    expectIsoTime(session.nextAction.expiresAt, 'nextAction.expiresAt');
    expect(Date.parse(session.nextAction.expiresAt)).toBeGreaterThan(ctx.server.clock.now());
  });

  it('REST send-code answers and refuses with ISO times, like the session', async () => {
    const send = () => ctx.server.api.post('/v1/sms-verification/send-code', { phoneNumber: '13200000953' }, 'accessKey');
    const sent = await send();
    expect(sent.status).toBe(200);
    expectIsoTime(sent.body.expiresAt, 'expiresAt');
    expectIsoTime(sent.body.resendAvailableAt, 'resendAvailableAt');
    const early = await send();
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ code: 'SMS_TOO_SOON', details: { resendAvailableAt: sent.body.resendAvailableAt } });
  });
});
