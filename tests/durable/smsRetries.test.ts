import { describe, expect, it } from 'vitest';
import { SmsDeliveryError, type OutgoingSms, type SmsSender } from '../../adapters/sms/smsSender.js';
import { defaultPolicy } from '../../machines/index.js';
import { FusionAuthFlow, androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

/** An SMS gateway in front of the simulator that fails the first sends to some numbers. */
class FlakyGateway implements SmsSender {
  readonly attempts = new Map<string, number>();
  constructor(
    private readonly inner: SmsSender,
    private readonly failures: Record<string, number | 'always' | 'invalid'>,
  ) {}
  async send(message: OutgoingSms) {
    const tries = (this.attempts.get(message.to) ?? 0) + 1;
    this.attempts.set(message.to, tries);
    const plan = this.failures[message.to];
    if (plan === 'invalid') throw new SmsDeliveryError('number does not exist', true);
    if (plan === 'always' || (typeof plan === 'number' && tries <= plan)) throw new SmsDeliveryError('gateway busy', false);
    return this.inner.send(message);
  }
}

let gateway: FlakyGateway;
const ctx = useTestServer(
  {
    env: { SMS_RETRY_BASE_MS: '30' },
    overrides: {
      wrapSmsSender: (sender) =>
        (gateway = new FlakyGateway(sender, { '13900000401': 2, '13900000402': 'always', '13900000403': 'invalid', '13900000404': 'always' })),
    },
  },
  async () => {
    // A scheme without uplink SMS: an SMS that cannot be sent fails the session.
    await ctx.server.api.post('/v1/admin/schemes', { ...androidScheme, code: 'FA700000000000009', name: 'no uplink' }, 'admin');
    const policy = defaultPolicy('100003');
    policy.nodes.uplinkSms.enabled = false;
    await ctx.server.numberflow.services.policies.setSchemePolicy('FA700000000000009', policy, '100003');
  },
);

/** Opens a session of scene 100003 and waits while its SMS send is retried (the client sees `wait`). */
async function open(flow: FusionAuthFlow, phoneNumber: string, scheme = androidScheme) {
  const authToken = await flow.authToken(scheme, { phoneNumber });
  const opened = await flow.openOk(authToken, '100003');
  return { authToken, opened, session: await flow.settled(authToken, opened.id) };
}

describe('SMS sends: the first attempt in the request, retries as jobs', () => {
  it('transient failures are retried with backoff; the user gets one SMS and the session moves on', async () => {
    const { opened, session } = await open(ctx.flow, '13900000401');
    // The request's own attempt failed: it answered at once, and a job retried the send.
    expect(opened.nextAction.type).toBe('wait');
    expect(session.nextAction.type).toBe('smsCode');
    expect(gateway.attempts.get('13900000401')).toBe(3);
    expect(await ctx.flow.smsMessages('13900000401')).toHaveLength(1);
  });

  it('after the last attempt the session hears SMS_FAILED and follows the policy (uplink SMS by default)', async () => {
    const { session } = await open(ctx.flow, '13900000402');
    expect(gateway.attempts.get('13900000402')).toBe(5);
    expect(session.nextAction.type).toBe('uplinkSms');
    const trace = await ctx.server.api.get(`/v1/admin/sessions/${session.id}/trace`, 'admin');
    expect(trace.body.entries.map((e: { payload: { type?: string } }) => e.payload.type)).toContain('SMS_FAILED');
  });

  it('a permanent failure (a number that cannot take SMS) fails at once, without retries', async () => {
    const { opened, session } = await open(ctx.flow, '13900000403');
    expect(opened.nextAction.type).toBe('uplinkSms');
    expect(gateway.attempts.get('13900000403')).toBe(1);
    expect(session.nextAction.type).toBe('uplinkSms');
  });

  it('without an uplink SMS in the policy, an SMS that cannot be sent fails the session', async () => {
    const { session } = await open(ctx.flow, '13900000404', { ...androidScheme, code: 'FA700000000000009' });
    expect(session).toMatchObject({ status: 'failed', failureReason: 'sms_unavailable' });
  });

  it('retries, failures, queue depth and job latency show in the metrics', async () => {
    const metrics = await ctx.server.api.get('/metrics');
    expect(metrics.body).toMatch(/numberflow_job_attempts_total\{kind="action",outcome="retrying"\} \d+/);
    expect(metrics.body).toMatch(/numberflow_job_attempts_total\{kind="action",outcome="failed"\} \d+/);
    expect(metrics.body).toMatch(/numberflow_job_queue_depth\{kind="action",state="waiting"\} \d+/);
    expect(metrics.body).toMatch(/numberflow_job_latency_seconds_count\{kind="action"\} \d+/);
  });
});
