import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SimulatorSmsOutbox } from '../../adapters/sms/simulatorSmsOutbox.js';
import { BullMqJobQueue } from '../../server/jobs/bullmqJobQueue.js';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import type { Storage } from '../../server/stores/storage.js';
import { ApiClient } from '../support/apiClient.js';
import { FusionAuthFlow, androidScheme } from '../support/fusionAuthFlow.js';
import { startServerProcess, startWorkerProcess, type ServerProcess } from '../support/serverProcess.js';
import { processEnvironment } from '../support/testServer.js';
import { until } from '../support/until.js';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/webhookReceiver.js';

const keyPrefix = `t-${randomUUID()}:`;
const env = {
  ...processEnvironment(inject('redisUrl'), keyPrefix),
  // A crashed worker's job is taken back within about two seconds; an outbox left by a crash within one.
  JOB_LOCK_MS: '1500',
  JOB_STALLED_INTERVAL_MS: '500',
  WEBHOOK_RETRY_BASE_MS: '200',
  SWEEP_INTERVAL_MS: '300',
  SWEEP_STALE_AFTER_MS: '1000',
};

let storage: Storage;
let api: ServerProcess;
const workers: ServerProcess[] = [];
const apis: ServerProcess[] = [];
let receiver: WebhookReceiver;

beforeAll(async () => {
  storage = createRedisStorage({ url: inject('redisUrl'), keyPrefix });
  api = await startApi();
});
afterAll(async () => {
  for (const process of apis) await process.kill('SIGKILL');
  for (const worker of workers) await worker.kill('SIGKILL');
  await receiver?.close();
  await storage?.close();
});

async function startWorker(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const worker = await startWorkerProcess({ ...env, ...extra });
  workers.push(worker);
  return worker;
}

/** An API process that runs no jobs: what it cannot finish in a request is a worker's. */
async function startApi(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const started = await startServerProcess({ ...env, RUN_JOBS: 'false', ...extra });
  apis.push(started);
  return started;
}

const stateOf = async (sessionId: string) => JSON.stringify((await storage.sessions.load(sessionId))?.snapshot.value ?? null);

/**
 * An API process dies inside a slow SMS send of a session of scene 100003 (the send is saved in the
 * outbox before it goes out): the session is left in `sending` with the send in its outbox.
 */
async function sessionLeftMidSend(phoneNumber: string): Promise<{ authToken: string; sessionId: string }> {
  const slowApi = await startApi({ SIMULATOR_SMS_LATENCY_MS: '4000' });
  const flow = new FusionAuthFlow(new ApiClient(slowApi.baseUrl));
  const authToken = await flow.authToken(androidScheme, { phoneNumber });
  const before = new Set(await storage.sessions.recentIds(10_000));
  // The request sends the code itself; it never answers, because its process is killed mid-send.
  void flow.open(authToken, '100003').catch(() => {});
  let sessionId = '';
  await until(
    async () => {
      sessionId = (await storage.sessions.recentIds(10_000)).find((id) => !before.has(id)) ?? '';
      return sessionId !== '' && (await stateOf(sessionId)) === '{"proveBoundNumber":{"sms":"sending"}}';
    },
    10_000,
    'the send to be under way',
  );
  expect((await storage.sessions.load(sessionId))!.pending.map((action) => action.type)).toEqual(['sendSmsCode']);
  expect(await slowApi.kill('SIGKILL')).toBe(null);
  return { authToken, sessionId };
}

