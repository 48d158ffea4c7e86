import type { RiskAssessor } from '../../risk/riskAssessor.js';
import type { ActionHandler } from './actionHandler.js';

/** Scores the device signals of a session start by the rules and threshold of the policy the session started with. */
export function assessEndpointRisk(risk: RiskAssessor): ActionHandler<'assessEndpointRisk'> {
  return async ({ session, params }) => {
    const node = session.machine.policy.nodes.endpointRisk;
    return {
      type: 'ENDPOINT_RISK_RESULT',
      ...(await risk.assessEndpoint({
        device: params.device,
        schemeCode: params.schemeCode,
        platform: params.platform,
        policy: { threshold: node.threshold, rules: node.rules },
      })),
    };
  };
}
