import { describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer({ env: { SETTLE_TIMEOUT_MS: '200', SWEEP_INTERVAL_MS: '500', SWEEP_STALE_AFTER_MS: '300' } });

describe('the outbox sweeper', () => {
  it('hands over an action whose job was never queued (a crash between the write and the enqueue)', async () => {
    const { jobs } = ctx.server.numberflow;
    const add = jobs.add.bind(jobs);
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100004');
    expect(session.nextAction.type).toBe('enterPhone');
    let lost = 0;
    // The queue refuses the next action job, as if the process had died right after its write.
    jobs.add = async (job) => {
      if (job.kind === 'action' && lost === 0) {
        lost++;
        throw new Error('connection lost');
      }
      return add(job);
    };
    try {
      const stuck = await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13900000501' });
      expect(lost).toBe(1);
      expect(stuck.nextAction.type).toBe('wait'); // the phone-risk action sits in the outbox, queued nowhere
      await until(async () => (await ctx.flow.get(authToken, session.id)).body.nextAction.type === 'smsCode', 5_000, 'the sweeper');
      expect(await ctx.flow.smsMessages('13900000501')).toHaveLength(1);
    } finally {
      jobs.add = add;
    }
  });
});
