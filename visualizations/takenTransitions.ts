import type { ChartTransition, StateChart } from './stateChartModel.js';
import { dottedPath, stateValueLeafPaths } from './stateValuePaths.js';

/** Eventless steps (always, done, entering a first child) followed at most this far after an event. */
const maxEventlessSteps = 16;

/**
 * The transitions a session took between the state values it was seen in, in order: for each
 * pair of consecutive different values, the shortest chain of one transition out of the first
 * state (defined on it or on an ancestor) and then eventless ones (`always`, `done`, entering a
 * compound state's first child) that lands in the second state. The log only keeps the state
 * after each step, so the transient states passed in between are found this way. Where
 * `events[i]` gives the type of the event that led to `visited[i]`, only a chain starting with
 * that event is taken (if there is one), so two events leading to the same state are told apart.
 * Pairs no chain connects (another machine's states) are skipped.
 */
export function takenTransitions(chart: StateChart, visited: readonly unknown[], events: readonly (string | undefined)[] = []): Set<ChartTransition> {
  const taken = new Set<ChartTransition>();
  const steps = dedupeConsecutive(
    visited.map((value, i) => ({ leaves: stateValueLeafPaths(value).filter((path) => chart.states.has(dottedPath(path))), event: events[i] })),
  );
  const index = transitionIndex(chart);
  if (steps[0]) {
    for (const leaf of steps[0].leaves) for (const t of entryOf(chart, index, [], leaf) ?? []) taken.add(t);
  }
  for (let i = 1; i < steps.length; i++) {
    for (const from of steps[i - 1]!.leaves) {
      for (const to of steps[i]!.leaves) {
        if (dottedPath(from) === dottedPath(to)) continue;
        const event = steps[i]!.event;
        const chain = (event === undefined ? undefined : chainBetween(chart, index, from, to, event)) ?? chainBetween(chart, index, from, to, undefined);
        for (const t of chain ?? []) taken.add(t);
      }
    }
  }
  return taken;
}

type TransitionIndex = Map<string, ChartTransition[]>;

function transitionIndex(chart: StateChart): TransitionIndex {
  const bySource: TransitionIndex = new Map();
  for (const t of chart.transitions) {
    const key = dottedPath(t.source);
    bySource.set(key, [...(bySource.get(key) ?? []), t]);
  }
  return bySource;
}

/** `path` and its ancestors, innermost first (the root last). */
function selfAndAncestors(path: readonly string[]): string[][] {
  const all: string[][] = [];
  for (let length = path.length; length >= 0; length--) all.push(path.slice(0, length));
  return all;
}

interface Step {
  at: readonly string[];
  chain: ChartTransition[];
}

/** The shortest chain from the state `from` to the state `to`: one transition out of `from` (for `event`, if given), then eventless ones. */
function chainBetween(
  chart: StateChart,
  index: TransitionIndex,
  from: readonly string[],
  to: readonly string[],
  event: string | undefined,
): ChartTransition[] | undefined {
  const queue: Step[] = [];
  for (const owner of selfAndAncestors(from)) {
    for (const t of index.get(dottedPath(owner)) ?? []) {
      // What an event (or a timer) does; `done` and entering a first child only follow another transition.
      if (t.kind === 'initial' || t.kind === 'done' || t.targetless) continue;
      if (event !== undefined && t.eventType !== event) continue;
      queue.push({ at: t.target, chain: [t] });
    }
  }
  return search(chart, index, queue, to);
}

/** How the machine's start reaches `to` (the state a session was created in). */
function entryOf(chart: StateChart, index: TransitionIndex, root: readonly string[], to: readonly string[]): ChartTransition[] | undefined {
  return search(chart, index, [{ at: root, chain: [] }], to);
}

function search(chart: StateChart, index: TransitionIndex, queue: Step[], to: readonly string[]): ChartTransition[] | undefined {
  const target = dottedPath(to);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const step = queue.shift()!;
    const here = dottedPath(step.at);
    if (here === target) return step.chain;
    if (seen.has(here) || step.chain.length > maxEventlessSteps) continue;
    seen.add(here);
    for (const next of eventlessSteps(chart, index, step.at)) queue.push({ at: next.target, chain: [...step.chain, next] });
  }
  return undefined;
}

/** What the machine does without an event in the state at `path`: enter a first child, take an `always`, or leave a finished parent. */
function eventlessSteps(chart: StateChart, index: TransitionIndex, path: readonly string[]): ChartTransition[] {
  const state = chart.states.get(dottedPath(path));
  if (!state) return [];
  if (state.kind === 'compound') return (index.get(dottedPath(path)) ?? []).filter((t) => t.kind === 'initial');
  const steps: ChartTransition[] = [];
  for (const owner of selfAndAncestors(path)) {
    steps.push(...(index.get(dottedPath(owner)) ?? []).filter((t) => t.kind === 'always' && !t.targetless));
  }
  if (state.kind === 'final' && path.length > 0) {
    const parent = path.slice(0, -1);
    steps.push(...(index.get(dottedPath(parent)) ?? []).filter((t) => t.kind === 'done'));
  }
  return steps;
}

interface VisitedStep {
  leaves: string[][];
  event: string | undefined;
}

/** A state seen again right after itself (the log repeats it when an effect is done) is one step; so is a value of no known state, dropped. */
function dedupeConsecutive(steps: VisitedStep[]): VisitedStep[] {
  const kept: VisitedStep[] = [];
  let lastKey: string | undefined;
  for (const step of steps) {
    const key = step.leaves.map(dottedPath).join('|');
    if (step.leaves.length === 0 || key === lastKey) continue;
    kept.push(step);
    lastKey = key;
  }
  return kept;
}
