import { createHash, randomBytes, randomInt } from 'node:crypto';
import { codeNonceBytes, deriveCode, smsCodeAlphabets } from './generateCode.js';
import { digestsEqual, smsCodeDigest } from './smsCodeDigest.js';
import { isLocked, parseSmsCodeState, rememberedSends, smsCodeStateTtlMs, unexpiredCodes, type SmsCodeState, type SmsSendRecord } from './smsCodeState.js';
import type { SmsCodeStateStore } from './smsCodeStateStore.js';
import { codePlaceholder, defaultSmsCodeTemplate, renderSmsCodeText } from './smsCodeText.js';
import { SmsDeliveryError, type SmsSender } from './smsSender.js';
import {
  SmsCodeBusyError,
  type CheckCodeRequest,
  type CheckCodeResult,
  type SendCodeRequest,
  type SendCodeResult,
  type SmsVerification,
} from './smsVerification.js';

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
const maxStateUpdateAttempts = 25;
/** The newest sends with an outId kept per scope and number; older ones are forgotten sooner than a day. */
const maxSendRecords = 32;

/** A state transition: the answer to give and, unless the state stays as it is, the next state (null deletes it). */
type StateUpdate<T> = { answer: T } | { answer: T; next: SmsCodeState | null };

type SendSlot = Pick<SmsCodeState, 'lastSentAt' | 'resendAvailableAt'>;

/** The outcome of claiming a send: a new claim, a send already recorded for the outId, or the resend interval. */
type Claim = { claimed: true; send: SmsSendRecord } | { claimed: false; recorded: SmsSendRecord } | { claimed: false; resendAvailableAt: number };

