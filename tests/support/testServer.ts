import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { inject } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { createNumberflow, type Numberflow, type NumberflowOverrides } from '../../server/createNumberflow.js';
import { ApiClient } from './apiClient.js';
import { TestClock } from './testClock.js';

export const testCredentials = {
  adminToken: 'test-admin-token-0123456789abcdef',
  accessKeyId: 'NFTESTKEY0001',
  accessKeySecret: 'test-access-key-secret-0123456789',
  secret: 'test-server-secret-0123456789abcdef0123456789',
  uplinkWebhookSecret: 'test-uplink-webhook-secret-0123456789',
};

/** The environment of a server or worker process on the test run's Redis, with the test credentials. */
export function processEnvironment(redisUrl: string, keyPrefix: string): Record<string, string> {
  return {
    ADMIN_TOKEN: testCredentials.adminToken,
    ACCESS_KEY_ID: testCredentials.accessKeyId,
    ACCESS_KEY_SECRET: testCredentials.accessKeySecret,
    NUMBERFLOW_SECRET: testCredentials.secret,
    UPLINK_WEBHOOK_SECRET: testCredentials.uplinkWebhookSecret,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
  };
}

export interface TestServer {
  baseUrl: string;
  api: ApiClient;
  clock: TestClock;
  numberflow: Numberflow;
  keyPrefix: string;
  close(): Promise<void>;
}

/**
 * A numberflow server on a free loopback port, on the test run's real redis-server
 * (its own key prefix) unless `store: 'memory'` is asked for.
 */
export async function startTestServer(
  options: { store?: 'redis' | 'memory'; keyPrefix?: string; env?: Record<string, string>; overrides?: NumberflowOverrides } = {},
): Promise<TestServer> {
  const keyPrefix = options.keyPrefix ?? `t-${randomUUID()}:`;
  const config = loadConfig({
    ADMIN_TOKEN: testCredentials.adminToken,
    ACCESS_KEY_ID: testCredentials.accessKeyId,
    ACCESS_KEY_SECRET: testCredentials.accessKeySecret,
    NUMBERFLOW_SECRET: testCredentials.secret,
    UPLINK_WEBHOOK_SECRET: testCredentials.uplinkWebhookSecret,
    CARRIER_TIMEOUT_MS: '300',
    RATE_LIMIT_SESSION_STARTS_PER_IP: '100000',
    RATE_LIMIT_EVENTS_PER_IP: '100000',
    RATE_LIMIT_BACKEND_CALLS_PER_IP: '100000',
    LOG_LEVEL: 'silent',
    ...((options.store ?? 'redis') === 'redis' ? { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: keyPrefix } : {}),
    ...options.env,
  });
  const clock = new TestClock();
  const numberflow = await createNumberflow(config, { clock: clock.now, logger: pino({ level: 'silent' }), ...options.overrides });
  const server: Server = numberflow.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    api: new ApiClient(baseUrl),
    clock,
    numberflow,
    keyPrefix,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await numberflow.close();
    },
  };
}
