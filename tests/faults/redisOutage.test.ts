import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import type { Storage } from '../../server/stores/storage.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { processEnvironment } from '../support/testServer.js';
import { until } from '../support/until.js';
import { faultTestTimeoutMs, loadEnvironment, ready, runFault } from './faultRun.js';

/**
 * Faults on real processes: a redis-server of this test's own, a numberflow server process on
 * it, and steady load of whole flows from here while Redis is stopped and restarted, or frozen.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'nf-faults-'));
// Persisted and synced on every write, so that what was acknowledged before a restart is there after it.
const persistent = () => ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir];
const keyPrefix = `faults-${randomUUID()}:`;
let redis: RedisServer | undefined;
let frozen = false;
let server: ServerProcess;
let storage: Storage;

beforeAll(async () => {
  redis = await startRedisServer({ extraArgs: persistent });
  server = await startServerProcess({ ...processEnvironment(redis.url, keyPrefix), ...loadEnvironment });
  storage = createRedisStorage({ url: redis.url, keyPrefix });
}, 60_000);

afterAll(async () => {
  if (frozen && redis) process.kill(redis.pid, 'SIGCONT');
  await server?.kill();
  await storage?.close();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Redis faults under steady load, on real processes', () => {
  it(
    'Redis stopped and restarted: 503 with Retry-After meanwhile, nothing lost, service resumes',
    async () => {
      await runFault(
        { baseUrl: server.baseUrl, storage },
        {
          name: 'Redis stopped and restarted',
          total: true,
          begin: async () => {
            await redis!.stop();
          },
          end: async () => {
            const port = redis!.port;
            redis = await startRedisServer({ pickPort: async () => port, extraArgs: persistent });
          },
        },
        '1390001',
      );
    },
    faultTestTimeoutMs,
  );

  it(
    'Redis frozen (SIGSTOP) and thawed (SIGCONT): 503 with Retry-After meanwhile, nothing lost, service resumes',
    async () => {
      await until(() => ready(server.baseUrl), 30_000, 'readiness before the freeze');
      await runFault(
        { baseUrl: server.baseUrl, storage },
        {
          name: 'Redis frozen with SIGSTOP, then SIGCONT',
          total: true,
          begin: async () => {
            process.kill(redis!.pid, 'SIGSTOP');
            frozen = true;
          },
          end: async () => {
            process.kill(redis!.pid, 'SIGCONT');
            frozen = false;
          },
        },
        '1390002',
      );
    },
    faultTestTimeoutMs,
  );
});
