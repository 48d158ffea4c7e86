import { createActor, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type AnyTransitionDefinition } from 'xstate';
import type { SessionInput, SessionMachine } from '../../machines/index.js';
import type { ModelEvent } from './sessionModel.js';

/**
 * What a chart consists of, read from its definition (`machine.root`), and which parts of it a
 * step actually uses, read from XState's own microstep inspection events.
 */

/** Every state node and every transition definition of a machine, with stable readable keys. */
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

export function chartInventory(machine: SessionMachine): ChartInventory {
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

/** What one step does to the chart. */
export interface ObservedStep {
  next: AnyMachineSnapshot;
  /** Keys of the transition definitions taken, over all microsteps (event, eventless, done). */
  transitions: string[];
  /** Ids of every state node active in some microstep, transient ones included. */
  stateNodes: string[];
}

/**
 * Sends `event` to a throwaway actor restored from `snapshot` and records its microsteps. Pure
 * `getMicrosteps()` gives the snapshots of the microsteps but not the transitions that made them;
 * the inspection events of an actor carry both.
 */
export function observeStep(machine: SessionMachine, inventory: ChartInventory, snapshot: AnyMachineSnapshot, event: ModelEvent): ObservedStep {
  const transitions: string[] = [];
  const stateNodes = new Set<string>();
  // A restored actor needs no input; the machine's type insists on one.
  const actor = createActor(machine as AnyStateMachine, {
    snapshot,
    inspect: (inspection) => {
      if (inspection.type !== '@xstate.microstep') return;
      for (const transition of inspection._transitions) transitions.push(inventory.keyOf(transition));
      for (const node of (inspection.snapshot as AnyMachineSnapshot)._nodes) stateNodes.add(node.id);
    },
  });
  actor.start();
  actor.send(event);
  const next = actor.getSnapshot();
  actor.stop();
  for (const node of next._nodes) stateNodes.add(node.id);
  return { next, transitions, stateNodes: [...stateNodes] };
}

/** The state nodes of the initial configuration (the initial transition has no definitions to count). */
export function initialStateNodes(machine: SessionMachine, input: SessionInput): string[] {
  const actor = createActor(machine, { input });
  const nodes = actor.getSnapshot()._nodes.map((node: AnyStateNode) => node.id);
  actor.stop();
  return nodes;
}

/** Coverage of a chart by a set of steps. */
export class ChartCoverage {
  readonly stateNodes = new Set<string>();
  readonly transitions = new Set<string>();

  constructor(readonly inventory: ChartInventory) {}

  add(stateNodes: Iterable<string>, transitions: Iterable<string>): this {
    for (const id of stateNodes) this.stateNodes.add(id);
    for (const key of transitions) this.transitions.add(key);
    return this;
  }

  merge(other: ChartCoverage): this {
    return this.add(other.stateNodes, other.transitions);
  }

  missingStateNodes(): string[] {
    return this.inventory.stateNodes.filter((id) => !this.stateNodes.has(id));
  }

  /** Keys of the transitions not taken. */
  missingTransitions(): string[] {
    return this.inventory.transitions.filter((key) => !this.transitions.has(key));
  }

  /** What is missing, with guards and targets, for a failure message. */
  describeMissing(): string {
    const states = this.missingStateNodes().map((id) => `  state ${id}`);
    const transitions = this.missingTransitions().map((key) => `  transition ${this.inventory.describe.get(key) ?? key}`);
    return [...states, ...transitions].join('\n') || '  nothing';
  }

  summary(): string {
    const { stateNodes, transitions } = this.inventory;
    return `${this.stateNodes.size}/${stateNodes.length} states, ${this.transitions.size}/${transitions.length} transitions`;
  }
}
