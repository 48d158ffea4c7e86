import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';
import { WebhookDelivery, WebhookDeliveryError } from '../../server/webhooks/webhookDelivery.js';
import { sessionWebhookEvent, type WebhookEvent } from '../../server/webhooks/webhookEvent.js';
import { WebhookRepository } from '../../server/webhooks/webhookRepository.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.js';

const serverSecret = 'server-secret-0123456789abcdefghijklmnop';
const scheme = 'FA000000000000001';
const event: WebhookEvent = sessionWebhookEvent({
  sessionId: 'sess_AbCdEf123456',
  version: 7,
  schemeCode: scheme,
  sceneCode: '100001',
  status: 'verified',
  method: 'numberAuth',
  at: Date.parse('2025-01-01T00:00:00Z'),
})!;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(options: { timeoutMs?: number } = {}) {
  const clock = () => Date.now();
  const repository = new WebhookRepository(new MemoryKeyValueStore(clock), serverSecret, clock);
  const delivery = new WebhookDelivery({ repository, clock, ...options });
  return { repository, delivery };
}

async function receiver(secret: string): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver({ secret });
  closers.push(() => started.close());
  return started;
}

/** A port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('WebhookDelivery', () => {
  it('POSTs the event, signed; a real receiver verifies it and the attempt is recorded', async () => {
    const { repository, delivery } = await setup();
    const { secret } = await repository.register(scheme, { url: 'http://127.0.0.1:1/placeholder' });
    const app = await receiver(secret!);
    await repository.register(scheme, { url: app.url });

    expect(await delivery.deliver(scheme, event, { attempt: 1 })).toBe('delivered');
    expect(app.events).toEqual([event]);
    const [request] = app.requests;
    expect(request).toMatchObject({ outcome: 'accepted', status: 200, eventId: event.id });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBe('numberflow-webhooks');
    expect(request!.headers['numberflow-event-id']).toBe('wh-sess_AbCdEf123456-7');
    expect(request!.headers['numberflow-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(request!.body).toBe(JSON.stringify(event));
    expect(JSON.parse(request!.body)).toEqual({
      id: 'wh-sess_AbCdEf123456-7',
      type: 'session.verified',
      createdAt: '2025-01-01T00:00:00.000Z',
      data: { sessionId: 'sess_AbCdEf123456', schemeCode: scheme, sceneCode: '100001', status: 'verified', method: 'numberAuth' },
    });

    const [attempt] = await repository.attempts(scheme);
    expect(attempt).toMatchObject({ eventId: event.id, type: 'session.verified', attempt: 1, ok: true, httpStatus: 200 });
    expect(attempt!.error).toBeUndefined();
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(attempt!.at)).toBeGreaterThan(0);
  });

  it('a non-2xx answer is recorded and thrown, for the job runner to retry; the retry is delivered once', async () => {
    const { repository, delivery } = await setup();
    const { secret } = await repository.register(scheme, { url: 'http://127.0.0.1:1/x' });
    const app = await receiver(secret!);
    await repository.register(scheme, { url: app.url });
    app.failNext(1, 503);

    const failure = await delivery.deliver(scheme, event, { attempt: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WebhookDeliveryError);
    expect((failure as WebhookDeliveryError).httpStatus).toBe(503);
    expect(app.events).toEqual([]);

    expect(await delivery.deliver(scheme, event, { attempt: 2 })).toBe('delivered');
    // A duplicate (say the acknowledgement was lost) is acknowledged, not accepted twice.
    expect(await delivery.deliver(scheme, event, { attempt: 3 })).toBe('delivered');
    expect(app.events).toEqual([event]);
    expect(app.requests.map((r) => r.outcome)).toEqual(['failed', 'accepted', 'duplicate']);

    const attempts = await repository.attempts(scheme);
    expect(attempts.map((a) => [a.attempt, a.ok, a.httpStatus, a.error])).toEqual([
      [3, true, 200, undefined],
      [2, true, 200, undefined],
      [1, false, 503, 'HTTP 503'],
    ]);
  });

  it('a receiver that rejects the signature (wrong secret) fails the attempt', async () => {
    const { repository, delivery } = await setup();
    const app = await receiver('not-the-registered-secret-000');
    await repository.register(scheme, { url: app.url });
    await expect(delivery.deliver(scheme, event, { attempt: 1, lastAttempt: true })).rejects.toThrow(/HTTP 400/);
    expect(app.requests[0]).toMatchObject({ outcome: 'rejected', reason: 'mismatch' });
    expect((await repository.attempts(scheme))[0]).toMatchObject({ ok: false, httpStatus: 400, final: true });
  });

  it('times out on a receiver that never answers', async () => {
    const { repository, delivery } = await setup({ timeoutMs: 200 });
    const { secret } = await repository.register(scheme, { url: 'http://127.0.0.1:1/x' });
    const app = await receiver(secret!);
    await repository.register(scheme, { url: app.url });
    app.hang();

    const started = Date.now();
    await expect(delivery.deliver(scheme, event, { attempt: 1 })).rejects.toThrow(/timeout after 200 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    const [attempt] = await repository.attempts(scheme);
    expect(attempt).toMatchObject({ ok: false, error: 'timeout after 200 ms' });
    expect(attempt!.httpStatus).toBeUndefined();
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('records a network error (connection refused) and a URL that cannot be fetched', async () => {
    const { repository, delivery } = await setup();
    await repository.register(scheme, { url: `http://127.0.0.1:${await closedPort()}/nobody-listens` });
    await expect(delivery.deliver(scheme, event, { attempt: 1 })).rejects.toBeInstanceOf(WebhookDeliveryError);
    await repository.register(scheme, { url: 'not a url' });
    await expect(delivery.deliver(scheme, event, { attempt: 2 })).rejects.toBeInstanceOf(WebhookDeliveryError);
    const attempts = await repository.attempts(scheme);
    expect(attempts.map((a) => [a.attempt, a.ok, a.httpStatus])).toEqual([
      [2, false, undefined],
      [1, false, undefined],
    ]);
    expect(attempts[0]!.error).toMatch(/URL/);
    expect(attempts[1]!.error).toMatch(/ECONNREFUSED/);
  });

  it('does not follow a redirect', async () => {
    const { repository } = await setup();
    const calls: string[] = [];
    const fetch = async (url: string) => {
      calls.push(url);
      return new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } });
    };
    const redirected = new WebhookDelivery({ repository, clock: Date.now, fetch });
    await repository.register(scheme, { url: 'https://app.example/h' });
    await expect(redirected.deliver(scheme, event, { attempt: 1 })).rejects.toThrow(/HTTP 302/);
    expect(calls).toEqual(['https://app.example/h']);
  });

  it('is not-registered without a webhook or with a disabled one, and sends nothing', async () => {
    const { repository } = await setup();
    const calls: unknown[] = [];
    const counting = new WebhookDelivery({ repository, clock: Date.now, fetch: async (...args) => (calls.push(args), new Response(null, { status: 200 })) });
    expect(await counting.deliver(scheme, event, { attempt: 1 })).toBe('not-registered');
    await repository.register(scheme, { url: 'https://app.example/h', enabled: false });
    expect(await counting.deliver(scheme, event, { attempt: 1 })).toBe('not-registered');
    expect(calls).toEqual([]);
    expect(await repository.attempts(scheme)).toEqual([]);
  });

  it('signs with both secrets during a rotation', async () => {
    const { repository, delivery } = await setup();
    const { secret: old } = await repository.register(scheme, { url: 'http://127.0.0.1:1/x' });
    const { secret: fresh } = await repository.register(scheme, { url: 'http://127.0.0.1:1/x', rotateSecret: true });
    const onOld = await receiver(old!);
    await repository.register(scheme, { url: onOld.url });
    expect(await delivery.deliver(scheme, event, { attempt: 1 })).toBe('delivered');
    const onNew = await receiver(fresh!);
    await repository.register(scheme, { url: onNew.url });
    expect(await delivery.deliver(scheme, event, { attempt: 1 })).toBe('delivered');
    expect(onOld.requests[0]!.headers['numberflow-signature']!.split(',')).toHaveLength(3);
  });
});
