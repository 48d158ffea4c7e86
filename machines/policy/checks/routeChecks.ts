import type { Policy, RiskRoute } from '../policySchema.js';
import type { PolicyNodeName } from '../scenes.js';
import { finding, type PolicyFinding } from './policyFinding.js';

/** The node each risk route leads to; `block` needs none. */
const riskRouteNodes: Record<RiskRoute, PolicyNodeName | undefined> = { captcha: 'captcha', uplinkSms: 'uplinkSms', block: undefined };
const carrierErrorRouteNodes: Record<Policy['nodes']['numberAuth']['onCarrierError'], PolicyNodeName | undefined> = {
  sms: 'smsCode',
  uplinkSms: 'uplinkSms',
  fail: undefined,
};

/**
 * Routes between nodes that point at a node that is off. The chart would quietly send such a
 * session elsewhere (a risk route becomes a block, a carrier error the next proof or a failure);
 * the operator should choose that instead.
 */
export function routeFindings(policy: Policy): PolicyFinding[] {
  const { nodes } = policy;
  const findings: PolicyFinding[] = [];
  for (const riskNode of ['endpointRisk', 'phoneRisk'] as const) {
    const { enabled, onRisk } = nodes[riskNode];
    const target = riskRouteNodes[onRisk];
    if (enabled && target && !nodes[target].enabled) {
      findings.push(
        finding(
          'RISK_ROUTE_TO_OFF_NODE',
          riskNode,
          'onRisk',
          `risky sessions go to ${target}, which is off; switch ${target} on or choose another route (the chart would block them)`,
        ),
      );
    }
  }

  const { numberAuth } = nodes;
  const carrierTarget = carrierErrorRouteNodes[numberAuth.onCarrierError];
  if (numberAuth.enabled && carrierTarget && !nodes[carrierTarget].enabled) {
    findings.push(
      finding(
        'CARRIER_ERROR_ROUTE_TO_OFF_NODE',
        'numberAuth',
        'onCarrierError',
        `carrier errors go to ${carrierTarget} (${numberAuth.onCarrierError}), which is off; switch ${carrierTarget} on or choose another route`,
      ),
    );
  }

  const routedToCaptcha = (['endpointRisk', 'phoneRisk'] as const).some((riskNode) => nodes[riskNode].enabled && nodes[riskNode].onRisk === 'captcha');
  if (nodes.captcha.enabled && !routedToCaptcha) {
    findings.push(
      finding('NODE_UNUSED', 'captcha', 'enabled', 'captcha is on, but no risk node routes to it (set endpointRisk.onRisk or phoneRisk.onRisk to captcha)'),
    );
  }
  return findings;
}
