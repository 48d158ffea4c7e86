import type { AnyMachineSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { SessionEvent, SessionInput, SessionMachine } from '../../machines/index.js';
import { machineOf, modelEvents, serializeModelEvent, serializeModelState, sessionInputOf, type ModelEvent, type ModelSubject } from './sessionModel.js';
import { ChartCoverage, chartInventory, initialStateNodes, observeStep, type ChartInventory, type ObservedStep } from './transitionCoverage.js';

/**
 * Paths through a policy's machine that together take every transition the model can reach.
 *
 * `getShortestPaths` (xstate/graph) gives one path to every abstract state of the model; each
 * path extended by each event its end state takes gives one path per edge of the state graph,
 * so an edge that leads back to a known state (another route into `sms.sending`, a wrong
 * middle-digit try, a CANCEL) is on some path too. From those, a greedy cover picks few paths
 * that still reach every state node and take every transition the edges do.
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
  const machine = machineOf(subject);
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
  const towardsVerified = nextStepsTowards(serializeModelState(verifiedSnapshotOf(shortest)), outgoing);
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

function verifiedSnapshotOf(paths: readonly { state: AnyMachineSnapshot }[]): AnyMachineSnapshot {
  const verified = paths.find((path) => path.state.status === 'done' && path.state.value === 'verified');
  if (!verified) throw new Error('the model never reaches verified');
  return verified.state;
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

export function coverageOf(graph: ModelGraph, paths: readonly ModelPath[]): ChartCoverage {
  const coverage = new ChartCoverage(graph.inventory).add(graph.initialStateNodes, []);
  for (const path of paths) for (const step of path.steps) coverage.add(step.stateNodes, step.transitions);
  return coverage;
}

/** A greedy set cover of the state nodes and transitions the edge paths reach; no selected path is a prefix of another. */
export function coveringPaths(graph: ModelGraph): ModelPath[] {
  let chosen = chosenPaths.get(graph);
  if (!chosen) {
    chosen = chooseCoveringPaths(graph);
    chosenPaths.set(graph, chosen);
  }
  return chosen;
}

const chosenPaths = new WeakMap<ModelGraph, ModelPath[]>();

function chooseCoveringPaths(graph: ModelGraph): ModelPath[] {
  const itemsOf = (path: ModelPath) => {
    const items = new Set<string>();
    for (const step of path.steps) {
      for (const id of step.stateNodes) items.add(`state ${id}`);
      for (const key of step.transitions) items.add(`transition ${key}`);
    }
    return items;
  };
  const candidates = graph.edgePaths.map((path) => ({ path, items: itemsOf(path) }));
  const covered = new Set<string>(graph.initialStateNodes.map((id) => `state ${id}`));
  const chosen: ModelPath[] = [];
  for (;;) {
    let best: (typeof candidates)[number] | undefined;
    let bestGain = 0;
    for (const candidate of candidates) {
      let gain = 0;
      for (const item of candidate.items) if (!covered.has(item)) gain++;
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && candidate.path.steps.length < best.path.steps.length)) {
        best = candidate;
        bestGain = gain;
      }
    }
    if (!best) break;
    chosen.push(best.path);
    for (const item of best.items) covered.add(item);
  }
  return chosen.filter((path) => !chosen.some((other) => other !== path && isPrefix(path, other)));
}

function isPrefix(path: ModelPath, of: ModelPath): boolean {
  return path.steps.length < of.steps.length && path.steps.every((step, index) => step === of.steps[index] || sameStep(step, of.steps[index]!));
}

function sameStep(a: ModelStep, b: ModelStep): boolean {
  return serializeModelEvent(a.event) === serializeModelEvent(b.event) && serializeModelState(a.state) === serializeModelState(b.state);
}

/** `EVENT → state` per step, for failure messages. */
export function describePath(path: ModelPath): string {
  return path.steps.map((step) => `${eventLabel(step.event)} → ${JSON.stringify(step.state.value)}`).join('\n  ');
}

export function eventLabel(event: ModelEvent): string {
  const { type, at: _at, ...payload } = event as { type: string; at: number } & Record<string, unknown>;
  const details = Object.entries(payload)
    .filter(([key]) => key !== 'reasons')
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  return details ? `${type}(${details})` : type;
}