/**
 * The SMS code engine that runs without a vendor: CSPRNG codes, stored only as an HMAC and
 * bound to scope and number, single use, with an expiry, a resend interval, a cap on wrong
 * tries per code and a daily cap per number. Every state change is a compare-and-swap, so
 * concurrent requests cannot use a code twice or lose a wrong try.
 *
 * A send with an `outId` is idempotent: it claims the resend slot and records a pending send
 * (its nonce and the code's HMACs), sends with an idempotency key derived from the outId, then
 * marks the send delivered. A retry with the same outId (a job run again after a crash) continues
 * a pending send with the same code and key, and replays a delivered one without sending.
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
    const outId = request.outId === '' ? undefined : request.outId;
    const stateKey = this.stateKey(request.scope, request.phoneNumber);
    const intervalMs = request.resendIntervalSeconds * 1000;

    const state = outId === undefined ? null : parseSmsCodeState(await this.store.get(stateKey));
    let send = outId === undefined ? undefined : findSend(state, outId, this.now());
    if (send === undefined) {
      // Claimed before it is counted, so that a send refused as too soon counts against nothing,
      // and two runs of one outId count once: the second finds the first one's claim.
      const claim = await this.claimSend(stateKey, request, outId, intervalMs);
      if (!claim.claimed) {
        if (!('recorded' in claim)) return { sent: false, reason: 'TOO_SOON', resendAvailableAt: claim.resendAvailableAt };
        send = claim.recorded;
      } else {
        send = claim.send;
        const delivered = request.deliver !== false;
        if (delivered && (await this.store.increment(this.dailyCounterKey(request.phoneNumber, send.sentAt), 1, dayMs)) > this.dailyCapPerNumber) {
          if ((await this.releaseClaim(stateKey, outId, send)) === 'delivered') return this.resultOf(send, request);
          return { sent: false, reason: 'DAILY_LIMIT' };
        }
      }
    } else if (send.status === 'pending' && !isUsefulToSend(state, send, request.duplicatePolicy, this.now())) {
      // The retry of a send whose code expired meanwhile, or was replaced by a newer one: sending it could only confuse.
      await this.markDelivered(stateKey, outId, send, request.duplicatePolicy);
      return this.resultOf(send, request);
    }
    if (send.status === 'delivered') return this.resultOf(send, request);

    const code = this.codeOf(send);
    const template = request.template ?? defaultSmsCodeTemplate(request.validitySeconds);
    const idempotencyKey = outId === undefined ? undefined : smsIdempotencyKey(request.scope, request.phoneNumber, outId);
    try {
      if (request.deliver !== false) {
        await this.sender.send({
          to: request.phoneNumber,
          text: renderSmsCodeText(template, code),
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        });
      }
    } catch (error) {
      // With an outId, an error that is not an SmsDeliveryError leaves open whether the message went
      // out (or the process is going down), so the claim stays: the retry sends the same code again.
      if (outId !== undefined && !(error instanceof SmsDeliveryError)) throw error;
      // The code was never stored as valid; the slot and the quota go back so a retry may send.
      const released = await this.releaseClaim(stateKey, outId, send);
      if (released === 'delivered') return this.resultOf(send, request, code);
      if (released === 'released') await this.store.increment(this.dailyCounterKey(request.phoneNumber, send.sentAt), -1, dayMs);
      if (error instanceof SmsDeliveryError) {
        return { sent: false, reason: 'DELIVERY_FAILED', permanent: error.permanent, detail: error.message };
      }
      throw error;
    }

    await this.markDelivered(stateKey, outId, send, request.duplicatePolicy);
    return this.resultOf(send, request, code);
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

  /**
   * Marks the send as started, atomically, so two concurrent sends cannot both pass the resend
   * interval, and two runs of the same outId cannot both claim. With an outId the claim is recorded.
   */
  private claimSend(stateKey: string, request: SendCodeRequest, outId: string | undefined, intervalMs: number): Promise<Claim> {
    return this.updateState<Claim>(stateKey, (state, now) => {
      const recorded = outId === undefined ? undefined : findSend(state, outId, now);
      if (recorded !== undefined) return { answer: { claimed: false, recorded } };
      const blockedUntil = resendBlockedUntil(state, intervalMs, now);
      if (blockedUntil !== undefined) return { answer: { claimed: false, resendAvailableAt: blockedUntil } };

      // The code is derived from a CSPRNG nonce through the HMAC key, so the state keeps the nonce and
      // never the code: without the key the nonce is as useless as the code's HMAC (with the key, a short
      // code falls to its HMAC anyway), and a retry can re-create the very code the user may already hold.
      const nonce = randomBytes(codeNonceBytes);
      const code = deriveCode(this.hmacKey, nonce, request.codeType, request.codeLength);
      const send: SmsSendRecord = {
        outId: outId ?? '',
        status: 'pending',
        nonce: nonce.toString('base64url'),
        codeType: request.codeType,
        codeLength: request.codeLength,
        sentAt: now,
        resendAvailableAt: now + intervalMs,
        previous: state === null ? null : { lastSentAt: state.lastSentAt, resendAvailableAt: state.resendAvailableAt },
        code: {
          bizId: randomBytes(12).toString('hex'),
          digest: smsCodeDigest(this.hmacKey, request.scope, request.phoneNumber, code),
          caseFoldedDigest: smsCodeDigest(this.hmacKey, request.scope, request.phoneNumber, code.toLowerCase()),
          expiresAt: now + request.validitySeconds * 1000,
          wrongTries: 0,
          maxWrongTries: request.maxWrongTries,
          sentAt: now,
        },
      };
      const sends = rememberedSends(state, now);
      return {
        answer: { claimed: true, send },
        next: withSends(
          { lastSentAt: now, resendAvailableAt: now + intervalMs, duplicatePolicy: state?.duplicatePolicy ?? 'replace', codes: unexpiredCodes(state, now) },
          outId === undefined ? sends : [...sends, send].slice(-maxSendRecords),
        ),
      };
    });
  }

  /**
   * Makes the code valid (unless it expired, or the replace policy and a newer code make it moot) and,
   * with an outId, records the send as delivered. Does nothing if another run of the outId did it.
   */
  private markDelivered(stateKey: string, outId: string | undefined, send: SmsSendRecord, duplicatePolicy: 'replace' | 'keep'): Promise<void> {
    return this.updateState<void>(stateKey, (state, now) => {
      const sends = rememberedSends(state, now);
      if (outId !== undefined && sends.some((recorded) => recorded.outId === outId && recorded.status === 'delivered')) return { answer: undefined };

      const codes = unexpiredCodes(state, now);
      const superseded = codes.some((code) => (code.sentAt ?? 0) > send.sentAt);
      let nextCodes = codes;
      if (now < send.code.expiresAt) {
        if (duplicatePolicy === 'keep') nextCodes = [...codes, send.code].sort((left, right) => (left.sentAt ?? 0) - (right.sentAt ?? 0));
        else if (!superseded) nextCodes = [send.code];
      }
      const delivered: SmsSendRecord = { ...send, status: 'delivered' };
      const nextSends =
        outId === undefined
          ? sends
          : sends.some((recorded) => recorded.outId === outId)
            ? sends.map((recorded) => (recorded.outId === outId ? delivered : recorded))
            : [...sends, delivered].slice(-maxSendRecords);
      return {
        answer: undefined,
        next: withSends(
          {
            lastSentAt: Math.max(state?.lastSentAt ?? send.sentAt, send.sentAt),
            resendAvailableAt: Math.max(state?.resendAvailableAt ?? 0, send.resendAvailableAt),
            duplicatePolicy,
            codes: nextCodes,
          },
          nextSends,
        ),
      };
    });
  }

  /**
   * Undoes a claim whose send failed: forgets the pending send and gives the resend slot back.
   * `released` when this call undid it (the caller gives the quota back), `delivered` when another
   * run of the outId delivered it meanwhile, `gone` when another run already undid it.
   */
  private releaseClaim(stateKey: string, outId: string | undefined, send: SmsSendRecord): Promise<'released' | 'delivered' | 'gone'> {
    return this.updateState<'released' | 'delivered' | 'gone'>(stateKey, (state, now) => {
      const sends = rememberedSends(state, now);
      if (outId !== undefined) {
        const recorded = sends.find((candidate) => candidate.outId === outId);
        if (recorded?.status === 'delivered') return { answer: 'delivered' };
        if (recorded === undefined || recorded.nonce !== send.nonce) return { answer: 'gone' };
      }
      if (state === null) return { answer: 'released' };
      const slot: SendSlot = state.lastSentAt === send.sentAt ? (send.previous ?? { lastSentAt: null, resendAvailableAt: 0 }) : state;
      return {
        answer: 'released',
        next: withSends(
          { ...state, lastSentAt: slot.lastSentAt, resendAvailableAt: slot.resendAvailableAt },
          sends.filter((recorded) => outId === undefined || recorded.outId !== outId),
        ),
      };
    });
  }

  private codeOf(send: SmsSendRecord): string {
    return deriveCode(this.hmacKey, Buffer.from(send.nonce, 'base64url'), send.codeType, send.codeLength);
  }

  /** The answer to a send, the same for every run of it. */
  private resultOf(send: SmsSendRecord, request: SendCodeRequest, code?: string): SendCodeResult {
    const result = { sent: true as const, bizId: send.code.bizId, expiresAt: send.code.expiresAt, resendAvailableAt: send.resendAvailableAt };
    return request.returnCode ? { ...result, code: code ?? this.codeOf(send) } : result;
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
      // Someone else wrote first: step aside a moment so that racing updates spread out.
      await new Promise((resolve) => setTimeout(resolve, randomInt(0, 4 + attempt)));
    }
    throw new SmsCodeBusyError();
  }

  private stateKey(scope: string, phoneNumber: string): string {
    return `${this.keyPrefix}state:${encodeURIComponent(scope)}:${encodeURIComponent(phoneNumber)}`;
  }

  private dailyCounterKey(phoneNumber: string, now: number): string {
    const utcDay = new Date(now).toISOString().slice(0, 10);
    return `${this.keyPrefix}daily:${encodeURIComponent(phoneNumber)}:${utcDay}`;
  }
}

