/**
 * What numberflow POSTs to an app backend when a session finishes. No phone numbers: the
 * backend learns the number by exchanging the verify token (POST /v1/fusion-auth/verify).
 */
export const webhookEventTypes = ['session.verified', 'session.failed', 'session.expired'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export type FinishedSessionStatus = 'verified' | 'failed' | 'expired';

export interface WebhookEvent {
  /** Stable id given by the caller, e.g. `wh-<sessionId>-<version>`: retries carry the same id, so receivers dedupe on it. */
  id: string;
  type: WebhookEventType;
  /** ISO 8601: when the session finished (not when this attempt was sent). */
  createdAt: string;
  data: {
    sessionId: string;
    schemeCode: string;
    sceneCode: string;
    status: FinishedSessionStatus;
    /** How the number was proved (verified sessions), e.g. `numberAuth`, `smsCode`, `uplinkSms`. */
    method?: string;
    /** Why the session failed (failed sessions), e.g. `blocked`, `cancelled`. */
    failureReason?: string;
  };
}

const typeOfStatus: Record<FinishedSessionStatus, WebhookEventType> = {
  verified: 'session.verified',
  failed: 'session.failed',
  expired: 'session.expired',
};

/** The deterministic event id of a session's finishing write; no `:`, so it is also a valid job id. */
export function webhookEventId(sessionId: string, version: number): string {
  return `wh-${sessionId}-${version}`;
}

/**
 * The event for a session that has just finished at record `version`; null while it is pending.
 * `method` is kept only on verified sessions and `failureReason` only on failed ones.
 */
export function sessionWebhookEvent(session: {
  sessionId: string;
  version: number;
  schemeCode: string;
  sceneCode: string;
  status: FinishedSessionStatus | 'pending';
  method?: string | undefined;
  failureReason?: string | undefined;
  /** Epoch ms of the finishing write. */
  at: number;
}): WebhookEvent | null {
  const { status } = session;
  if (status === 'pending') return null;
  return {
    id: webhookEventId(session.sessionId, session.version),
    type: typeOfStatus[status],
    createdAt: new Date(session.at).toISOString(),
    data: {
      sessionId: session.sessionId,
      schemeCode: session.schemeCode,
      sceneCode: session.sceneCode,
      status,
      ...(status === 'verified' && session.method ? { method: session.method } : {}),
      ...(status === 'failed' && session.failureReason ? { failureReason: session.failureReason } : {}),
    },
  };
}
