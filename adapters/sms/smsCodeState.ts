import { z } from 'zod';
import { smsCodeAlphabets } from './generateCode.js';
import type { SmsCodeType } from './smsVerification.js';

const smsCodeTypes = Object.keys(smsCodeAlphabets) as [SmsCodeType, ...SmsCodeType[]];

/** How long a send with an outId is remembered, so that a retry of it is recognised: one day. */
export const smsSendRecordRetentionMs = 24 * 60 * 60 * 1000;

const activeSmsCodeSchema = z.object({
  bizId: z.string(),
  /** HMAC of the code as sent. */
  digest: z.string(),
  /** HMAC of the lowercased code, for case-insensitive checks. */
  caseFoldedDigest: z.string(),
  expiresAt: z.number(),
  wrongTries: z.number(),
  maxWrongTries: z.number(),
  /** When its send claimed the resend slot (epoch ms), to order codes; absent in state written before it existed. */
  sentAt: z.number().optional(),
});

const sendSlotSchema = z.object({ lastSentAt: z.number().nullable(), resendAvailableAt: z.number() });

/** A send made with an outId, from its claim on; a retry with the same outId continues or replays it. */
const smsSendSchema = z.object({
  outId: z.string(),
  /** `pending` from the claim until the sender accepted the message. */
  status: z.enum(['pending', 'delivered']),
  /** CSPRNG bytes (base64url) the code is derived from through the HMAC key (deriveCode); never the code itself. */
  nonce: z.string(),
  codeType: z.enum(smsCodeTypes),
  codeLength: z.number(),
  /** When the send claimed the resend slot (epoch ms). */
  sentAt: z.number(),
  resendAvailableAt: z.number(),
  /** The resend slot before the claim, put back if the send fails. */
  previous: sendSlotSchema.nullable(),
  /** The code as it goes into `codes` once delivered. */
  code: activeSmsCodeSchema,
});

const smsCodeStateSchema = z.object({
  /** When the last send to this scope and number started (epoch ms), for the resend interval. */
  lastSentAt: z.number().nullable(),
  /** When the interval of the last send ends; the state is kept at least until then. */
  resendAvailableAt: z.number(),
  /** The duplicate policy of the last send: with `replace` a passed code ends all others. */
  duplicatePolicy: z.enum(['replace', 'keep']),
  /** Codes sent and not yet used, oldest first. */
  codes: z.array(activeSmsCodeSchema),
  /** Sends made with an outId in the last day, oldest first; absent when there are none. */
  sends: z.array(smsSendSchema).optional(),
});

export type ActiveSmsCode = z.infer<typeof activeSmsCodeSchema>;

export type SmsSendRecord = z.infer<typeof smsSendSchema>;

/** Everything the code engine keeps per (scope, phone number). Never holds a plain code. */
export type SmsCodeState = z.infer<typeof smsCodeStateSchema>;

/** The stored state, or null when there is none or it is unreadable (then it is overwritten). */
export function parseSmsCodeState(raw: string | null): SmsCodeState | null {
  if (raw === null) return null;
  try {
    const parsed = smsCodeStateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function isLocked(code: ActiveSmsCode): boolean {
  return code.wrongTries >= code.maxWrongTries;
}

export function unexpiredCodes(state: SmsCodeState | null, now: number): ActiveSmsCode[] {
  return state === null ? [] : state.codes.filter((code) => now < code.expiresAt);
}

/** The sends still remembered. */
export function rememberedSends(state: SmsCodeState | null, now: number): SmsSendRecord[] {
  return (state?.sends ?? []).filter((send) => now < send.sentAt + smsSendRecordRetentionMs);
}

/** How long the state must be kept: until its last code expires, the resend interval ends and its sends are forgotten. Null when it can go. */
export function smsCodeStateTtlMs(state: SmsCodeState, now: number): number | null {
  const keepUntil = Math.max(
    state.resendAvailableAt,
    ...state.codes.map((code) => code.expiresAt),
    ...(state.sends ?? []).map((send) => send.sentAt + smsSendRecordRetentionMs),
  );
  return keepUntil > now ? keepUntil - now : null;
}
