import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../server/webhooks/webhookSignature.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

function post(body: unknown, options: { secret?: string; at?: number; tamper?: boolean } = {}) {
  const raw = JSON.stringify(body);
  const t = Math.floor((options.at ?? Date.now()) / 1000);
  const signature = signWebhook(options.secret ?? testCredentials.uplinkWebhookSecret, t, raw);
  return ctx.server.api.request('POST', '/v1/inbound/uplink-sms', {
    rawBody: options.tamper ? raw.replace('1380', '1390') : raw,
    headers: { 'content-type': 'application/json', 'numberflow-signature': signature },
  });
}

describe('the signed inbound uplink-SMS webhook (any SMS provider)', () => {
  it('a correctly signed SMS with the session’s code from the user’s phone verifies the session', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001', { emulator: true, hooked: true });
    expect(session.nextAction.type).toBe('uplinkSms');
    const { code, receivingNumber } = session.nextAction;

    const accepted = await post({ from: '+8613800000801', to: receivingNumber, text: `code ${code}`, messageId: 'm-1' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ accepted: true });
    const after = await ctx.flow.get(authToken, session.id);
    expect(after.body.status).toBe('verified');
    expect((await ctx.flow.verify(after.body.verifyToken)).body).toMatchObject({ phoneNumber: '13800000801', method: 'uplinkSms' });
  });

  it('refuses a wrong secret, a tampered body, a stale timestamp and no signature, and changes nothing', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001', { emulator: true, hooked: true });
    const sms = { from: '13800000802', to: session.nextAction.receivingNumber, text: session.nextAction.code };
    for (const response of [
      await post(sms, { secret: 'not-the-secret-0123456789abcdef' }),
      await post(sms, { tamper: true }),
      await post(sms, { at: Date.now() - 600_000 }),
      await ctx.server.api.request('POST', '/v1/inbound/uplink-sms', { body: sms }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect((await ctx.flow.get(authToken, session.id)).body.status).toBe('pending');
  });

  it('answers alike whether or not the message matched anything', async () => {
    const unknown = await post({ from: '13800000803', to: '1069000000001', text: 'hello 000000' });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual({ accepted: true });
  });
});
