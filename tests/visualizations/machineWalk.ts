import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** Every state node of a machine below its root, walked independently of the code under test. */
export function stateNodesOf(machine: AnyStateMachine): AnyStateNode[] {
  const all: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) {
      all.push(child);
      visit(child);
    }
  };
  visit(machine.root);
  return all;
}

export interface ExpectedEdge {
  source: string;
  target: string;
  /** `initial`, `always`, or what the label starts with: the event type, `after <delay>`, `done`. */
  trigger: string;
  guard?: string;
  always: boolean;
  initial: boolean;
}

/** Each transition of the machine (one per target) as the chart should draw it; paths dotted, the root is ''. */
export function expectedEdgesOf(machine: AnyStateMachine): ExpectedEdge[] {
  const edges: ExpectedEdge[] = [];
  const visit = (node: AnyStateNode) => {
    const source = node.path.join('.');
    if (node.type === 'compound') {
      for (const target of node.initial.target) edges.push({ source, target: target.path.join('.'), trigger: '', always: false, initial: true });
    }
    const add = (candidates: readonly { target?: readonly AnyStateNode[] | undefined; guard?: unknown }[], trigger: string, always: boolean) => {
      for (const candidate of candidates) {
        const guard = guardText(candidate.guard);
        const targets = candidate.target && candidate.target.length > 0 ? candidate.target.map((t) => t.path.join('.')) : [source];
        for (const target of targets) edges.push({ source, target, trigger, ...(guard ? { guard } : {}), always, initial: false });
      }
    };
    for (const [eventType, candidates] of node.transitions) {
      const trigger = eventType.startsWith('xstate.after.')
        ? `after ${eventType.split('.')[2]}`
        : eventType.startsWith('xstate.done.state.')
          ? 'done'
          : eventType;
      add(candidates, trigger, false);
    }
    add(node.always ?? [], '', true);
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) visit(child);
  };
  visit(machine.root);
  return edges;
}

function guardText(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  return (guard as { type: string }).type;
}

/** `['proveNumber', 'sms', 'awaitingCode']` → `{ proveNumber: { sms: 'awaitingCode' } }`, as a snapshot stores it. */
export function stateValueOf(path: readonly string[]): unknown {
  if (path.length === 1) return path[0];
  return { [path[0]!]: stateValueOf(path.slice(1)) };
}
