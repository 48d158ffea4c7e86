import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * A statechart read as a plain graph for static checks: its nodes are the leaf states (atomic and
 * final), an edge goes from a leaf to every leaf a transition can enter. Built from the machine's
 * definition only (`machine.root`, `states`, `transitions`, `always`, `initial`), guards ignored,
 * so the graph over-approximates what can happen: a path missing from it can never happen.
 *
 * What it models: a leaf takes its own and its ancestors' transitions (a descendant's unguarded
 * transition for an event hides the ancestors' for it, an unguarded eventless one hides all event
 * transitions); `after` delays are transitions like any other; a final child of a compound state
 * takes that state's `onDone`; a top-level final state ends the machine. Entering a compound state
 * enters its initial leaf. A parallel state is approximated by the leaves of all its regions and a
 * history state by every leaf of its parent (the charts checked here have neither).
 */

export interface ChartEdge {
  from: AnyStateNode;
  to: AnyStateNode;
  transition: AnyTransitionDefinition;
}

export interface ChartGraph {
  root: AnyStateNode;
  /** The leaves the machine starts in. */
  start: AnyStateNode[];
  /** Every leaf, document order. */
  leaves: AnyStateNode[];
  /** Top-level final leaves: reaching one ends the machine. */
  terminals: AnyStateNode[];
  edges: Map<AnyStateNode, ChartEdge[]>;
}

/** Which transitions to leave out of the graph. */
export type TransitionFilter = (transition: AnyTransitionDefinition) => boolean;

export function chartGraph(machine: AnyStateMachine, leaveOut: TransitionFilter = () => false): ChartGraph {
  const root = machine.root as AnyStateNode;
  const leaves = leavesUnder(root);
  const edges = new Map<AnyStateNode, ChartEdge[]>();
  for (const leaf of leaves) {
    edges.set(
      leaf,
      outgoingTransitions(leaf)
        .filter((transition) => !leaveOut(transition))
        .flatMap((transition) => (transition.target ?? []).flatMap(entryLeaves).map((to) => ({ from: leaf, to, transition }))),
    );
  }
  return { root, start: entryLeaves(root), leaves, terminals: leaves.filter((leaf) => leaf.type === 'final' && leaf.parent === root), edges };
}

/** Breadth first from `from`: each leaf reached, with the edge it was first reached by (none for a start leaf). */
export function explore(graph: ChartGraph, from: readonly AnyStateNode[], follow: (edge: ChartEdge) => boolean = () => true) {
  const reachedBy = new Map<AnyStateNode, ChartEdge | undefined>(from.map((leaf) => [leaf, undefined]));
  const queue = [...from];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const edge of graph.edges.get(next) ?? []) {
      if (reachedBy.has(edge.to) || !follow(edge)) continue;
      reachedBy.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return reachedBy;
}

/** The leaves of a breadth-first path to `leaf`, from a start leaf. */
export function pathTo(reachedBy: ReadonlyMap<AnyStateNode, ChartEdge | undefined>, leaf: AnyStateNode): AnyStateNode[] {
  const path = [leaf];
  for (let edge = reachedBy.get(leaf); edge; edge = reachedBy.get(edge.from)) path.unshift(edge.from);
  return path;
}

/** The leaves from which some path reaches one of `targets`. */
export function canReach(graph: ChartGraph, targets: readonly AnyStateNode[]): Set<AnyStateNode> {
  const incoming = new Map<AnyStateNode, AnyStateNode[]>();
  for (const [from, edges] of graph.edges) for (const { to } of edges) incoming.set(to, [...(incoming.get(to) ?? []), from]);
  const reached = new Set(targets);
  const queue = [...targets];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const from of incoming.get(next) ?? []) {
      if (reached.has(from)) continue;
      reached.add(from);
      queue.push(from);
    }
  }
  return reached;
}

/** A state node as the operator reads it: its path below the root (`proveNumber.sms.sending`). */
export function stateLabel(node: AnyStateNode): string {
  return node.path.length > 0 ? node.path.join('.') : node.id;
}

export function guardName(transition: AnyTransitionDefinition): string | undefined {
  const { guard } = transition;
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && 'type' in guard) return String(guard.type);
  return undefined;
}

const doneEventOf = (node: AnyStateNode) => `xstate.done.state.${node.id}`;

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

function leavesUnder(node: AnyStateNode): AnyStateNode[] {
  if (node.type === 'atomic' || node.type === 'final') return [node];
  return childrenOf(node).flatMap(leavesUnder);
}

/** The leaves a transition into `node` ends in. */
function entryLeaves(node: AnyStateNode): AnyStateNode[] {
  switch (node.type) {
    case 'atomic':
    case 'final':
      return [node];
    case 'compound':
      return (node.initial.target as readonly AnyStateNode[]).flatMap(entryLeaves);
    case 'parallel':
      return childrenOf(node).flatMap(entryLeaves);
    case 'history':
      return node.parent ? leavesUnder(node.parent) : [];
  }
}

/** The transitions that can leave `leaf` (see the module comment for what is modelled). */
function outgoingTransitions(leaf: AnyStateNode): AnyTransitionDefinition[] {
  const parent = leaf.parent;
  if (leaf.type === 'final') {
    if (!parent || !parent.parent) return [];
    const onDone = parent.transitions.get(doneEventOf(parent)) ?? [];
    if (onDone.some((transition) => !transition.guard)) return onDone;
    return [...onDone, ...ownAndInherited(leaf)];
  }
  return ownAndInherited(leaf);
}

function ownAndInherited(leaf: AnyStateNode): AnyTransitionDefinition[] {
  const chain: AnyStateNode[] = [];
  for (let node: AnyStateNode | undefined = leaf; node; node = node.parent) chain.push(node);

  const eventless: AnyTransitionDefinition[] = [];
  for (const node of chain) {
    for (const transition of node.always ?? []) {
      eventless.push(transition);
      // The first enabled eventless transition is taken at once: an unguarded one means no event is ever waited for.
      if (!transition.guard) return eventless;
    }
  }

  const byEvent = new Map<string, AnyTransitionDefinition[]>();
  const settled = new Set<string>();
  for (const node of chain) {
    for (const [eventType, transitions] of node.transitions) {
      // A state's onDone is taken from its final children only.
      if (eventType === doneEventOf(node) || settled.has(eventType)) continue;
      const list = byEvent.get(eventType) ?? [];
      for (const transition of transitions) {
        list.push(transition);
        if (!transition.guard) {
          settled.add(eventType);
          break;
        }
      }
      byEvent.set(eventType, list);
    }
  }
  return [...eventless, ...[...byEvent.values()].flat()];
}
