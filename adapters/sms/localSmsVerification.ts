import { randomBytes } from 'node:crypto';
import { generateCode, smsCodeAlphabets } from './generateCode.js';
import { digestsEqual, smsCodeDigest } from './smsCodeDigest.js';
import { isLocked, parseSmsCodeState, smsCodeStateTtlMs, unexpiredCodes, type ActiveSmsCode, type SmsCodeState } from './smsCodeState.js';
import type { SmsCodeStateStore } from './smsCodeStateStore.js';
import { codePlaceholder, defaultSmsCodeTemplate, renderSmsCodeText } from './smsCodeText.js';
import { SmsDeliveryError, type SmsSender } from './smsSender.js';
import type { CheckCodeRequest, CheckCodeResult, SendCodeRequest, SendCodeResult, SmsVerification } from './smsVerification.js';

export interface LocalSmsVerificationOptions {
  store: SmsCodeStateStore;
  sender: SmsSender;
  /** Secret for the code HMACs; at least 16 bytes. Rotating it invalidates codes in flight. */
  hmacKey: Buffer | string;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  /** Codes sent to one number per UTC day, over all scopes; default 10. */
  dailyCapPerNumber?: number;
  keyPrefix?: string;
}

const dayMs = 24 * 60 * 60 * 1000;
const maxStateUpdateAttempts = 5;

/** A state transition: the answer to give and, unless the state stays as it is, the next state (null deletes it). */
type StateUpdate<T> = { answer: T } | { answer: T; next: SmsCodeState | null };

type SendSlot =
  { claimed: true; sentAt: number; previous: Pick<SmsCodeState, 'lastSentAt' | 'resendAvailableAt'> | null } | { claimed: false; resendAvailableAt: number };

/**
 * The SMS code engine that runs without a vendor: CSPRNG codes, stored only as an HMAC and
 * bound to scope and number, single use, with an expiry, a resend interval, a cap on wrong
 * tries per code and a daily cap per number. Every state change is a compare-and-swap, so
 * concurrent requests cannot use a code twice or lose a wrong try.
 */
export class LocalSmsVerification implements SmsVerification {
  private readonly store: SmsCodeStateStore;
  private readonly sender: SmsSender;
  private readonly hmacKey: Buffer | string;
  private readonly now: () => number;
  private readonly dailyCapPerNumber: number;
  private readonly keyPrefix: string;

  constructor(options: LocalSmsVerificationOptions) {
    if (Buffer.byteLength(options.hmacKey) < 16) throw new RangeError('The SMS code HMAC key must be at least 16 bytes');
    const dailyCapPerNumber = options.dailyCapPerNumber ?? 10;
    if (!Number.isInteger(dailyCapPerNumber) || dailyCapPerNumber < 0) {
      throw new RangeError(`dailyCapPerNumber must be a non-negative integer, got ${dailyCapPerNumber}`);
    }
    this.store = options.store;
    this.sender = options.sender;
    this.hmacKey = options.hmacKey;
    this.now = options.now ?? Date.now;
    this.dailyCapPerNumber = dailyCapPerNumber;
    this.keyPrefix = options.keyPrefix ?? 'sms-code:';
  }

