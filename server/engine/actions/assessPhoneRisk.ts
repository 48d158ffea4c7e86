import type { SessionContext } from '../../../machines/index.js';
import type { RiskAssessor } from '../../risk/riskAssessor.js';
import type { PhoneLists } from './phoneLists.js';
import type { ActionHandler } from './actionHandler.js';

/** Scores a number by the session's policy; a typed number on the deny list routes like any other (its SMS is suppressed instead). */
export function assessPhoneRisk(risk: RiskAssessor, phoneLists: PhoneLists | undefined): ActionHandler<'assessPhoneRisk'> {
  return async ({ session, params }) => {
    const node = session.machine.policy.nodes.phoneRisk;
    const context = session.snapshot.context as SessionContext;
    // Nobody can learn the list by trying numbers. A number a carrier proved stays risky.
    if (!context.provedByCarrier && (await phoneLists?.match(params.schemeCode, params.phoneNumber))?.deny) {
      return {
        type: 'PHONE_RISK_RESULT',
        score: 0,
        ruleHit: false,
        reasons: ["number on the scheme's deny list: its SMS will be suppressed, the client is not told"],
      };
    }
    return {
      type: 'PHONE_RISK_RESULT',
      ...(await risk.assessPhoneNumber({
        phoneNumber: params.phoneNumber,
        schemeCode: params.schemeCode,
        device: context.device,
        policy: {
          threshold: node.threshold,
          rules: node.rules,
          sendIntervalSeconds: node.sendIntervalSeconds,
          ...(node.simSwapMaxAgeHours !== undefined ? { simSwapMaxAgeHours: node.simSwapMaxAgeHours } : {}),
        },
      })),
    };
  };
}
