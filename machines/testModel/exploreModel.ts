import type { AnyMachineSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { createSessionMachine, type SessionMachine } from '../createSessionMachine.js';
import type { SessionEvent, SessionInput } from '../sessionEvents.js';
import { chartInventory, type ChartInventory } from './chartInventory.js';
import { modelEvents, type ModelEvent } from './modelEvents.js';
import { sessionInputOf, type ModelSubject } from './modelSession.js';
import { serializeModelEvent, serializeModelState } from './modelState.js';
import { initialStateNodes, observeStep, type ObservedStep } from './observeStep.js';

/**
 * The state graph of a policy's machine under the test model, and one path per edge of it.
 *
 * `getShortestPaths` (xstate/graph) gives one path to every abstract state of the model; each
 * path extended by each event its end state takes gives one path per edge of the state graph,
 * so an edge that leads back to a known state (another route into `sms.sending`, a wrong
 * middle-digit try, a CANCEL) is on some path too.
 */

export interface ModelStep {
  event: ModelEvent;
  /** The snapshot after the event. */
  state: AnyMachineSnapshot;
  transitions: string[];
  stateNodes: string[];
}

export interface ModelPath {
  subject: ModelSubject;
  steps: ModelStep[];
}

export interface RefusedEvent {
  /** The shortest path to the state that refuses the event. */
  path: ModelPath;
  event: ModelEvent;
}

export interface ModelGraph {
  subject: ModelSubject;
  machine: SessionMachine;
  inventory: ChartInventory;
  input: SessionInput;
  initial: AnyMachineSnapshot;
  initialStateNodes: string[];
  /** Abstract states found (one shortest path each). */
  stateCount: number;
  /**
   * One path per edge that takes a transition: the shortest path to its source, the edge, and
   * the shortest way on from there to `verified` (if there is one).
   */
  edgePaths: ModelPath[];
  /** Events the model offers that no guard lets through (the engine must refuse them). */
  refused: RefusedEvent[];
}

export function exploreModel(subject: ModelSubject): ModelGraph {
  const machine = createSessionMachine(subject.policy);
  const inventory = chartInventory(machine);
  const input = sessionInputOf(subject);
  const events = modelEvents(subject.policy);
  const shortest = getShortestPaths(machine, {
    input,
    events: events as (snapshot: AnyMachineSnapshot) => SessionEvent[],
    serializeState: serializeModelState,
    serializeEvent: serializeModelEvent as (event: SessionEvent) => string,
  });

  const observed = new Map<string, ObservedStep>();
  const observe = (state: AnyMachineSnapshot, event: ModelEvent): ObservedStep => {
    const key = `${serializeModelState(state)}|${serializeModelEvent(event)}`;
    let step = observed.get(key);
    if (!step) {
      step = observeStep(machine, inventory, state, event);
      observed.set(key, step);
    }
    return step;
  };
  const toStep = (event: ModelEvent, seen: ObservedStep): ModelStep => ({
    event,
    state: seen.next,
    transitions: seen.transitions,
    stateNodes: seen.stateNodes,
  });

  const refused: RefusedEvent[] = [];
  const initial = shortest[0]!.steps[0]!.state;
  const prefixes = new Map<string, ModelStep[]>();
  const outgoing = new Map<string, { event: ModelEvent; seen: ObservedStep }[]>();
  for (const path of shortest) {
    // xstate/graph steps: [{state: initial, event: xstate.init}, {state: after e1, event: e1}, …].
    const steps: ModelStep[] = [];
    for (let index = 1; index < path.steps.length; index++) {
      const before = path.steps[index - 1]!.state;
      const { event } = path.steps[index]!;
      steps.push(toStep(event, observe(before, event)));
    }
    const key = serializeModelState(path.state);
    prefixes.set(key, steps);
    const refusedBy: ModelPath = { subject, steps };
    const edges: { event: ModelEvent; seen: ObservedStep }[] = [];
    for (const event of events(path.state)) {
      const seen = observe(path.state, event);
      if (seen.transitions.length === 0) refused.push({ path: refusedBy, event });
      else edges.push({ event, seen });
    }
    outgoing.set(key, edges);
  }

  // Each edge path goes on to `verified` where it can, by the fewest steps: so the engine also
  // carries out what the edge's target state asks for (an entry action, a timer), not just enters it.
  const verified = shortest.find((path) => path.state.status === 'done' && path.state.value === 'verified');
  const towardsVerified: Map<string, { event: ModelEvent; seen: ObservedStep }> = verified
    ? nextStepsTowards(serializeModelState(verified.state), outgoing)
    : new Map();
  const completion = (from: AnyMachineSnapshot): ModelStep[] => {
    const steps: ModelStep[] = [];
    for (let hop = towardsVerified.get(serializeModelState(from)); hop; hop = towardsVerified.get(serializeModelState(hop.seen.next))) {
      steps.push(toStep(hop.event, hop.seen));
    }
    return steps;
  };
  const edgePaths: ModelPath[] = [];
  for (const [key, edges] of outgoing) {
    const prefix = prefixes.get(key)!;
    for (const { event, seen } of edges) edgePaths.push({ subject, steps: [...prefix, toStep(event, seen), ...completion(seen.next)] });
  }
  return {
    subject,
    machine,
    inventory,
    input,
    initial,
    initialStateNodes: initialStateNodes(machine, input),
    stateCount: shortest.length,
    edgePaths,
    refused,
  };
}

/** For every vertex that can reach `goal`: the first edge of a shortest way there (backward breadth-first search). */
function nextStepsTowards<Edge extends { seen: ObservedStep }>(goal: string, outgoing: Map<string, Edge[]>): Map<string, Edge> {
  const incoming = new Map<string, { from: string; edge: Edge }[]>();
  for (const [from, edges] of outgoing) {
    for (const edge of edges) {
      const to = serializeModelState(edge.seen.next);
      if (to === from) continue;
      let list = incoming.get(to);
      if (!list) incoming.set(to, (list = []));
      list.push({ from, edge });
    }
  }
  const next = new Map<string, Edge>();
  const reached = new Set([goal]);
  let frontier = [goal];
  while (frontier.length > 0) {
    const following: string[] = [];
    for (const to of frontier) {
      for (const { from, edge } of incoming.get(to) ?? []) {
        if (reached.has(from)) continue;
        reached.add(from);
        next.set(from, edge);
        following.push(from);
      }
    }
    frontier = following;
  }
  return next;
}
