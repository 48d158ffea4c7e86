import { randomUUID } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { createRedisStorage } from '../../server/stores/redis/createRedisStorage.js';
import { createRedisClient, type RedisConnection } from '../../server/stores/redis/redisClient.js';
import { describeModelSuite } from './modelSuite.js';
import { defaultPolicyMachines } from './modelSubjects.js';

/**
 * Issue requirement: paths generated with xstate/graph from each scene's default policy machine
 * reach every state and take every transition, run against the engine: here on Redis.
 */

const redisUrl = inject('redisUrl');
let redis: RedisConnection | undefined;

afterAll(async () => {
  await redis?.quit();
});

describeModelSuite({
  machines: defaultPolicyMachines,
  storage: () => {
    redis = createRedisClient(redisUrl);
    return createRedisStorage({ url: redisUrl, keyPrefix: `t-model-defaults-${randomUUID()}:`, redis });
  },
  storageLabel: 'Redis',
  schemeCodeBase: 9_100_000_000,
});
