/** The port that delivers one text message (the simulator outbox, or a real SMS provider). */
export interface OutgoingSms {
  to: string;
  text: string;
}

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
