/**
 * Secrets that must not stay in a session's event log. Everything else stays, because the
 * log is what a tester replays: every value a guard reads must be kept.
 */
const redactedFields = new Set(['accessToken', 'verifyToken', 'code']);

export function redactEventForLog(event: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    // The uplink code is shown to the user and read by a guard on replay: keep it.
    copy[key] = redactedFields.has(key) && !(event.type === 'UPLINK_SMS_READY' && key === 'code') ? '[redacted]' : value;
  }
  return copy;
}
