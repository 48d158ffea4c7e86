import { scenes } from '../policy/scenes.js';
import type { Platform } from '../policy/scenes.js';
import type { Policy } from '../policy/policySchema.js';
import type { SessionInput } from '../sessionEvents.js';

/**
 * The session a model path runs: which policy on which platform, the input it starts with, and
 * the fixed numbers and times its events use. The model is untimed: every event happens at
 * `modelTime.start` except a resend, which happens when the last code allows it.
 */

/** One policy on one platform: what a model session is started with. */
export interface ModelSubject {
  /** Short, unique, for test names and session ids. */
  name: string;
  policy: Policy;
  platform: Platform;
}

export const modelTime = {
  start: 1_700_000_000_000,
  /** SMS_SENT and SMS_NOT_SENT (TOO_SOON) say a new code may be requested from then on. */
  resendAvailableAt: 1_700_000_000_000 + 60_000,
  codeExpiresAt: 1_700_000_000_000 + 300_000,
} as const;

/** Numbers the model uses; all valid 11-digit mainland mobile numbers, all different. */
export const modelNumbers = {
  /** The user's bound number, given by the app backend (scenes that need one). */
  bound: '13800000001',
  /** What a carrier returns for a one-click token. */
  carrier: '13912345678',
  /** What a user types on an `enterPhone` step (phase `user`, or a new number). */
  entered: '13700000002',
  /** Who sends the uplink SMS when the session does not know the number yet. */
  uplinkSender: '13600000003',
} as const;

/** The code an uplink SMS must carry (what UPLINK_SMS_READY hands out). */
export const uplinkCode = 'UP4821';

export const modelSchemeCode = 'FA0000000001';

export function sessionInputOf(subject: ModelSubject, sessionId = `model-${subject.name}`): SessionInput {
  return {
    sessionId,
    schemeCode: modelSchemeCode,
    sceneCode: subject.policy.sceneCode,
    platform: subject.platform,
    ...(scenes[subject.policy.sceneCode].needsBoundPhoneNumber ? { boundPhoneNumber: modelNumbers.bound } : {}),
    device: {},
  };
}
