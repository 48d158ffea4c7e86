import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** Every state node and every transition definition of a machine, read from its definition (`machine.root`), with stable readable keys. */
export interface ChartInventory {
  /** State node ids, document order. */
  stateNodes: string[];
  /** Transition keys, document order: `<source id> <event type or "always">#<index>`. */
  transitions: string[];
  /** Transition key → a human description (guard and targets), for failure messages. */
  describe: Map<string, string>;
  /** Transition key → ids of the state nodes it targets. */
  targets: Map<string, string[]>;
  keyOf(transition: AnyTransitionDefinition): string;
}

export function chartInventory(machine: AnyStateMachine): ChartInventory {
  const stateNodes: string[] = [];
  const transitions: string[] = [];
  const describe = new Map<string, string>();
  const targets = new Map<string, string[]>();
  const keys = new Map<AnyTransitionDefinition, string>();
  const add = (node: AnyStateNode, label: string, definitions: readonly AnyTransitionDefinition[]) => {
    definitions.forEach((definition, index) => {
      const key = `${node.id} ${label}#${index}`;
      keys.set(definition, key);
      transitions.push(key);
      targets.set(key, definition.target?.map((target) => target.id) ?? []);
      describe.set(key, `${key} [${guardName(definition)}] → ${definition.target?.map((t) => t.id).join(', ') ?? '(no target)'}`);
    });
  };
  const walk = (node: AnyStateNode) => {
    stateNodes.push(node.id);
    // `transitions` holds `on`, `after` (as xstate.after.* events) and `onDone`; `always` is apart.
    for (const [eventType, definitions] of node.transitions) add(node, eventType, definitions);
    if (node.always) add(node, 'always', node.always);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return {
    stateNodes,
    transitions,
    describe,
    targets,
    keyOf(transition) {
      const key = keys.get(transition);
      if (!key) throw new Error(`transition ${transition.source.id} ${transition.eventType} is not part of the chart`);
      return key;
    },
  };
}

function guardName(definition: AnyTransitionDefinition): string {
  const { guard } = definition;
  if (!guard) return 'no guard';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard) return String(guard.type);
  return 'inline guard';
}
