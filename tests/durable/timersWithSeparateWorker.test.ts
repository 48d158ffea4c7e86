import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SimulatorSmsOutbox } from '../../adapters/sms/simulatorSmsOutbox.js';
import { defaultPolicy } from '../../machines/index.js';
import { PolicyRepository } from '../../server/policies/policyRepository.js';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import type { Storage } from '../../server/stores/storage.js';
import { ApiClient } from '../support/apiClient.js';
import { FusionAuthFlow, androidScheme } from '../support/fusionAuthFlow.js';
import { startServerProcess, startWorkerProcess, type ServerProcess } from '../support/serverProcess.js';
import { processEnvironment } from '../support/testServer.js';

const keyPrefix = `t-${randomUUID()}:`;
const env = processEnvironment(inject('redisUrl'), keyPrefix);

let storage: Storage;
let worker: ServerProcess;
let api: ServerProcess;

beforeAll(async () => {
  storage = createRedisStorage({ url: inject('redisUrl'), keyPrefix });
  worker = await startWorkerProcess(env);
  // The API only takes requests; every timer and action is the worker's.
  api = await startServerProcess({ ...env, RUN_JOBS: 'false' });
});
afterAll(async () => {
  await api?.kill();
  await worker?.kill();
  await storage?.close();
});

async function stateOf(sessionId: string): Promise<unknown> {
  return (await storage.sessions.load(sessionId))?.snapshot && ((await storage.sessions.load(sessionId))!.snapshot as { value: unknown }).value;
}

async function until<T>(what: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('durable timers: with the API process stopped, a separate worker moves sessions on time', () => {
  it('carrier fallback after N s (and the SMS it sends), SMS code expiry, session expiry', async () => {
    const admin = new ApiClient(api.baseUrl);
    const flow = new FusionAuthFlow(admin);
    const policies = new PolicyRepository(storage.kv);
    const schemes = { fallback: 'FA800000000000001', codeExpiry: 'FA800000000000002', sessionExpiry: 'FA800000000000003' };
    for (const code of Object.values(schemes)) expect((await admin.post('/v1/admin/schemes', { ...androidScheme, code }, 'admin')).status).toBe(201);

    const numberCheck = defaultPolicy('100005');
    numberCheck.nodes.numberAuth = { ...numberCheck.nodes.numberAuth, enabled: true, fallbackAfterSeconds: 1 };
    await policies.setSchemePolicy(schemes.fallback, numberCheck, '100005');
    const shortCode = defaultPolicy('100003');
    shortCode.nodes.smsCode.validitySeconds = 5;
    await policies.setSchemePolicy(schemes.codeExpiry, shortCode, '100003');
    const shortSession = defaultPolicy('100004');
    shortSession.sessionTtlSeconds = 10;
    await policies.setSchemePolicy(schemes.sessionExpiry, shortSession, '100004');

    const fallbackToken = await flow.authToken({ ...androidScheme, code: schemes.fallback }, { phoneNumber: '13900000101' });
    const fallback = await flow.openOk(fallbackToken, '100005');
    expect(fallback.nextAction.type).toBe('numberAuth');
    const codeToken = await flow.authToken({ ...androidScheme, code: schemes.codeExpiry }, { phoneNumber: '13900000102' });
    const codeSession = await flow.openOk(codeToken, '100003');
    expect(codeSession.nextAction.type).toBe('smsCode'); // the worker sent it while the request waited
    const ttlToken = await flow.authToken({ ...androidScheme, code: schemes.sessionExpiry });
    const expiring = await flow.openOk(ttlToken, '100004');
    const openedAt = Date.now();

    expect(await api.kill('SIGTERM')).toBe(0);

    const outbox = new SimulatorSmsOutbox({ store: storage.kv });
    expect(
      await until(
        () => stateOf(fallback.id),
        (v) => JSON.stringify(v) === '{"proveBoundNumber":{"sms":"awaitingCode"}}',
        6_000,
      ),
    ).toEqual({
      proveBoundNumber: { sms: 'awaitingCode' },
    });
    expect(await outbox.messagesTo('13900000101')).toHaveLength(1);
    expect(
      await until(
        () => stateOf(codeSession.id),
        (v) => JSON.stringify(v).includes('codeExpired'),
        9_000,
      ),
    ).toEqual({ proveBoundNumber: { sms: 'codeExpired' } });
    expect(
      await until(
        () => stateOf(expiring.id),
        (v) => v === 'expired',
        14_000,
      ),
    ).toBe('expired');

    // Each timer event is stamped with its due time, whenever the drain delivered it: the log replays the same.
    const firedAt = async (sessionId: string, state: (value: unknown) => boolean) =>
      (await storage.sessions.readLog(sessionId)).find((e) => state(e.state))!.at;
    const fallbackAt = await firedAt(fallback.id, (v) => JSON.stringify(v).includes('"sms"'));
    const codeExpiredAt = await firedAt(codeSession.id, (v) => JSON.stringify(v).includes('codeExpired'));
    const expiredAt = await firedAt(expiring.id, (v) => v === 'expired');
    const openLog = await storage.sessions.readLog(fallback.id);
    expect(fallbackAt).toBe(openLog.find((e) => JSON.stringify(e.state).includes('awaitingToken'))!.at + 1_000);
    // The code's own expiry is set when it is made, the session's timer when the send is recorded, a moment later: never earlier.
    expect(codeExpiredAt).toBeGreaterThanOrEqual(Date.parse(codeSession.nextAction.codeExpiresAt));
    expect(expiredAt).toBe(Date.parse(expiring.expiresAt));
    expect(expiredAt - openedAt).toBeLessThan(12_000);
  }, 40_000);
});
