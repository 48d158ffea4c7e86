import type { z } from 'zod';
import type { PolicyNodeName } from '../scenes.js';
import { finding, type PolicyCheckCode, type PolicyFinding } from './policyFinding.js';

const policyNodeNames: readonly PolicyNodeName[] = ['endpointRisk', 'phoneRisk', 'numberAuth', 'smsCode', 'uplinkSms', 'captcha', 'scoring'];

/** Schema refusals of settings that the static checks also name, so both layers report the same code. */
const tooBigCodes: Partial<Record<string, PolicyCheckCode>> = {
  'smsCode.validitySeconds': 'SMS_VALIDITY_TOO_LONG',
  'uplinkSms.validitySeconds': 'UPLINK_VALIDITY_TOO_LONG',
  'smsCode.maxSends': 'ATTEMPT_LIMIT_TOO_HIGH',
  'smsCode.maxWrongTries': 'ATTEMPT_LIMIT_TOO_HIGH',
  'captcha.maxTries': 'ATTEMPT_LIMIT_TOO_HIGH',
  'numberAuth.maxMiddleDigitTries': 'ATTEMPT_LIMIT_TOO_HIGH',
};
const tooSmallCodes: Partial<Record<string, PolicyCheckCode>> = { 'smsCode.codeLength': 'SMS_CODE_TOO_SHORT' };

/**
 * A finding per issue of the policy schema: the node from the issue's path (`nodes.<node>.…`),
 * the setting from the rest of it. The schema's own rules (ranges, nodes a scene allows, the
 * number auth mode, a proof node) stay in the schema; this only names them.
 */
export function schemaFindings(issues: readonly z.core.$ZodIssue[]): PolicyFinding[] {
  return issues.map((issue) => {
    const path = issue.path.map(String);
    const [first, second, ...rest] = path;
    const isNode = first === 'nodes' && second !== undefined && (policyNodeNames as readonly string[]).includes(second);
    const node: PolicyFinding['node'] = isNode ? (second as PolicyNodeName) : 'policy';
    const setting = isNode ? (rest.length > 0 ? rest.join('.') : undefined) : path.length > 0 ? path.join('.') : undefined;
    return finding(codeOf(issue, node, setting), node, setting, issue.message);
  });
}

function codeOf(issue: z.core.$ZodIssue, node: PolicyFinding['node'], setting: string | undefined): PolicyCheckCode {
  const where = `${node}.${setting ?? ''}`;
  if (issue.code === 'custom') {
    if (node !== 'policy' && setting === 'enabled') return 'NODE_NOT_ALLOWED';
    if (where === 'numberAuth.mode') return 'NUMBER_AUTH_MODE_MISMATCH';
    if (node === 'policy' && setting === 'nodes') return 'NO_PROOF_NODE';
  }
  if (issue.code === 'too_big') return tooBigCodes[where] ?? 'INVALID_SETTING';
  if (issue.code === 'too_small') return tooSmallCodes[where] ?? 'INVALID_SETTING';
  if (node === 'policy' && (setting === undefined || setting === 'nodes')) return 'INVALID_POLICY';
  return 'INVALID_SETTING';
}
