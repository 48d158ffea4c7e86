import type { SessionContext } from '../../../machines/index.js';
import type { RiskAssessor } from '../../risk/riskAssessor.js';
import type { VerifyTokenStore } from '../../tokens/verifyTokenStore.js';
import type { ActionHandler } from './actionHandler.js';

/** The single-use token the app backend redeems for the number; the session keeps it sealed for its client. */
export function issueVerifyToken(verifyTokens: VerifyTokenStore, risk: RiskAssessor, clock: () => number): ActionHandler<'issueVerifyToken'> {
  return async ({ session, params }) => {
    const context = session.snapshot.context as SessionContext;
    const phoneScore = params.scoring
      ? (await risk.assessPhoneNumber({ phoneNumber: params.phoneNumber, schemeCode: context.schemeCode, device: context.device, record: false })).score
      : undefined;
    const { sealed, expiresAt } = await verifyTokens.issue({
      sessionId: session.record.id,
      schemeCode: session.record.schemeCode,
      sceneCode: session.record.sceneCode,
      phoneNumber: params.phoneNumber,
      method: params.method,
      ...(phoneScore === undefined ? {} : { phoneScore }),
      issuedAt: clock(),
    });
    return { type: 'VERIFY_TOKEN_ISSUED', verifyToken: sealed, expiresAt, ...(phoneScore === undefined ? {} : { phoneScore }) };
  };
}
