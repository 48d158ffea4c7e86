import type { Logger } from 'pino';
import { maskPhoneNumber, type SceneCode, type SessionContext } from '../../machines/index.js';
import type { LoadedSession } from '../engine/sessionEngine.js';
import type { PolicyRepository } from '../policies/policyRepository.js';

/**
 * The operator's log line for a finished session, written while the scene's logging switch is
 * on (the console's per-scene "logging"). Numbers appear masked, as everywhere in logs.
 */
export async function logSessionOutcome(logger: Logger, policies: PolicyRepository, session: LoadedSession, status: string): Promise<void> {
  const settings = await policies.recentSceneSettings(session.record.sceneCode as SceneCode);
  if (!settings.logging) return;
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
