import { describe, expect, inject, it } from 'vitest';
import { BullMqJobQueue } from '../../server/jobs/bullmqJobQueue.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

describe('timers as BullMQ delayed jobs', () => {
  it('entering a state schedules its timers; leaving it removes them; a stale delivery changes nothing', async () => {
    const queue = new BullMqJobQueue({ url: inject('redisUrl'), keyPrefix: ctx.server.keyPrefix });
    try {
      const authToken = await ctx.flow.authToken();
      const session = await ctx.flow.openOk(authToken, '100001');
      // The session TTL and the number-auth fallback.
      expect((await queue.counts()).timer.delayed).toBe(2);

      const moved = await ctx.flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
      expect(moved.nextAction.type).toBe('enterPhone');
      expect((await queue.counts()).timer.delayed).toBe(1);

      // A timer job that runs anyway (late, or after its state was left) finds nothing due.
      await ctx.server.numberflow.services.engine.deliverTimers(session.id);
      const after = await ctx.flow.get(authToken, session.id);
      expect(after.body).toMatchObject({ version: moved.version, state: 'proveNumber.enterPhone' });
    } finally {
      await queue.close();
    }
  });
});
