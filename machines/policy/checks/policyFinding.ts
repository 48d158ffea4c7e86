import type { PolicyNodeName } from '../scenes.js';

/**
 * What the static checks of a policy can report, with whether it blocks saving. Errors refuse the
 * policy; warnings are shown to the operator and let it be saved.
 */
export const policyCheckCatalog = {
  // From the policy schema (one source of truth for its own rules).
  INVALID_POLICY: { severity: 'error', about: 'the input is not a policy at all (not an object, or a required part is missing)' },
  INVALID_SETTING: { severity: 'error', about: 'a setting has the wrong type, an unknown value or is out of its range' },
  NODE_NOT_ALLOWED: { severity: 'error', about: 'a scene switches on a node the vendor does not offer in that scene' },
  NUMBER_AUTH_MODE_MISMATCH: { severity: 'error', about: 'number auth learns a number the scene already knows, or checks a number the scene does not know' },
  NO_PROOF_NODE: { severity: 'error', about: 'no proof-of-possession node (number auth, SMS code, uplink SMS) is on' },
  // Settings.
  ATTEMPT_LIMIT_TOO_HIGH: { severity: 'error', about: 'sends or tries per session are not bounded tightly enough' },
  SMS_VALIDITY_TOO_LONG: { severity: 'error', about: 'an SMS code stays valid for more than 10 minutes' },
  UPLINK_VALIDITY_TOO_LONG: { severity: 'error', about: 'an uplink SMS code stays valid for more than 10 minutes' },
  SMS_CODE_TOO_SHORT: { severity: 'error', about: 'an SMS code has fewer than 4 characters' },
  SMS_CODE_SHORT: { severity: 'warning', about: 'an SMS code has fewer than the recommended 6 characters' },
  SMS_CODE_WEAK_KEYSPACE: { severity: 'warning', about: 'an SMS code has fewer than 10^6 possible values' },
  SMS_NO_RESEND_INTERVAL: { severity: 'warning', about: 'SMS codes can be resent without waiting' },
  // Routes between nodes.
  RISK_ROUTE_TO_OFF_NODE: { severity: 'error', about: 'a risk node sends risky sessions to a node that is off' },
  CARRIER_ERROR_ROUTE_TO_OFF_NODE: { severity: 'error', about: 'number auth sends carrier errors to a node that is off' },
  NODE_UNUSED: { severity: 'warning', about: 'a node is on but no route leads to it' },
  // The chart built from the policy.
  CHART_BUILD_FAILED: { severity: 'error', about: 'the statechart could not be built from the policy' },
  STUCK_STATE: { severity: 'error', about: 'a reachable state can end only by the session timeout or a cancel' },
  VERIFIED_UNREACHABLE: { severity: 'error', about: 'no path of the chart reaches verified' },
  VERIFIED_WITHOUT_PROOF: { severity: 'error', about: 'a path reaches verified without a proof of possession of the number in every phase' },
} as const satisfies Record<string, { severity: 'error' | 'warning'; about: string }>;

export type PolicyCheckCode = keyof typeof policyCheckCatalog;

/** Every code the checks can report. */
export const policyCheckCodes = Object.keys(policyCheckCatalog) as PolicyCheckCode[];

export interface PolicyFinding {
  code: PolicyCheckCode;
  /** The policy node the finding is about, or `policy` for the policy as a whole. */
  node: PolicyNodeName | 'policy';
  /** The setting of that node (a dotted path below it), when the finding is about one. */
  setting?: string;
  /** Human text that starts with `node.setting:`. */
  message: string;
}

export interface PolicyCheckResult {
  /** No errors: the policy may be saved. */
  ok: boolean;
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
}

/** Where a finding points, as the operator reads it: `smsCode.validitySeconds`, `captcha`, `sessionTtlSeconds`, `policy`. */
export function findingLocation(node: PolicyFinding['node'], setting?: string): string {
  if (node === 'policy') return setting ?? 'policy';
  return setting ? `${node}.${setting}` : node;
}

export function finding(code: PolicyCheckCode, node: PolicyFinding['node'], setting: string | undefined, text: string): PolicyFinding {
  return { code, node, ...(setting === undefined ? {} : { setting }), message: `${findingLocation(node, setting)}: ${text}` };
}
