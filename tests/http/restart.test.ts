import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../support/apiClient.js';
import { FusionAuthFlow } from '../support/fusionAuthFlow.js';
import { startServerProcess } from '../support/serverProcess.js';
import { testCredentials } from '../support/testServer.js';

const configured = {
  ADMIN_TOKEN: testCredentials.adminToken,
  ACCESS_KEY_ID: testCredentials.accessKeyId,
  ACCESS_KEY_SECRET: testCredentials.accessKeySecret,
  NUMBERFLOW_SECRET: testCredentials.secret,
  UPLINK_WEBHOOK_SECRET: testCredentials.uplinkWebhookSecret,
};

describe('sessions survive the server process', () => {
  it('a session started on one process finishes on a new one with the same Redis', async () => {
    const env = { ...configured, REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `t-${randomUUID()}:` };
    const first = await startServerProcess(env);
    const flowA = new FusionAuthFlow(new ApiClient(first.baseUrl));
    const authToken = await flowA.authToken();
    const session = await flowA.openOk(authToken, '100001');
    await flowA.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
    const waiting = await flowA.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13400000001' });
    expect(waiting.nextAction.type).toBe('smsCode');
    const code = await flowA.latestSmsCode('13400000001');
    expect(await first.kill('SIGKILL')).toBe(null); // killed, not shut down

    const second = await startServerProcess(env);
    try {
      const flowB = new FusionAuthFlow(new ApiClient(second.baseUrl));
      const resumed = await flowB.get(authToken, session.id);
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ state: 'proveNumber.sms.awaitingCode', version: waiting.version });
      const done = await flowB.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
      expect(done.status).toBe('verified');
      expect((await flowB.verify(done.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber: '13400000001' });
    } finally {
      await second.kill();
    }
  });

  it('generated development credentials are made once and shared by every process on the same Redis', async () => {
    const env = { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `t-${randomUUID()}:` };
    const first = await startServerProcess(env);
    const printed = first.output();
    const adminToken = /admin token \(generated\):\s+(\S+)/.exec(printed)?.[1];
    const accessKey = /access key \(generated\):\s+(\S+):(\S+)/.exec(printed);
    expect(adminToken).toBeDefined();
    expect(accessKey).not.toBeNull();
    expect(printed).toContain('FA000000000000001');
    await first.kill();

    const second = await startServerProcess(env);
    try {
      expect(second.output()).not.toContain('(generated)');
      const api = new ApiClient(second.baseUrl);
      expect((await api.get('/v1/admin/schemes', { bearer: adminToken! })).status).toBe(200);
      const token = await api.post(
        '/v1/fusion-auth/token',
        { schemeCode: 'FA000000000000002', platform: 'iOS', bundleId: 'com.example.numberflow', durationSeconds: 900 },
        { basic: [accessKey![1]!, accessKey![2]!] },
      );
      expect(token.status).toBe(200);
    } finally {
      await second.kill();
    }
  });

  it('production mode refuses generated secrets and simulator adapters', async () => {
    await expect(startServerProcess({ NODE_ENV: 'production' })).rejects.toThrow(/refuses generated secrets/);
    await expect(startServerProcess({ NODE_ENV: 'production', ...configured, REDIS_URL: inject('redisUrl') })).rejects.toThrow(/refuses simulator adapters/);
  });

  it('npm start with nothing configured serves from memory and prints what a developer needs', async () => {
    const server = await startServerProcess({});
    try {
      expect(server.output()).toMatch(/in-memory store, development mode/);
      expect(server.output()).toMatch(/admin token \(generated\)/);
      const api = new ApiClient(server.baseUrl);
      expect((await api.get('/readyz')).body).toEqual({ status: 'ready', store: 'memory' });
    } finally {
      await server.kill();
    }
  });
});
