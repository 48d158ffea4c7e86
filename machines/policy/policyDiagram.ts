import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { chartGraph } from './checks/chartGraph.js';
import { isSessionTimeoutOrCancel, policyNodeOfState } from './checks/chartChecks.js';

/** A box of the policy diagram: a policy node, or a step of the policy itself (start, outcome). */
export interface DiagramNode {
  id: string;
  /** The policy node it shows (`numberAuth`, `smsCode`…), or `policy` for the start and the outcomes. */
  policyNode: string;
  /** The chart's leaf states it stands for. */
  states: string[];
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** The events that take this route. */
  events: string[];
}

export interface PolicyDiagram {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

/**
 * The policy's diagram at the level the vendor's console draws it: the session machine's state
 * chart with every state folded into the policy node that builds it (states of the policy itself
 * keep their own box: the start, the decisions, the outcomes), and an edge wherever a transition
 * crosses from one box to another. A switched-off node builds no states, so it has no routes.
 * The session timeout and the user's cancel, which leave every box, are left out.
 */
export function policyDiagram(machine: AnyStateMachine): PolicyDiagram {
  const graph = chartGraph(machine, isSessionTimeoutOrCancel);
  const boxOf = (leaf: AnyStateNode) => {
    const node = policyNodeOfState(leaf);
    return node === 'policy' ? leaf.key : node;
  };
  const nodes = new Map<string, DiagramNode>();
  for (const leaf of graph.leaves) {
    const id = boxOf(leaf);
    const node = nodes.get(id) ?? { id, policyNode: policyNodeOfState(leaf), states: [] };
    node.states.push(leaf.path.join('.'));
    nodes.set(id, node);
  }
  const edges = new Map<string, DiagramEdge>();
  nodes.set('start', { id: 'start', policyNode: 'policy', states: [] });
  for (const leaf of graph.start) edges.set(`start\n${boxOf(leaf)}`, { from: 'start', to: boxOf(leaf), events: [] });
  for (const [leaf, out] of graph.edges) {
    for (const edge of out) {
      const from = boxOf(leaf);
      const to = boxOf(edge.to);
      if (from === to) continue;
      const key = `${from}\n${to}`;
      const entry = edges.get(key) ?? { from, to, events: [] };
      const event = eventLabel(edge.transition.eventType);
      if (!entry.events.includes(event)) entry.events.push(event);
      edges.set(key, entry);
    }
  }
  const ordered = [nodes.get('start')!, ...[...nodes.values()].filter((node) => node.id !== 'start')];
  return { nodes: ordered, edges: [...edges.values()] };
}

/** `xstate.after.numberAuthFallback.…` → `after numberAuthFallback`, `xstate.done.state.…` → `done`, an eventless one → `always`. */
function eventLabel(eventType: string): string {
  if (eventType === '') return 'always';
  const after = /^xstate\.after\.([^.]+)/.exec(eventType);
  if (after) return `after ${after[1]}`;
  if (eventType.startsWith('xstate.done.')) return 'done';
  return eventType;
}
