import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { describe, expect, inject, it } from 'vitest';
import { createRedisClient } from '../../server/stores/redis/redisClient.js';
import { startTestServer } from '../support/testServer.js';

describe('maintenance runs once per deployment, not once per process', () => {
  it('two processes that run jobs share one schedule of each task: the timer drain and the outbox sweep', async () => {
    const keyPrefix = `t-${randomUUID()}:`;
    const first = await startTestServer({ keyPrefix });
    const second = await startTestServer({ keyPrefix });
    const connection = createRedisClient(inject('redisUrl'), { blocking: true });
    const queue = new Queue('maintenance', { connection, prefix: `${keyPrefix}{nf-maintenance}` });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(['drain-timers', 'sweep-outboxes']);
      expect(schedulers.find((scheduler) => scheduler.key === 'drain-timers')?.every).toBe(1_000);
    } finally {
      await queue.close();
      connection.disconnect();
      await first.close();
      await second.close();
    }
  });
});
