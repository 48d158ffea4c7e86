import { createActor, initialTransition, type ActorOptions, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import type { SessionInput } from '../sessionEvents.js';
import type { SessionMachine } from '../createSessionMachine.js';
import type { ChartInventory } from './chartInventory.js';
import type { ModelEvent } from './modelEvents.js';

/** What one step does to the chart. */
export interface ObservedStep {
  next: AnyMachineSnapshot;
  /** Keys of the transition definitions taken, over all microsteps (event, eventless, done). */
  transitions: string[];
  /** Ids of every state node active in some microstep, transient ones included. */
  stateNodes: string[];
}

/** A clock that never runs anything: a step's delayed events (`after:`) are only recorded, never scheduled on a real timer. */
const stoppedClock: NonNullable<ActorOptions<AnyStateMachine>['clock']> = {
  setTimeout: () => 0,
  clearTimeout: () => {},
};

/**
 * Sends `event` to a throwaway actor restored from `snapshot` and records its microsteps. Pure
 * `getMicrosteps()` gives the snapshots of the microsteps but not the transitions that made them;
 * the inspection events of an actor carry both. The actor runs the machine's named actions, which
 * do nothing (the shell carries them out), and its clock schedules nothing.
 */
export function observeStep(machine: SessionMachine, inventory: ChartInventory, snapshot: AnyMachineSnapshot, event: ModelEvent): ObservedStep {
  const transitions: string[] = [];
  const stateNodes = new Set<string>();
  // A restored actor needs no input; the machine's type insists on one.
  const actor = createActor(machine as AnyStateMachine, {
    snapshot,
    clock: stoppedClock,
    inspect: (inspection) => {
      if (inspection.type !== '@xstate.microstep') return;
      for (const transition of inspection._transitions) transitions.push(inventory.keyOf(transition));
      for (const node of (inspection.snapshot as AnyMachineSnapshot)._nodes) stateNodes.add(node.id);
    },
  });
  let failure: unknown;
  actor.subscribe({ error: (error) => (failure = error) });
  actor.start();
  actor.send(event);
  const next = actor.getSnapshot();
  actor.stop();
  if (next.status === 'error') throw new Error(`${event.type} makes the machine fail: ${String(failure ?? next.error)}`);
  for (const node of next._nodes) stateNodes.add(node.id);
  return { next, transitions, stateNodes: [...stateNodes] };
}

/** The state nodes of the initial configuration (the initial transition has no definitions to count). */
export function initialStateNodes(machine: SessionMachine, input: SessionInput): string[] {
  return initialTransition(machine, input)[0]._nodes.map((node: AnyStateNode) => node.id);
}
