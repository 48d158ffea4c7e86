import { z } from 'zod';

const activeSmsCodeSchema = z.object({
  bizId: z.string(),
  /** HMAC of the code as sent. */
  digest: z.string(),
  /** HMAC of the lowercased code, for case-insensitive checks. */
  caseFoldedDigest: z.string(),
  expiresAt: z.number(),
  wrongTries: z.number(),
  maxWrongTries: z.number(),
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
});

export type ActiveSmsCode = z.infer<typeof activeSmsCodeSchema>;

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

/** How long the state must be kept: until its last code expires and the resend interval ends. Null when it can go. */
export function smsCodeStateTtlMs(state: SmsCodeState, now: number): number | null {
  const keepUntil = Math.max(state.resendAvailableAt, ...state.codes.map((code) => code.expiresAt));
  return keepUntil > now ? keepUntil - now : null;
}
