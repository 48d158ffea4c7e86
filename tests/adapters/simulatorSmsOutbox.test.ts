import { afterEach, describe, expect, it, vi } from 'vitest';
import { SmsDeliveryError } from '../../adapters/sms/smsSender.js';
import { SimulatorSmsOutbox } from '../../adapters/sms/simulatorSmsOutbox.js';
import { InMemoryAdapterStore } from './support/inMemoryAdapterStore.js';
import { ManualClock } from './support/manualClock.js';

function setUp(options: { undeliverablePrefix?: string; maxMessagesPerNumber?: number; latencyMs?: number } = {}) {
  const clock = new ManualClock();
  const store = new InMemoryAdapterStore(clock.now);
  const outbox = new SimulatorSmsOutbox({ store, now: clock.now, ...options });
  return { clock, outbox };
}

describe('SimulatorSmsOutbox', () => {
  it('keeps each number’s messages with the time they were sent, newest last', async () => {
    const { clock, outbox } = setUp();
    const sentAt = clock.now();
    await outbox.send({ to: '13812345678', text: 'first' });
    clock.advanceSeconds(5);
    await outbox.send({ to: '13812345678', text: 'second' });
    await outbox.send({ to: '13900000000', text: 'someone else' });

    expect(await outbox.messagesTo('13812345678')).toEqual([
      { to: '13812345678', text: 'first', sentAt },
      { to: '13812345678', text: 'second', sentAt: sentAt + 5000 },
    ]);
    expect(await outbox.messagesTo('13700000000')).toEqual([]);
  });

  it('returns a distinct message id for every message', async () => {
    const { outbox } = setUp();
    const first = await outbox.send({ to: '13812345678', text: 'a' });
    const second = await outbox.send({ to: '13812345678', text: 'a' });
    expect(first.messageId).not.toBe(second.messageId);
  });

  it('keeps only the newest messages of a number', async () => {
    const { outbox } = setUp({ maxMessagesPerNumber: 3 });
    for (let index = 1; index <= 5; index++) await outbox.send({ to: '13812345678', text: `message ${index}` });
    expect((await outbox.messagesTo('13812345678')).map(({ text }) => text)).toEqual(['message 3', 'message 4', 'message 5']);
  });

  it('keeps 50 messages by default', async () => {
    const { outbox } = setUp();
    for (let index = 1; index <= 52; index++) await outbox.send({ to: '13812345678', text: `message ${index}` });
    const texts = (await outbox.messagesTo('13812345678')).map(({ text }) => text);
    expect(texts).toHaveLength(50);
    expect(texts[0]).toBe('message 3');
  });

  it('forgets a number’s messages a day after the last one', async () => {
    const { clock, outbox } = setUp();
    await outbox.send({ to: '13812345678', text: 'old' });
    clock.advanceSeconds(24 * 60 * 60 - 1);
    expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
    clock.advanceSeconds(1);
    expect(await outbox.messagesTo('13812345678')).toEqual([]);
  });

  it('fails permanently for numbers with the undeliverable prefix, and records nothing', async () => {
    const { outbox } = setUp({ undeliverablePrefix: '1700' });
    const failure = await outbox.send({ to: '17000000000', text: 'lost' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SmsDeliveryError);
    expect((failure as SmsDeliveryError).permanent).toBe(true);
    expect((failure as SmsDeliveryError).message).not.toContain('17000000000');
    expect(await outbox.messagesTo('17000000000')).toEqual([]);

    await outbox.send({ to: '13812345678', text: 'delivered' });
    expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
  });

  it('delivers to every number when no undeliverable prefix is configured', async () => {
    const { outbox } = setUp();
    await expect(outbox.send({ to: '17000000000', text: 'fine' })).resolves.toHaveProperty('messageId');
  });

  it('records a message at most once per idempotency key, answering a repeat with the first message id', async () => {
    const { outbox } = setUp();
    const first = await outbox.send({ to: '13812345678', text: 'code 1', idempotencyKey: 'send-1' });
    const repeat = await outbox.send({ to: '13812345678', text: 'code 1', idempotencyKey: 'send-1' });
    const other = await outbox.send({ to: '13812345678', text: 'code 2', idempotencyKey: 'send-2' });

    expect(repeat.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    expect((await outbox.messagesTo('13812345678')).map(({ text }) => text)).toEqual(['code 1', 'code 2']);
  });

  it('answers every concurrent send with the same key with one message id, and records one message', async () => {
    const { outbox } = setUp();
    const results = await Promise.all([1, 2, 3].map(() => outbox.send({ to: '13812345678', text: 'code', idempotencyKey: 'send-1' })));
    expect(new Set(results.map(({ messageId }) => messageId)).size).toBe(1);
    expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
  });

  it('remembers an idempotency key for a day', async () => {
    const { clock, outbox } = setUp();
    await outbox.send({ to: '13812345678', text: 'code', idempotencyKey: 'send-1' });
    clock.advanceSeconds(24 * 60 * 60 - 1);
    await outbox.send({ to: '13812345678', text: 'code', idempotencyKey: 'send-1' });
    expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
    clock.advanceSeconds(1);
    await outbox.send({ to: '13812345678', text: 'code', idempotencyKey: 'send-1' });
    expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
    expect((await outbox.messagesTo('13812345678'))[0]?.sentAt).toBe(clock.now());
  });

  it('does not use up an idempotency key on a failed send', async () => {
    const { outbox } = setUp({ undeliverablePrefix: '1700' });
    await expect(outbox.send({ to: '17000000000', text: 'lost', idempotencyKey: 'send-1' })).rejects.toBeInstanceOf(SmsDeliveryError);
    await outbox.send({ to: '13812345678', text: 'delivered', idempotencyKey: 'send-1' });
    expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
  });

  describe('with a latency', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits that long before it records a message, like a slow gateway', async () => {
      vi.useFakeTimers();
      const { outbox } = setUp({ latencyMs: 2000 });
      let settled = false;
      const sending = outbox.send({ to: '13812345678', text: 'slow' }).then((result) => {
        settled = true;
        return result;
      });

      await vi.advanceTimersByTimeAsync(1999);
      expect(settled).toBe(false);
      expect(await outbox.messagesTo('13812345678')).toEqual([]);

      await vi.advanceTimersByTimeAsync(1);
      await expect(sending).resolves.toHaveProperty('messageId');
      expect((await outbox.messagesTo('13812345678')).map(({ text }) => text)).toEqual(['slow']);
    });

    it('sends at once by default', async () => {
      vi.useFakeTimers();
      const { outbox } = setUp();
      await outbox.send({ to: '13812345678', text: 'fast' });
      expect(await outbox.messagesTo('13812345678')).toHaveLength(1);
    });

    it('refuses a negative latency', () => {
      expect(() => setUp({ latencyMs: -1 })).toThrow(RangeError);
      expect(() => setUp({ latencyMs: Number.NaN })).toThrow(RangeError);
    });
  });
});
