import { createSessionMachine } from '../createSessionMachine.js';
import { chartFindings } from './checks/chartChecks.js';
import { policyCheckCatalog, finding, type PolicyCheckResult, type PolicyFinding } from './checks/policyFinding.js';
import { routeFindings } from './checks/routeChecks.js';
import { schemaFindings } from './checks/schemaFindings.js';
import { settingFindings } from './checks/settingChecks.js';
import { policySchema } from './policySchema.js';
import { scenes } from './scenes.js';

export { policyCheckCatalog, policyCheckCodes, type PolicyCheckCode, type PolicyCheckResult, type PolicyFinding } from './checks/policyFinding.js';
export {
  canBeVerified,
  chartFindings,
  findStuckStates,
  findVerifiedWithoutProof,
  provedPhaseOf,
  unprovablePhases,
  type ProoflessPath,
  type StuckState,
} from './checks/chartChecks.js';
export { chartGraph, type ChartGraph, type ChartEdge } from './checks/chartGraph.js';

/**
 * The static checks a policy passes before it is saved. First the policy schema (its refusals
 * named by node and setting); then, on a valid policy, its settings (bounds on sends and tries,
 * code lifetimes and strength), its routes (none to a node that is off), and the chart it builds
 * (every reachable state can end; verified only after a proof of possession in every phase).
 */
export function checkPolicy(input: unknown): PolicyCheckResult {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) return result(schemaFindings(parsed.error.issues));
  const policy = parsed.data;

  const findings = [...settingFindings(policy), ...routeFindings(policy)];
  let machine: ReturnType<typeof createSessionMachine> | undefined;
  try {
    machine = createSessionMachine(policy);
  } catch (error) {
    findings.push(
      finding('CHART_BUILD_FAILED', 'policy', undefined, `the statechart cannot be built: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  if (machine) findings.push(...chartFindings(machine, scenes[policy.sceneCode].phases));
  return result(findings);
}

function result(findings: PolicyFinding[]): PolicyCheckResult {
  const errors = findings.filter((item) => policyCheckCatalog[item.code].severity === 'error');
  const warnings = findings.filter((item) => policyCheckCatalog[item.code].severity === 'warning');
  return { ok: errors.length === 0, errors, warnings };
}
