import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FusionAuthFlow, androidScheme } from '../support/fusionAuthFlow.js';
import { until } from '../support/until.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'nf-redis-restart-'));
// Persisted, so that what was written before the restart is there after it.
const persistent = () => ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir];
let redis: RedisServer | undefined;
let server: TestServer | undefined;

afterAll(async () => {
  await server?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Redis restarted under traffic', () => {
  it('answers 503 with a clear error during the outage, and sessions resume afterwards, uncorrupted', async () => {
    redis = await startRedisServer({ extraArgs: persistent });
    server = await startTestServer({ env: { REDIS_URL: redis.url } });
    const flow = new FusionAuthFlow(server.api);
    const authToken = await flow.authToken(androidScheme, { phoneNumber: '13900000301' });
    const session = await flow.openOk(authToken, '100003');
    expect(session.nextAction.type).toBe('smsCode');
    const code = await flow.latestSmsCode('13900000301');

    const port = redis.port;
    await redis.stop();
    redis = undefined;

    const during = await Promise.all([
      flow.get(authToken, session.id),
      flow.send(authToken, session.id, { type: 'SMS_CODE', code }),
      flow.open(authToken, '100003'),
      server.api.get('/readyz'),
    ]);
    for (const response of during) {
      expect(response.status, JSON.stringify(response.body)).toBe(503);
      expect(response.body.error.code).toBe('STORE_UNAVAILABLE');
      expect(response.headers.get('retry-after')).not.toBeNull();
      expect(JSON.stringify(response.body)).not.toMatch(/\.ts:\d+|ECONNREFUSED|ioredis/);
    }
    expect((await server.api.get('/healthz')).status).toBe(200);

    redis = await startRedisServer({ pickPort: async () => port, extraArgs: persistent });
    await until(async () => (await server!.api.get('/readyz')).status === 200, 15_000, 'readiness after the restart');

    const resumed = await flow.get(authToken, session.id);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'proveBoundNumber.sms.awaitingCode', version: session.version });
    const done = await flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
    expect(done.status).toBe('verified');
    expect((await flow.verify(done.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber: '13900000301' });
    const log = await server.numberflow.services.engine.log(session.id);
    expect(log.map((entry) => entry.version)).toEqual(log.map((_, index) => index + 1));
  }, 60_000);
});