describe('a process killed in the middle of its work', () => {
  it('an SMS send: the API dies mid-send, a worker takes it over from the outbox and dies too; the next one sends it, exactly once, and the code works', async () => {
    const flow = new FusionAuthFlow(new ApiClient(api.baseUrl));
    // The first worker's SMS gateway takes 4 s per message: long enough to be killed while sending.
    const slowWorker = await startWorker({ SIMULATOR_SMS_LATENCY_MS: '4000' });
    const { authToken, sessionId } = await sessionLeftMidSend('13900000201');
    // While the send is in flight the client is told to wait.
    expect((await flow.get(authToken, sessionId)).body.nextAction).toEqual({ type: 'wait' });
    // The sweeper hands the send to a job; it is inside the slow send now: active, held by the first worker.
    const queue = new BullMqJobQueue({ url: inject('redisUrl'), keyPrefix });
    try {
      await until(async () => (await queue.counts()).action.active === 1, 10_000, 'the send job to be active');
    } finally {
      await queue.close();
    }
    await slowWorker.kill('SIGKILL');

    await startWorker();
    await until(async () => (await flow.get(authToken, sessionId)).body.nextAction.type === 'smsCode', 15_000, 'the SMS to be sent by the second worker');
    const outbox = new SimulatorSmsOutbox({ store: storage.kv });
    const messages = await outbox.messagesTo('13900000201');
    expect(messages).toHaveLength(1);

    const code = /(\d{6})/.exec(messages[0]!.text)![1]!;
    const checked = await flow.sendOk(authToken, sessionId, { type: 'SMS_CODE', code });
    expect(checked.status).toBe('verified');
    // Still once, after all of it.
    expect(await outbox.messagesTo('13900000201')).toHaveLength(1);
  }, 60_000);

  it('a webhook: delivered after the restart, at least once, always under the same event id', async () => {
    const admin = new ApiClient(api.baseUrl);
    const flow = new FusionAuthFlow(admin);
    const scheme = { ...androidScheme, code: 'FA700000000000002', name: 'crash webhooks' };
    expect((await admin.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    const registered = await admin.request('PUT', `/v1/admin/schemes/${scheme.code}/webhook`, {
      body: { url: 'http://127.0.0.1:9/placeholder' },
      auth: 'admin',
    });
    receiver = await startWebhookReceiver({ secret: registered.body.secret });
    await admin.request('PUT', `/v1/admin/schemes/${scheme.code}/webhook`, { body: { url: receiver.url }, auth: 'admin' });
    // The backend hangs on the first delivery, so the worker is killed while it waits for the answer.
    receiver.hang();

    const authToken = await flow.authToken(scheme);
    const session = await flow.openOk(authToken, '100004');
    await until(async () => (await flow.get(authToken, session.id)).body.nextAction.type === 'enterPhone', 10_000, 'the session to start');
    await flow.sendOk(authToken, session.id, { type: 'CANCEL' });
    await until(async () => receiver.requests.length > 0, 10_000, 'the first delivery attempt');
    const crashed = workers.at(-1)!;
    await crashed.kill('SIGKILL');
    receiver.respondNormally();

    await startWorker();
    const [event] = await receiver.waitForEvents(1, 20_000);
    expect(event).toMatchObject({ type: 'session.failed', data: { sessionId: session.id } });
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(receiver.requests.map((r) => r.headers['numberflow-event-id']))).toEqual(new Set([event!.id]));
    expect(receiver.events).toHaveLength(1);
  }, 45_000);

  it('SIGTERM: a worker stops taking jobs, finishes the one it runs, and exits in time', async () => {
    const flow = new FusionAuthFlow(new ApiClient(api.baseUrl));
    for (const other of workers) await other.kill('SIGTERM');
    const worker = await startWorker({ SIMULATOR_SMS_LATENCY_MS: '1500', SHUTDOWN_GRACE_MS: '5000' });
    const { authToken, sessionId } = await sessionLeftMidSend('13900000202');
    // The only worker takes the send over from the outbox and is inside the 1.5 s send.
    const queue = new BullMqJobQueue({ url: inject('redisUrl'), keyPrefix });
    try {
      await until(async () => (await queue.counts()).action.active === 1, 10_000, 'the send job to be active');
    } finally {
      await queue.close();
    }
    expect(await worker.kill('SIGTERM')).toBe(0);
    // It finished the send before it exited: nobody else was there to do it.
    expect(await new SimulatorSmsOutbox({ store: storage.kv }).messagesTo('13900000202')).toHaveLength(1);
    expect((await flow.get(authToken, sessionId)).body.nextAction.type).toBe('smsCode');
  }, 40_000);
});
