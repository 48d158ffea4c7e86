import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';
import { WebhookDelivery } from '../../server/webhooks/webhookDelivery.js';
import { sessionWebhookEvent, type WebhookEvent } from '../../server/webhooks/webhookEvent.js';
import { WebhookRepository } from '../../server/webhooks/webhookRepository.js';
import { signWebhook } from '../../server/webhooks/webhookSignature.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.js';

const scheme = 'FA000000000000001';
const finished = (sessionId: string, status: 'verified' | 'failed' | 'expired', extra: { method?: string; failureReason?: string } = {}): WebhookEvent =>
  sessionWebhookEvent({ sessionId, version: 4, schemeCode: scheme, sceneCode: '100001', status, at: Date.parse('2025-01-01T00:00:00Z'), ...extra })!;

let offsetMs = 0;
const clock = () => Date.now() + offsetMs;
let repository: WebhookRepository;
let delivery: WebhookDelivery;
let secret: string;
let app: WebhookReceiver;

beforeEach(async () => {
  offsetMs = 0;
  repository = new WebhookRepository(new MemoryKeyValueStore(clock), 'server-secret-0123456789abcdefghijklmnop', clock);
  delivery = new WebhookDelivery({ repository, clock });
  secret = (await repository.register(scheme, { url: 'http://127.0.0.1:9/unused' })).secret!;
  // The app backend shares numberflow's (test) clock, so a test can move both past the replay window.
  app = await startWebhookReceiver({ secret, now: clock });
  await repository.register(scheme, { url: app.url });
});
afterEach(() => app.close());

describe('a webhook receiver (as an app backend verifies)', () => {
  it('accepts a signed event and rejects the same request with a tampered body', async () => {
    const event = finished('sessA1234567', 'verified', { method: 'smsCode' });
    await delivery.deliver(scheme, event, { attempt: 1 });
    expect(app.events).toEqual([event]);
    const original = app.requests[0]!;

    const tampered = { ...original, body: original.body.replace('"sessA1234567"', '"sessB7654321"') };
    expect(tampered.body).not.toBe(original.body);
    expect(await app.replay(tampered)).toBe(400);
    const reformatted = { ...original, body: JSON.stringify(JSON.parse(original.body), null, 2) };
    expect(await app.replay(reformatted)).toBe(400);
    expect(app.requests.slice(1).map((r) => [r.outcome, r.reason])).toEqual([
      ['rejected', 'mismatch'],
      ['rejected', 'mismatch'],
    ]);
    expect(app.events).toEqual([event]);
  });

  it('rejects a replayed request once its timestamp is outside the window, even for an event it has not accepted', async () => {
    const event = finished('sessC1234567', 'failed', { failureReason: 'blocked' });
    app.failNext(1);
    await expect(delivery.deliver(scheme, event, { attempt: 1 })).rejects.toThrow(/HTTP 500/);
    const captured = app.requests[0]!;

    // Within the window a replay of an accepted event is a duplicate: acknowledged, not accepted twice.
    await delivery.deliver(scheme, event, { attempt: 2 });
    expect(await app.replay(app.requests[1]!)).toBe(200);
    expect(app.requests.at(-1)).toMatchObject({ outcome: 'duplicate' });

    // Ten minutes later the captured request is stale; so is a later one replayed against a fresh receiver.
    offsetMs = 10 * 60 * 1000;
    expect(await app.replay(captured)).toBe(400);
    expect(app.requests.at(-1)).toMatchObject({ outcome: 'rejected', reason: 'stale' });
    const fresh = await startWebhookReceiver({ secret, now: clock });
    try {
      expect(await fresh.replay(captured)).toBe(400);
      expect(fresh.events).toEqual([]);
      // numberflow's own retry is signed afresh and goes through.
      await repository.register(scheme, { url: fresh.url });
      await delivery.deliver(scheme, event, { attempt: 3 });
      expect(fresh.events).toEqual([event]);
    } finally {
      await fresh.close();
    }
    expect(app.events).toEqual([event]);
  });

  it('rejects a forged, unsigned or mislabelled request', async () => {
    const event = finished('sessD1234567', 'expired');
    const body = JSON.stringify(event);
    const nowSeconds = Math.floor(clock() / 1000);
    const post = async (headers: Record<string, string>) => {
      const response = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: response.status, body: await response.json() };
    };
    expect(await post({ 'numberflow-signature': signWebhook('guessed-secret-0000000000', nowSeconds, body), 'numberflow-event-id': event.id })).toEqual({
      status: 400,
      body: { error: 'mismatch' },
    });
    expect(await post({ 'numberflow-event-id': event.id })).toEqual({ status: 400, body: { error: 'malformed' } });
    expect(await post({ 'numberflow-signature': signWebhook(secret, nowSeconds, body), 'numberflow-event-id': 'wh-other-1' })).toEqual({
      status: 400,
      body: { error: 'event-id' },
    });
    expect(app.events).toEqual([]);
    expect(await post({ 'numberflow-signature': signWebhook(secret, nowSeconds, body), 'numberflow-event-id': event.id })).toEqual({
      status: 200,
      body: { received: true },
    });
    expect(await app.waitForEvents(1)).toEqual([event]);
  });

  it('shapes events without phone numbers, one type per finished status', () => {
    expect(finished('s1234567', 'verified', { method: 'numberAuth', failureReason: 'ignored' })).toEqual({
      id: 'wh-s1234567-4',
      type: 'session.verified',
      createdAt: '2025-01-01T00:00:00.000Z',
      data: { sessionId: 's1234567', schemeCode: scheme, sceneCode: '100001', status: 'verified', method: 'numberAuth' },
    });
    expect(finished('s1234567', 'failed', { failureReason: 'cancelled', method: 'ignored' }).data).toEqual({
      sessionId: 's1234567',
      schemeCode: scheme,
      sceneCode: '100001',
      status: 'failed',
      failureReason: 'cancelled',
    });
    expect(finished('s1234567', 'expired').type).toBe('session.expired');
    expect(sessionWebhookEvent({ sessionId: 's', version: 1, schemeCode: scheme, sceneCode: '100001', status: 'pending', at: 0 })).toBeNull();
  });
});
