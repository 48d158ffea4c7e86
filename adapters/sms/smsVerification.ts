/**
 * The port for SMS verification codes: generate + send, then check. The local engine
 * (CSPRNG codes kept only as an HMAC) and the Alibaba Cloud adapter
 * (SendSmsVerifyCode / CheckSmsVerifyCode) both implement it.
 */
export type SmsCodeType = 'digits' | 'upper' | 'lower' | 'mixedCase' | 'digitsUpper' | 'digitsLower' | 'any';

/** The vendor's names for a message (SendSmsVerifyCode's SignName, TemplateCode, TemplateParam): a vendor renders it itself. */
export interface VendorSmsTemplate {
  signName: string;
  templateCode: string;
  /** `code` holds the `##code##` marker. */
  templateParam: Record<string, string>;
}

export interface SendCodeRequest {
  /** What the code is bound to: `session:<id>` for a session, `scheme:<name>` for the plain SMS API. */
  scope: string;
  /** National number, e.g. 13812345678 (mainland China) or E.164 for other countries. */
  phoneNumber: string;
  codeLength: number;
  codeType: SmsCodeType;
  validitySeconds: number;
  resendIntervalSeconds: number;
  /** `replace`: a new code invalidates older ones (vendor DuplicatePolicy 1); `keep`: all unexpired codes stay valid (2). */
  duplicatePolicy: 'replace' | 'keep';
  maxWrongTries: number;
  /** Message template with `##code##` where the code goes: what a local sender sends. */
  template?: string;
  /** The same message by the vendor's names, for an adapter whose vendor renders it (Dypnsapi). */
  vendorTemplate?: VendorSmsTemplate;
  /**
   * Makes the send idempotent: another call with the same outId for the same scope and number (a
   * job run again after a crash) continues or replays that send, within a day, instead of making a
   * new one: the same code, at most one SMS, the same result. Must name one send, e.g. the outbox
   * action id `<sessionId>-<version>-<index>`.
   */
  outId?: string;
  /** Returns the code in the result (vendor ReturnVerifyCode), for the plain SMS API in development only. */
  returnCode?: boolean;
  /**
   * False: everything but the delivery (a code is kept, checks answer as usual, the send counts
   * against no cap). For numbers the service must not text but must not reveal it either.
   */
  deliver?: boolean;
}

export type SendCodeResult =
  | { sent: true; bizId: string; expiresAt: number; resendAvailableAt: number; code?: string }
  | { sent: false; reason: 'TOO_SOON'; resendAvailableAt: number }
  | { sent: false; reason: 'DAILY_LIMIT' }
  | { sent: false; reason: 'DELIVERY_FAILED'; permanent: boolean; detail: string };

export interface CheckCodeRequest {
  scope: string;
  phoneNumber: string;
  code: string;
  caseSensitive?: boolean;
}

export type CheckCodeResult =
  | { result: 'PASS' }
  /** A wrong code; `triesLeft` for the newest code. */
  | { result: 'WRONG'; triesLeft: number }
  /** No valid code: expired, used, superseded, or never sent. One answer for all, so nothing is enumerable. */
  | { result: 'EXPIRED' }
  /** Too many wrong tries for this code. */
  | { result: 'LOCKED' };

export interface SmsVerification {
  sendCode(request: SendCodeRequest): Promise<SendCodeResult>;
  checkCode(request: CheckCodeRequest): Promise<CheckCodeResult>;
}

/** The code state of a number changed under every attempt to update it (many checks at once): try again. */
export class SmsCodeBusyError extends Error {
  constructor() {
    super('The SMS code state changed under every attempt to update it; try again');
    this.name = 'SmsCodeBusyError';
  }
}
