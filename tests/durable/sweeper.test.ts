import { describe, expect, it } from 'vitest';
import { SmsDeliveryError, type OutgoingSms, type SmsSender } from '../../adapters/sms/smsSender.js';
import type { SessionRecord } from '../../server/stores/sessionStore.js';
import { until } from '../support/until.js';
import { useTestServer } from '../support/useTestServer.js';

/** A gateway whose first send fails, so the send must be handed to a job. */
class FailsFirst implements SmsSender {
  private failed = false;
  constructor(private readonly inner: SmsSender) {}
  async send(message: OutgoingSms) {
    if (!this.failed) {
      this.failed = true;
      throw new SmsDeliveryError('gateway busy', false);
    }
    return this.inner.send(message);
  }
}

const ctx = useTestServer({
  env: { SWEEP_INTERVAL_MS: '300', SWEEP_STALE_AFTER_MS: '300', SMS_RETRY_BASE_MS: '20' },
  overrides: { wrapSmsSender: (sender) => new FailsFirst(sender) },
});

describe('the outbox sweeper', () => {
  it('hands over an action whose job was never queued (a crash between the write and the enqueue), however old the session', async () => {
    const { jobs, services } = ctx.server.numberflow;
    const add = jobs.add.bind(jobs);
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100004');
    expect(session.nextAction.type).toBe('enterPhone');
    let lost = 0;
    // The queue refuses the next job, as if the process had died right after its write.
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
      expect(stuck.nextAction.type).toBe('wait'); // the SMS send sits in the outbox, queued nowhere
      expect((await services.storage.sessions.load(session.id))!.pending.map((action) => action.type)).toEqual(['sendSmsCode']);

      // A thousand and more newer sessions do not hide it: the sweeper reads the outbox index, not the newest sessions.
      const template = (await services.storage.sessions.load(session.id))!;
      for (let i = 0; i < 1_100; i++) {
        const record: SessionRecord = { ...template, id: `newer-${i}-${session.id}`, pending: [], timers: {}, createdAt: Date.now() + 1_000 + i };
        await services.storage.sessions.write({
          record: { ...record, version: 1 },
          expectedVersion: null,
          previous: null,
          entries: [{ version: 1, at: 0, kind: 'init', payload: {}, state: 'x' }],
          ttlMs: 60_000,
        });
      }

      const sent = await ctx.flow.settled(authToken, session.id, 10_000);
      expect(sent.nextAction.type).toBe('smsCode');
      expect(await ctx.flow.smsMessages('13900000501')).toHaveLength(1);
      await until(
        async () => (await services.storage.sessions.staleWork(Number.MAX_SAFE_INTEGER, 10_000)).includes(session.id) === false,
        5_000,
        'the outbox index to let go',
      );
    } finally {
      jobs.add = add;
    }
  });
});
