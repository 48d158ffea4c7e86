import { afterAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/webhookReceiver.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const scheme = { ...androidScheme, code: 'FA700000000000001', name: 'webhooks' };
let receiver: WebhookReceiver;
let secret = '';

const ctx = useTestServer({ env: { WEBHOOK_RETRY_BASE_MS: '50' } }, async () => {
  await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin');
  receiver = await startWebhookReceiver({ secret: 'placeholder-secret-0123456789' });
  const registered = await ctx.server.api.request('PUT', `/v1/admin/schemes/${scheme.code}/webhook`, { body: { url: receiver.url }, auth: 'admin' });
  expect(registered.status).toBe(200);
  secret = registered.body.secret;
  await receiver.close();
  receiver = await startWebhookReceiver({ secret, now: ctx.server.clock.now });
  await ctx.server.api.request('PUT', `/v1/admin/schemes/${scheme.code}/webhook`, { body: { url: receiver.url }, auth: 'admin' });
});
afterAll(() => receiver?.close());

describe('signed webhooks to the app backend', () => {
  it('a verified session is POSTed once, signed, with a stable event id and no phone number', async () => {
    const authToken = await ctx.flow.authToken(scheme);
    const session = await ctx.flow.openOk(authToken, '100001');
    const done = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13800000701') });
    const [event] = await receiver.waitForEvents(1, 5_000);
    expect(event).toMatchObject({
      id: `wh-${session.id}-${done.version}`,
      type: 'session.verified',
      data: { sessionId: session.id, schemeCode: scheme.code, sceneCode: '100001', status: 'verified', method: 'numberAuth' },
    });
    expect(JSON.stringify(event)).not.toContain('13800000701');
    expect(receiver.requests[0]!.headers['numberflow-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('a failed and an expired session are POSTed too', async () => {
    const authToken = await ctx.flow.authToken(scheme);
    const cancelled = await ctx.flow.openOk(authToken, '100004');
    await ctx.flow.sendOk(authToken, cancelled.id, { type: 'CANCEL' });
    const expiring = await ctx.flow.openOk(authToken, '100004');
    ctx.server.clock.advanceSeconds(601);
    try {
      expect((await ctx.flow.get(authToken, expiring.id)).body.status).toBe('expired');
      const events = await receiver.waitForEvents(3, 5_000);
      expect(events.slice(1).map((e) => [e.type, e.data.sessionId, e.data.failureReason])).toEqual(
        expect.arrayContaining([
          ['session.failed', cancelled.id, 'cancelled'],
          ['session.expired', expiring.id, undefined],
        ]),
      );
    } finally {
      ctx.server.clock.advanceSeconds(-601);
    }
  });

  it('a backend that fails is retried with backoff until it takes the event; the operator sees the attempts', async () => {
    receiver.failNext(2, 503);
    const authToken = await ctx.flow.authToken(scheme);
    const session = await ctx.flow.openOk(authToken, '100004');
    await ctx.flow.sendOk(authToken, session.id, { type: 'CANCEL' });
    const events = await receiver.waitForEvents(4, 10_000);
    expect(events.at(-1)!.data.sessionId).toBe(session.id);
    const attemptsFor = receiver.requests.filter((r) => r.eventId === events.at(-1)!.id);
    expect(attemptsFor.map((r) => r.status)).toEqual([503, 503, 200]);

    const view = await ctx.server.api.get(`/v1/admin/schemes/${scheme.code}/webhook`, 'admin');
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(secret);
    const history = view.body.recentAttempts.filter((a: { eventId: string }) => a.eventId === events.at(-1)!.id);
    expect(history.map((a: { ok: boolean; attempt: number }) => [a.attempt, a.ok]).sort()).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('the receiver rejects a tampered body and a replayed request', async () => {
    const original = receiver.requests.find((r) => r.outcome === 'accepted')!;
    const tampered = { ...original, body: original.body.replace('"verified"', '"failed"') };
    expect(await receiver.replay(tampered)).toBe(400);
    ctx.server.clock.advanceSeconds(400);
    try {
      expect(await receiver.replay(original)).toBe(400); // outside the 300 s window
    } finally {
      ctx.server.clock.advanceSeconds(-400);
    }
  });
});
