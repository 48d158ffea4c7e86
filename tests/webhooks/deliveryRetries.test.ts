import { afterEach, describe, expect, it } from 'vitest';
import { InProcessJobQueue } from '../../server/jobs/inProcessJobQueue.js';
import type { JobKind, JobSpec } from '../../server/jobs/jobQueue.js';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';
import { WebhookDelivery } from '../../server/webhooks/webhookDelivery.js';
import { sessionWebhookEvent } from '../../server/webhooks/webhookEvent.js';
import { WebhookRepository } from '../../server/webhooks/webhookRepository.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.js';

/**
 * Deliveries under the job runner, as the `webhook` jobs run them: a failed attempt throws,
 * the queue retries it with backoff, the last failure is marked final in the history.
 */
const scheme = 'FA000000000000001';
const fastRetry = { attempts: 3, baseDelayMs: 20, jitter: 0 };
const event = sessionWebhookEvent({
  sessionId: 'sessJ1234567',
  version: 5,
  schemeCode: scheme,
  sceneCode: '100003',
  status: 'verified',
  method: 'smsCode',
  at: 0,
})!;
const job: JobSpec = { kind: 'webhook', id: event.id, data: { schemeCode: scheme }, retry: fastRetry };

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup() {
  const repository = new WebhookRepository(new MemoryKeyValueStore(Date.now), 'server-secret-0123456789abcdefghijklmnop', Date.now);
  const { secret } = await repository.register(scheme, { url: 'http://127.0.0.1:9/unused' });
  const app: WebhookReceiver = await startWebhookReceiver({ secret: secret! });
  await repository.register(scheme, { url: app.url });
  const delivery = new WebhookDelivery({ repository, clock: Date.now, timeoutMs: 1000 });
  const exhausted: Array<{ kind: JobKind; error: Error }> = [];
  const queue = new InProcessJobQueue();
  const noop = async () => {};
  await queue.startWorker({
    action: noop,
    maintenance: noop,
    webhook: async (data, context) => {
      await delivery.deliver(String(data.schemeCode), event, context);
    },
    exhausted: async (kind, _data, error) => void exhausted.push({ kind, error }),
  });
  closers.push(
    () => app.close(),
    () => queue.close(100),
  );
  return { repository, app, queue, exhausted };
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('webhook deliveries under the job runner', () => {
  it('retries a failing receiver until it takes the event, once', async () => {
    const { repository, app, queue } = await setup();
    app.failNext(2, 502);
    await queue.add(job);
    await queue.add(job); // the same id: one job
    expect(await app.waitForEvents(1)).toEqual([event]);
    await until(async () => (await repository.attempts(scheme)).length === 3);
    expect((await repository.attempts(scheme)).map((a) => [a.attempt, a.ok, a.httpStatus])).toEqual([
      [3, true, 200],
      [2, false, 502],
      [1, false, 502],
    ]);
    expect(app.requests).toHaveLength(3);
  });

  it('gives up after the last attempt, which is recorded as final', async () => {
    const { repository, app, queue, exhausted } = await setup();
    app.failNext(10);
    await queue.add(job);
    await until(() => exhausted.length === 1);
    expect(exhausted[0]!.kind).toBe('webhook');
    expect(exhausted[0]!.error.name).toBe('WebhookDeliveryError');
    const attempts = await repository.attempts(scheme);
    expect(attempts.map((a) => [a.attempt, a.ok, a.final ?? false])).toEqual([
      [3, false, true],
      [2, false, false],
      [1, false, false],
    ]);
    expect(app.events).toEqual([]);
  });

  it('a scheme without a webhook completes the job at once, sending nothing', async () => {
    const { repository, app, queue, exhausted } = await setup();
    await repository.remove(scheme);
    await queue.add(job);
    await until(async () => {
      const { waiting, active, delayed } = (await queue.counts()).webhook;
      return waiting + active + delayed === 0;
    });
    expect(app.requests).toEqual([]);
    expect(exhausted).toEqual([]);
    expect(await repository.attempts(scheme)).toEqual([]);
  });
});