  async sendCode(request: SendCodeRequest): Promise<SendCodeResult> {
    assertValidSendCodeRequest(request);
    const stateKey = this.stateKey(request.scope, request.phoneNumber);
    const intervalMs = request.resendIntervalSeconds * 1000;

    // A first look, so that pressing "resend" too early does not count against the daily cap.
    const blockedUntil = resendBlockedUntil(parseSmsCodeState(await this.store.get(stateKey)), intervalMs, this.now());
    if (blockedUntil !== undefined) return { sent: false, reason: 'TOO_SOON', resendAvailableAt: blockedUntil };

    const dailyCounterKey = this.dailyCounterKey(request.phoneNumber, this.now());
    if ((await this.store.increment(dailyCounterKey, 1, dayMs)) > this.dailyCapPerNumber) {
      return { sent: false, reason: 'DAILY_LIMIT' };
    }

    const slot = await this.claimSendSlot(stateKey, intervalMs);
    if (!slot.claimed) {
      await this.store.increment(dailyCounterKey, -1, dayMs);
      return { sent: false, reason: 'TOO_SOON', resendAvailableAt: slot.resendAvailableAt };
    }

    const code = generateCode(request.codeType, request.codeLength);
    const template = request.template ?? defaultSmsCodeTemplate(request.validitySeconds);
    try {
      await this.sender.send({ to: request.phoneNumber, text: renderSmsCodeText(template, code) });
    } catch (error) {
      // Nothing was stored for the code, so it is not valid; the slot and the quota go back so a retry may send.
      await this.releaseSendSlot(stateKey, slot);
      await this.store.increment(dailyCounterKey, -1, dayMs);
      if (error instanceof SmsDeliveryError) {
        return { sent: false, reason: 'DELIVERY_FAILED', permanent: error.permanent, detail: error.message };
      }
      throw error;
    }

    const bizId = randomBytes(12).toString('hex');
    const expiresAt = slot.sentAt + request.validitySeconds * 1000;
    const activeCode: ActiveSmsCode = {
      bizId,
      digest: smsCodeDigest(this.hmacKey, request.scope, request.phoneNumber, code),
      caseFoldedDigest: smsCodeDigest(this.hmacKey, request.scope, request.phoneNumber, code.toLowerCase()),
      expiresAt,
      wrongTries: 0,
      maxWrongTries: request.maxWrongTries,
    };
    await this.updateState(stateKey, (state, now) => ({
      answer: undefined,
      next: {
        lastSentAt: Math.max(state?.lastSentAt ?? slot.sentAt, slot.sentAt),
        resendAvailableAt: Math.max(state?.resendAvailableAt ?? 0, slot.sentAt + intervalMs),
        duplicatePolicy: request.duplicatePolicy,
        codes: [...(request.duplicatePolicy === 'replace' ? [] : unexpiredCodes(state, now)), activeCode],
      },
    }));

    const resendAvailableAt = slot.sentAt + intervalMs;
    return request.returnCode ? { sent: true, bizId, expiresAt, resendAvailableAt, code } : { sent: true, bizId, expiresAt, resendAvailableAt };
  }

  async checkCode(request: CheckCodeRequest): Promise<CheckCodeResult> {
    // CaseAuthPolicy 1, the vendor's default, ignores case.
    const caseSensitive = request.caseSensitive ?? false;
    const presented = smsCodeDigest(this.hmacKey, request.scope, request.phoneNumber, caseSensitive ? request.code : request.code.toLowerCase());

    return this.updateState<CheckCodeResult>(this.stateKey(request.scope, request.phoneNumber), (state, now) => {
      const codes = unexpiredCodes(state, now);
      if (state === null || codes.length === 0) return { answer: { result: 'EXPIRED' } };

      const matching = codes.filter((code) => digestsEqual(caseSensitive ? code.digest : code.caseFoldedDigest, presented));
      if (matching.length > 0) {
        const usable = matching.filter((code) => !isLocked(code)).at(-1);
        if (usable === undefined) return { answer: { result: 'LOCKED' } };
        const remaining = state.duplicatePolicy === 'replace' ? [] : codes.filter((code) => code !== usable);
        return { answer: { result: 'PASS' }, next: { ...state, codes: remaining } };
      }

      const newestOpen = codes.filter((code) => !isLocked(code)).at(-1);
      if (newestOpen === undefined) return { answer: { result: 'LOCKED' } };
      // A wrong guess is a guess at every open code, so it counts against each of them.
      const counted = codes.map((code) => (isLocked(code) ? code : { ...code, wrongTries: code.wrongTries + 1 }));
      return {
        answer: { result: 'WRONG', triesLeft: newestOpen.maxWrongTries - newestOpen.wrongTries - 1 },
        next: { ...state, codes: counted },
      };
    });
  }

