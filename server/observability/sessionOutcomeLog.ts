import type { Logger } from 'pino';
import { maskPhoneNumber, type SessionContext } from '../../machines/index.js';
import type { LoadedSession } from '../engine/sessionEngine.js';

/**
 * The operator's log line for a finished session, written for sessions that started while their
 * scene's logging switch was on (the console's per-scene "Logging"). Numbers appear masked, as
 * everywhere in logs.
 */
export function logSessionOutcome(logger: Logger, session: LoadedSession, status: string): void {
  if (session.record.untraced) return;
  const context = session.snapshot.context as SessionContext;
  const number = context.provedNumbers.new ?? context.provedNumbers.user ?? context.provedNumbers.bound ?? context.phoneNumber;
  logger.info(
    {
      sessionId: session.record.id,
      schemeCode: session.record.schemeCode,
      sceneCode: session.record.sceneCode,
      status,
      ...(context.method ? { method: context.method } : {}),
      ...(context.failureReason ? { failureReason: context.failureReason } : {}),
      ...(number ? { phoneNumber: maskPhoneNumber(number) } : {}),
      policyVersion: session.record.policyVersion,
    },
    'session finished',
  );
}
