import { isTimerEventType } from '../../timerEvents.js';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { stateIds } from '../../stateIds.js';
import { scenes, type PolicyNodeName, type ProofPhase } from '../scenes.js';
import { canReach, chartGraph, explore, guardName, pathTo, stateLabel, type ChartGraph } from './chartGraph.js';
import { finding, type PolicyFinding } from './policyFinding.js';

/**
 * Checks of the chart a policy builds, read as a graph (see chartGraph): every reachable state can
 * still end, and no path reaches `verified` without a proof of possession of the number in every
 * phase. They take any machine with the session chart's state ids, so a hand-made chart can show
 * what they catch.
 */

/** Every proof phase any scene has, by the id of its state. */
const phaseIds = new Map<string, ProofPhase>(
  [...new Set(Object.values(scenes).flatMap((scene) => scene.phases))].map((phase) => [stateIds.phase(phase).phase, phase]),
);

/**
 * The root's session timer and CANCEL: with them every state trivially ends (in expired or
 * failed), so "can this state end?" is asked without them.
 */
export function isSessionTimeoutOrCancel(transition: AnyTransitionDefinition): boolean {
  const { source } = transition;
  return !source.parent && (transition.eventType === 'CANCEL' || isTimerEventType(transition.eventType));
}

/**
 * The phase a transition proves possession of the number in, if it is a proof: into the phase's
 * `proved` state, from a carrier proof (the `provedByCarrier` branch of `phoneRiskCleared`), a
 * passed SMS code (`sms` done) or a received uplink SMS (`uplinkSms` done).
 */
export function provedPhaseOf(transition: AnyTransitionDefinition): ProofPhase | undefined {
  const { source, target } = transition;
  const phaseNode = source.parent;
  const phase = phaseNode ? phaseIds.get(phaseNode.id) : undefined;
  if (!phaseNode || !phase) return undefined;
  const proved = (phaseNode.states as Record<string, AnyStateNode>)['proved'];
  if (!proved || !target || target.length === 0 || target.some((node) => node !== proved)) return undefined;
  const ids = stateIds.phase(phase);
  if (source.id === ids.phoneRiskCleared && guardName(transition) === 'provedByCarrier' && (source.always ?? []).includes(transition)) return phase;
  if ((source.id === ids.sms || source.id === ids.uplink) && transition.eventType === `xstate.done.state.${source.id}`) return phase;
  return undefined;
}

export interface StuckState {
  /** The state's path below the root, e.g. `proveNumber.sms.codeExpired`. */
  state: string;
  /** A shortest path to it from the start. */
  reachedBy: string[];
  node: AnyStateNode;
}

/** Reachable leaf states from which no path ends in a top-level final state, the session timer and CANCEL left out. */
export function findStuckStates(machine: AnyStateMachine): StuckState[] {
  const graph = chartGraph(machine, isSessionTimeoutOrCancel);
  const reachedBy = explore(graph, graph.start);
  const canEnd = canReach(graph, graph.terminals);
  return [...reachedBy.keys()]
    .filter((leaf) => !canEnd.has(leaf))
    .map((leaf) => ({ state: stateLabel(leaf), reachedBy: pathTo(reachedBy, leaf).map(stateLabel), node: leaf }));
}

export interface ProoflessPath {
  /** The phase whose proof the path skips. */
  phase: ProofPhase;
  /** The leaf states from the start to `verified`. */
  path: string[];
}

/**
 * For each phase (by default each phase the chart has), a path to `verified` that does not take
 * one of that phase's proof transitions, if there is one. A scene with two phases needs a proof
 * in each. `undefined` path: `verified` is not reachable at all.
 */
export function findVerifiedWithoutProof(machine: AnyStateMachine, phases?: readonly ProofPhase[]): ProoflessPath[] {
  const graph = chartGraph(machine, isSessionTimeoutOrCancel);
  const verified = graph.terminals.find((leaf) => leaf.id === stateIds.verified);
  if (!verified) return [];
  const checked = phases ?? phasesOf(graph);
  return checked.flatMap((phase) => {
    const reachedBy = explore(graph, graph.start, (edge) => provedPhaseOf(edge.transition) !== phase);
    return reachedBy.has(verified) ? [{ phase, path: pathTo(reachedBy, verified).map(stateLabel) }] : [];
  });
}

/** Whether some path of the chart (guards ignored) reaches `verified`. */
export function canBeVerified(machine: AnyStateMachine): boolean {
  const graph = chartGraph(machine, isSessionTimeoutOrCancel);
  return [...explore(graph, graph.start).keys()].some((leaf) => leaf.id === stateIds.verified && leaf.parent === graph.root);
}

/** The chart findings for a policy's machine; `phases` are the scene's proof phases. */
export function chartFindings(machine: AnyStateMachine, phases: readonly ProofPhase[]): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  for (const stuck of findStuckStates(machine)) {
    findings.push(
      finding(
        'STUCK_STATE',
        policyNodeOfState(stuck.node),
        undefined,
        `state ${stuck.state} (reached by ${stuck.reachedBy.join(' → ')}) cannot end in verified, failed or expired except by the session timeout or CANCEL`,
      ),
    );
  }
  if (!canBeVerified(machine)) {
    const unproved = unprovablePhases(machine, phases).map((phase) => stateIds.phase(phase).phase);
    const why = unproved.length > 0 ? `: no proof of possession can complete in phase ${unproved.join(', ')}` : '';
    findings.push(finding('VERIFIED_UNREACHABLE', 'policy', undefined, `no path of the chart reaches verified${why}`));
    return findings;
  }
  for (const { phase, path } of findVerifiedWithoutProof(machine, phases)) {
    findings.push(
      finding(
        'VERIFIED_WITHOUT_PROOF',
        'policy',
        undefined,
        `verified is reachable without a proof of possession (carrier exchange, SMS code or uplink SMS) in phase ${stateIds.phase(phase).phase}: ${path.join(' → ')}`,
      ),
    );
  }
  return findings;
}

/** The phases whose `proved` state no path reaches (or that the chart lacks). */
export function unprovablePhases(machine: AnyStateMachine, phases?: readonly ProofPhase[]): ProofPhase[] {
  const graph = chartGraph(machine, isSessionTimeoutOrCancel);
  const reached = explore(graph, graph.start);
  return (phases ?? phasesOf(graph)).filter((phase) => {
    const phaseNode = (Object.values(graph.root.states) as AnyStateNode[]).find((node) => node.id === stateIds.phase(phase).phase);
    const proved = phaseNode ? (phaseNode.states as Record<string, AnyStateNode>)['proved'] : undefined;
    return !proved || !reached.has(proved);
  });
}

function phasesOf(graph: ChartGraph): ProofPhase[] {
  return (Object.values(graph.root.states) as AnyStateNode[]).flatMap((node) => {
    const phase = phaseIds.get(node.id);
    return phase ? [phase] : [];
  });
}

/** State keys of the chart and the policy node that builds them. */
const nodeOfStateKey: Record<string, PolicyNodeName> = {
  endpointRisk: 'endpointRisk',
  phoneRisk: 'phoneRisk',
  phoneRiskCleared: 'phoneRisk',
  numberAuth: 'numberAuth',
  sms: 'smsCode',
  uplinkSms: 'uplinkSms',
  captcha: 'captcha',
};

/** The policy node a state belongs to: its innermost state (or ancestor) that a node builds. */
export function policyNodeOfState(node: AnyStateNode): PolicyNodeName | 'policy' {
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    const name = nodeOfStateKey[current.key];
    if (name) return name;
  }
  return 'policy';
}
