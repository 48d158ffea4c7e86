/** The port that delivers one text message (the simulator outbox, or a real SMS provider). */
export interface OutgoingSms {
  to: string;
  text: string;
  /**
   * Makes a repeated send harmless: a sender that has accepted a message with this key must not
   * send another one with the same key, and answers with the first message's id (a provider's
   * idempotency token). Without it every call sends.
   */
  idempotencyKey?: string;
}

/**
 * Thrown by a sender when the message certainly did not go out. An outcome that is not known (a
 * timeout after the request was made) must be some other error: then a caller that sends with an
 * idempotency key keeps its claim, and its retry sends the same message under the same key.
 */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    /** True when retrying cannot help (an invalid number). */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

export interface SmsSender {
  send(message: OutgoingSms): Promise<{ messageId: string }>;
}
