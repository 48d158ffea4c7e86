import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedSession } from '../../server/engine/sessionEngine.js';
import type { PendingAction } from '../../server/stores/sessionStore.js';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';
import { notifyApp as notifyAppAction } from '../../server/engine/actions/notifyApp.js';
import { notifyAppEvent } from '../../server/webhooks/notifyApp.js';
import { WebhookDelivery } from '../../server/webhooks/webhookDelivery.js';
import { WebhookRepository } from '../../server/webhooks/webhookRepository.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.js';

const scheme = 'FA000000000000001';
const sessionId = 'Ab-cD_ef-12345678';

/** Just what notifyApp reads of a session: the record and a snapshot in a final state. */
function session(state: 'verified' | 'failed' | 'expired' | 'proveNumber', context: Record<string, unknown>, version = 9): LoadedSession {
  return {
    record: { id: sessionId, schemeCode: scheme, sceneCode: '100001', version, updatedAt: Date.parse('2025-01-01T00:10:00Z') },
    snapshot: { context, matches: (value: string) => value === state },
  } as unknown as LoadedSession;
}
const action = (params: Record<string, unknown> = {}): PendingAction => ({
  id: `${sessionId}-7-0`,
  type: 'notifyApp',
  params,
  createdAt: Date.parse('2025-01-01T00:05:00Z'),
});

let app: WebhookReceiver | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('notifyApp', () => {
  it('makes the event of the finishing write: its version, its time, no phone number', () => {
    const event = notifyAppEvent(session('verified', { method: 'numberAuth', phoneNumber: '13812345678', failureReason: undefined }), action());
    expect(event).toEqual({
      id: `wh-${sessionId}-7`,
      type: 'session.verified',
      createdAt: '2025-01-01T00:05:00.000Z',
      data: { sessionId, schemeCode: scheme, sceneCode: '100001', status: 'verified', method: 'numberAuth' },
    });
    expect(JSON.stringify(event)).not.toContain('13812345678');
    expect(notifyAppEvent(session('failed', { failureReason: 'blocked' }), action())).toMatchObject({
      type: 'session.failed',
      data: { failureReason: 'blocked' },
    });
    expect(notifyAppEvent(session('expired', {}), action())?.type).toBe('session.expired');
    expect(notifyAppEvent(session('proveNumber', {}), action({ status: 'expired' }))?.type).toBe('session.expired');
    expect(notifyAppEvent(session('proveNumber', {}), action())).toBeNull();
  });

  it('is done at once in the request without a webhook; with one it waits for a job, which delivers it', async () => {
    const repository = new WebhookRepository(new MemoryKeyValueStore(Date.now), 'server-secret-0123456789abcdefghijklmnop', Date.now);
    const notifyApp = notifyAppAction(new WebhookDelivery({ repository, clock: Date.now }), repository);
    const run = (attempt: number, inJob: boolean) =>
      notifyApp({ session: session('verified', { method: 'smsCode' }), params: { status: 'verified' }, action: action(), attempt, lastAttempt: false, inJob });
    // No webhook: nothing to do, in the request.
    expect(await run(1, false)).toBe('done');

    const { secret } = await repository.register(scheme, { url: 'http://127.0.0.1:9/unused' });
    app = await startWebhookReceiver({ secret: secret! });
    await repository.register(scheme, { url: app.url });
    // The request hands it to a job: a slow backend never holds up the client's answer.
    expect(await run(1, false)).toBe('handOver');
    expect(app.requests).toHaveLength(0);
    app.failNext(1);
    await expect(run(1, true)).rejects.toThrow(/HTTP 500/);
    expect(await run(2, true)).toBe('done');
    expect(app.events.map((e) => e.id)).toEqual([`wh-${sessionId}-7`]);
  });
});
