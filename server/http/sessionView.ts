import { dottedStatePath, nextActionOf, sessionStatus, type NextAction, type SessionContext, type SessionStatus } from '../../machines/index.js';
import type { LoadedSession } from '../engine/sessionEngine.js';

export interface SessionView {
  id: string;
  sceneCode: string;
  schemeCode: string;
  status: SessionStatus;
  state: string;
  nextAction: NextAction;
  expiresAt: string;
  verifyToken?: string;
  /** Extensions: the record version (for optimistic clients) and why a session failed. */
  version: number;
  failureReason?: string;
}

/** `{proveNumber: {sms: 'awaitingCode'}}` → `proveNumber.sms.awaitingCode`. */
export const statePath = dottedStatePath;

/** What a client sees of a session: enough to take the next step, nothing of the risk engine's reasons. */
/**
 * The client's view. `revealToken` turns the sealed verify token the session keeps into the token
 * (only the session's own client gets it); without it the view has none.
 */
export function sessionView({ record, snapshot, machine }: LoadedSession, revealToken?: (kept: string) => string | null): SessionView {
  const verifyToken = revealToken && (snapshot.context as SessionContext).verifyToken ? revealToken((snapshot.context as SessionContext).verifyToken!) : null;
  const context = snapshot.context as SessionContext;
  const status = sessionStatus(snapshot);
  const { nodes } = machine.policy;
  return {
    id: record.id,
    sceneCode: record.sceneCode,
    schemeCode: record.schemeCode,
    status,
    state: statePath(snapshot.value),
    nextAction: nextActionOf(snapshot, {
      codeLength: nodes.smsCode.codeLength,
      maxSends: nodes.smsCode.maxSends,
      maxMiddleDigitTries: nodes.numberAuth.maxMiddleDigitTries,
    }),
    expiresAt: new Date(record.expiresAt).toISOString(),
    ...(status === 'verified' && verifyToken ? { verifyToken } : {}),
    version: record.version,
    ...(status === 'failed' && context.failureReason ? { failureReason: context.failureReason } : {}),
  };
}

/**
 * What the operator sees of a session: the client's view without the verify token. Only the
 * session's client may read that token back; the app backend redeems it (single use), and nobody
 * else should hold one.
 */
export function operatorSessionView(session: LoadedSession): Omit<SessionView, 'verifyToken'> {
  return sessionView(session);
}

/** The machine's context for the operator, the verify token redacted as it is in the log. */
export function operatorContext(session: LoadedSession): Record<string, unknown> {
  const context = session.snapshot.context as unknown as Record<string, unknown>;
  return context.verifyToken === undefined ? context : { ...context, verifyToken: '[redacted]' };
}