  /** Marks the send as started, atomically, so two concurrent sends cannot both pass the resend interval. */
  private claimSendSlot(stateKey: string, intervalMs: number): Promise<SendSlot> {
    return this.updateState<SendSlot>(stateKey, (state, now) => {
      const blockedUntil = resendBlockedUntil(state, intervalMs, now);
      if (blockedUntil !== undefined) return { answer: { claimed: false, resendAvailableAt: blockedUntil } };
      const previous = state === null ? null : { lastSentAt: state.lastSentAt, resendAvailableAt: state.resendAvailableAt };
      return {
        answer: { claimed: true, sentAt: now, previous },
        next: {
          lastSentAt: now,
          resendAvailableAt: now + intervalMs,
          duplicatePolicy: state?.duplicatePolicy ?? 'replace',
          codes: unexpiredCodes(state, now),
        },
      };
    });
  }

  private releaseSendSlot(stateKey: string, slot: Extract<SendSlot, { claimed: true }>): Promise<void> {
    return this.updateState<void>(stateKey, (state) => {
      if (state === null || state.lastSentAt !== slot.sentAt) return { answer: undefined };
      const previous = slot.previous ?? { lastSentAt: null, resendAvailableAt: 0 };
      return { answer: undefined, next: { ...state, ...previous } };
    });
  }

  /** Reads the state, decides, and writes with a compare-and-swap; decides again on contention. */
  private async updateState<T>(stateKey: string, decide: (state: SmsCodeState | null, now: number) => StateUpdate<T>): Promise<T> {
    for (let attempt = 0; attempt < maxStateUpdateAttempts; attempt++) {
      const raw = await this.store.get(stateKey);
      const now = this.now();
      const update = decide(parseSmsCodeState(raw), now);
      if (!('next' in update)) return update.answer;
      const ttlMs = update.next === null ? null : smsCodeStateTtlMs(update.next, now);
      const value = update.next === null || ttlMs === null ? null : JSON.stringify(update.next);
      if (raw === null && value === null) return update.answer;
      if (await this.store.compareAndSwap(stateKey, raw, value, ttlMs ?? undefined)) return update.answer;
    }
    throw new Error('The SMS code state changed under every attempt to update it; try again');
  }

  private stateKey(scope: string, phoneNumber: string): string {
    return `${this.keyPrefix}state:${encodeURIComponent(scope)}:${encodeURIComponent(phoneNumber)}`;
  }

  private dailyCounterKey(phoneNumber: string, now: number): string {
    const utcDay = new Date(now).toISOString().slice(0, 10);
    return `${this.keyPrefix}daily:${encodeURIComponent(phoneNumber)}:${utcDay}`;
  }
}

function resendBlockedUntil(state: SmsCodeState | null, intervalMs: number, now: number): number | undefined {
  if (state === null || state.lastSentAt === null) return undefined;
  const availableAt = state.lastSentAt + intervalMs;
  return now < availableAt ? availableAt : undefined;
}

function assertValidSendCodeRequest(request: SendCodeRequest): void {
  const problems: string[] = [];
  if (request.scope === '') problems.push('scope is empty');
  if (request.phoneNumber === '') problems.push('phoneNumber is empty');
  if (!Number.isInteger(request.codeLength) || request.codeLength < 4 || request.codeLength > 8) {
    problems.push('codeLength must be an integer from 4 to 8');
  }
  if (!Object.hasOwn(smsCodeAlphabets, request.codeType)) problems.push(`codeType ${String(request.codeType)} is unknown`);
  if (!Number.isInteger(request.validitySeconds) || request.validitySeconds <= 0) {
    problems.push('validitySeconds must be a positive integer');
  }
  if (!Number.isFinite(request.resendIntervalSeconds) || request.resendIntervalSeconds < 0) {
    problems.push('resendIntervalSeconds must be zero or more');
  }
  if (!Number.isInteger(request.maxWrongTries) || request.maxWrongTries < 1) problems.push('maxWrongTries must be a positive integer');
  if (request.template !== undefined && !request.template.includes(codePlaceholder)) {
    problems.push(`template has no ${codePlaceholder}`);
  }
  if (problems.length > 0) throw new RangeError(`Invalid SMS code request: ${problems.join('; ')}`);
}
