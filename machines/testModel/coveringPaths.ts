import { ChartCoverage } from './chartCoverage.js';
import type { ModelGraph, ModelPath, ModelStep } from './exploreModel.js';
import { serializeModelEvent, serializeModelState } from './modelState.js';

/**
 * Few paths that still reach every state node and take every transition the edge paths of a
 * model graph do: a greedy set cover of those items, without a path that is a prefix of another.
 */
export function coveringPaths(graph: ModelGraph): ModelPath[] {
  let chosen = chosenPaths.get(graph);
  if (!chosen) {
    chosen = chooseCoveringPaths(graph);
    chosenPaths.set(graph, chosen);
  }
  return chosen;
}

/** What `paths` (and the initial configuration) cover of the graph's chart. */
export function coverageOf(graph: ModelGraph, paths: readonly ModelPath[]): ChartCoverage {
  const coverage = new ChartCoverage(graph.inventory).add(graph.initialStateNodes, []);
  for (const path of paths) for (const step of path.steps) coverage.add(step.stateNodes, step.transitions);
  return coverage;
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
