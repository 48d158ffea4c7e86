import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SmsDeliveryError, type OutgoingSms, type SmsSender } from './smsSender.js';
import type { SmsOutboxStore } from './smsOutboxStore.js';

export interface SimulatedSms {
  to: string;
  text: string;
  /** Epoch milliseconds. */
  sentAt: number;
}

export interface SimulatorSmsOutboxOptions {
  store: SmsOutboxStore;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  keyPrefix?: string;
  /** Messages to numbers starting with this fail permanently, to exercise failure paths. */
  undeliverablePrefix?: string;
  /** How many messages are kept per number (newest win); default 50. */
  maxMessagesPerNumber?: number;
  /** How long a number's messages are kept after the last one; default one day. */
  retentionMs?: number;
  /**
   * Milliseconds each send waits before it records the message, default 0: simulates a slow
   * carrier SMS gateway, so that a test can kill a worker in the middle of a send.
   */
  latencyMs?: number;
}

/** How long an idempotency key is remembered: one day. */
const idempotencyKeyTtlMs = 24 * 60 * 60 * 1000;

const simulatedSmsSchema = z.object({ to: z.string(), text: z.string(), sentAt: z.number() });

/** An SMS sender that delivers nowhere: it keeps each number's messages for developers and tests to read. */
export class SimulatorSmsOutbox implements SmsSender {
  private readonly store: SmsOutboxStore;
  private readonly now: () => number;
  private readonly keyPrefix: string;
  private readonly undeliverablePrefix: string | undefined;
  private readonly maxMessagesPerNumber: number;
  private readonly retentionMs: number;
  private readonly latencyMs: number;

  constructor(options: SimulatorSmsOutboxOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.keyPrefix = options.keyPrefix ?? 'simulator:sms-outbox:';
    this.undeliverablePrefix = options.undeliverablePrefix === '' ? undefined : options.undeliverablePrefix;
    this.maxMessagesPerNumber = options.maxMessagesPerNumber ?? 50;
    this.retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError(`latencyMs must be zero or more, got ${latencyMs}`);
    this.latencyMs = latencyMs;
  }

  /**
   * Records the message, at most once per idempotency key (for a day): a repeat answers with the
   * first message's id and records nothing. The key is taken before the message is appended, in two
   * store writes, so a process killed between them loses that message rather than sending it twice.
   */
  async send(message: OutgoingSms): Promise<{ messageId: string }> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.undeliverablePrefix !== undefined && message.to.startsWith(this.undeliverablePrefix)) {
      throw new SmsDeliveryError('The number cannot receive messages (simulated)', true);
    }
    const messageId = randomUUID();
    if (message.idempotencyKey !== undefined) {
      const idempotencyKey = `${this.keyPrefix}idempotency:${encodeURIComponent(message.idempotencyKey)}`;
      if (!(await this.store.set(idempotencyKey, messageId, { onlyIfAbsent: true, ttlMs: idempotencyKeyTtlMs }))) {
        return { messageId: (await this.store.get(idempotencyKey)) ?? messageId };
      }
    }
    const sms: SimulatedSms = { to: message.to, text: message.text, sentAt: this.now() };
    await this.store.appendCapped(this.keyOf(message.to), JSON.stringify(sms), this.maxMessagesPerNumber, this.retentionMs);
    return { messageId };
  }

  /** The messages sent to a number, newest last. */
  async messagesTo(phoneNumber: string): Promise<SimulatedSms[]> {
    const entries = await this.store.listRange(this.keyOf(phoneNumber));
    return entries.flatMap((entry) => {
      const sms = parseSimulatedSms(entry);
      return sms === undefined ? [] : [sms];
    });
  }

  private keyOf(phoneNumber: string): string {
    return this.keyPrefix + phoneNumber;
  }
}

function parseSimulatedSms(entry: string): SimulatedSms | undefined {
  try {
    const parsed = simulatedSmsSchema.safeParse(JSON.parse(entry));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