function findSend(state: SmsCodeState | null, outId: string, now: number): SmsSendRecord | undefined {
  return rememberedSends(state, now).find((send) => send.outId === outId);
}

/** False for a pending send whose code has expired, or which a newer code replaces: sending it now could not help. */
function isUsefulToSend(state: SmsCodeState | null, send: SmsSendRecord, duplicatePolicy: 'replace' | 'keep', now: number): boolean {
  if (now >= send.code.expiresAt) return false;
  return duplicatePolicy === 'keep' || !unexpiredCodes(state, now).some((code) => (code.sentAt ?? 0) > send.sentAt);
}

/** The state with these sends; without the field when there are none, so it reads as before sends were kept. */
function withSends(state: SmsCodeState, sends: SmsSendRecord[]): SmsCodeState {
  const { sends: _previous, ...rest } = state;
  return sends.length === 0 ? rest : { ...rest, sends };
}

/**
 * The key the sender deduplicates by: it names scope, number and outId, since an outId alone is
 * unique only within a session (a client of the plain API may use one for many numbers), and it is
 * a hash so no phone number goes to the provider's logs as a key.
 */
function smsIdempotencyKey(scope: string, phoneNumber: string, outId: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['sms-code', scope, phoneNumber, outId]))
    .digest('base64url');
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
