import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../server/stores/storage.js';
import { createEngineUnderTest, formatProblems, runPathOnEngine, stepKind, submitRefusedEvent, type EngineUnderTest } from './engineHarness.js';
import {
  coverageOf,
  coveringPaths,
  describePath,
  eventLabel,
  exploreModel,
  type ChartCoverage,
  type ModelGraph,
  type ModelPath,
  type RefusedEvent,
} from '../../machines/testModel/index.js';
import { subjectsOf, type ModelMachine } from './modelSubjects.js';

/**
 * The model-based suite for a list of policies: for each policy's machine, the covering paths
 * (generated with xstate/graph, see machines/testModel/) must reach every state node and take every
 * transition the chart makes reachable, and the engine must follow each of them step by step;
 * the events the model's guards refuse must be refused by the engine too.
 */
export interface ModelSuiteOptions {
  machines: ModelMachine[];
  /** The storage the engine runs on, given the engine's clock; created once for the file, closed after it. */
  storage: (clock: () => number) => Storage;
  storageLabel: string;
  /** Scheme codes per machine: `FA<base + index>`; distinct per file so policies never mix. */
  schemeCodeBase: number;
}

interface GraphPath {
  graph: ModelGraph;
  path: ModelPath;
}

interface GraphRefusal {
  graph: ModelGraph;
  refused: RefusedEvent;
}

interface PreparedMachine {
  machine: ModelMachine;
  schemeCode: string;
  graphs: ModelGraph[];
  /** Covering paths (and one CANCEL right at the start per platform) the engine runs. */
  paths: GraphPath[];
  /** Covering paths that need the engine to run an action a timer's step started (engine bug 1). */
  pathsAfterTimerAction: GraphPath[];
  /** CANCEL while the first action is still in the outbox (engine bug 3). */
  cancelsWithActionPending: GraphPath[];
  clientRefusals: GraphRefusal[];
  serverRefusals: GraphRefusal[];
}

export function describeModelSuite(options: ModelSuiteOptions): void {
  let target: EngineUnderTest;
  beforeAll(() => {
    target = createEngineUnderTest(options.storage);
  });
  afterAll(async () => {
    await target.storage.close();
  });

  const prepared = options.machines.map((machine, index) => prepare(machine, `FA${options.schemeCodeBase + index}`));

  for (const entry of prepared) {
    const { machine, schemeCode } = entry;
    describe(`${machine.name} (scene ${machine.policy.sceneCode}; ${machine.platforms.join(', ')})`, () => {
      beforeAll(async () => {
        await target.policies.setSchemePolicy(schemeCode, machine.policy, machine.policy.sceneCode);
      });

      it('the covering paths reach every state node and take every transition of the chart', () => {
        const coverage = mergedCoverage(entry.graphs);
        expect(
          { stateNodes: coverage.missingStateNodes().sort(), transitions: coverage.missingTransitions().sort() },
          `not covered:\n${coverage.describeMissing()}\n(${coverage.summary()})`,
        ).toEqual({ stateNodes: [], transitions: [] });
      });

      it(`the engine (${options.storageLabel}) follows every covering path step by step`, async () => {
        expect(entry.paths.length).toBeGreaterThan(0);
        for (const { graph, path } of entry.paths) await expectEngineFollows(target, schemeCode, graph, path);
        // Up to (and including) the timer, the paths the engine cannot finish yet run fine.
        for (const { graph, path } of entry.pathsAfterTimerAction) await expectEngineFollows(target, schemeCode, graph, upToTimerBeforeAction(path));
        expect(target.unexpectedActionErrors).toEqual([]);
      });

      if (entry.pathsAfterTimerAction.length > 0) {
        // A timer that enters a state with an entry action (numberAuthFallback → sms.sending /
        // phoneRisk / uplinkSms.preparing) must have that action carried out by whoever delivers it.
        it('the engine carries out the entry action of a state a timer enters', async () => {
          for (const { graph, path } of entry.pathsAfterTimerAction) await expectEngineFollows(target, schemeCode, graph, path);
        });
      }

      it('the engine refuses the client events the guards refuse, and keeps state, version and log', async () => {
        for (const { graph, refused } of entry.clientRefusals) {
          const sessionId = await expectEngineFollows(target, schemeCode, graph, refused.path);
          expect(await submitRefusedEvent(target, sessionId, refused.event), `after:\n  ${describePath(refused.path)}`).toEqual([]);
        }
        // The server events are checked in the test below; the way to their states is checked here.
        for (const { graph, refused } of entry.serverRefusals) await expectEngineFollows(target, schemeCode, graph, refused.path);
      });
    });
  }

  const withServerRefusals = prepared.filter((entry) => entry.serverRefusals.length > 0);
  if (withServerRefusals.length > 0) {
    // An uplink SMS the state refuses (wrong code, wrong sender) changes nothing: no version, no log entry.
    it('the engine ignores server events the guards refuse (no new version, no log entry)', async () => {
      for (const entry of withServerRefusals) {
        for (const { graph, refused } of entry.serverRefusals) {
          const sessionId = await expectEngineFollows(target, entry.schemeCode, graph, refused.path);
          expect(await submitRefusedEvent(target, sessionId, refused.event), `after:\n  ${describePath(refused.path)}`).toEqual([]);
        }
      }
    });
  }

  const withPendingAtStart = prepared.filter((entry) => entry.cancelsWithActionPending.length > 0);
  if (withPendingAtStart.length > 0) {
    // An action left in the outbox (here: unanswered) is not carried out once the session has
    // finished: after a CANCEL, no SMS code, CAPTCHA or verify token.
    it('the engine starts no pending action once the session has finished', async () => {
      for (const entry of withPendingAtStart) {
        for (const { graph, path } of entry.cancelsWithActionPending) {
          const outcome = await runPathOnEngine(target, entry.schemeCode, path, graph.machine);
          expect(outcome.afterFinish, formatProblems(path, outcome)).toEqual([]);
        }
      }
    });
  }
}

function prepare(machine: ModelMachine, schemeCode: string): PreparedMachine {
  const graphs = subjectsOf(machine).map(exploreModel);
  const entry: PreparedMachine = {
    machine,
    schemeCode,
    graphs,
    paths: [],
    pathsAfterTimerAction: [],
    cancelsWithActionPending: [],
    clientRefusals: [],
    serverRefusals: [],
  };
  for (const graph of graphs) {
    for (const path of coveringPaths(graph)) (leavesTimerActionUndone(path) ? entry.pathsAfterTimerAction : entry.paths).push({ graph, path });
    // The session starts in a state whose action the engine runs at once (endpoint risk): CANCEL
    // instead of its result means the action failed and stays in the outbox.
    const cancelAtStart = graph.edgePaths.find((path) => path.steps.length === 1 && path.steps[0]!.event.type === 'CANCEL');
    if (cancelAtStart && graph.initial.hasTag('wait')) {
      entry.paths.push({ graph, path: cancelAtStart });
      entry.cancelsWithActionPending.push({ graph, path: cancelAtStart });
    }
    for (const refused of representativeRefusals(graph)) {
      (stepKind(refused.event) === 'server' ? entry.serverRefusals : entry.clientRefusals).push({ graph, refused });
    }
  }
  return entry;
}

/** Where a timer step is followed by an action's result: the engine must run the action the timer's step started. -1 if nowhere. */
function timerBeforeActionIndex(path: ModelPath): number {
  return path.steps.findIndex((step, index) => {
    const next = path.steps[index + 1];
    return stepKind(step.event) === 'timer' && next !== undefined && stepKind(next.event) === 'result';
  });
}

function leavesTimerActionUndone(path: ModelPath): boolean {
  return timerBeforeActionIndex(path) >= 0;
}

function upToTimerBeforeAction(path: ModelPath): ModelPath {
  return { ...path, steps: path.steps.slice(0, timerBeforeActionIndex(path) + 1) };
}

/** One refused event per state value and event variant, each at the end of its shortest path. */
function representativeRefusals(graph: ModelGraph): RefusedEvent[] {
  const chosen = new Map<string, RefusedEvent>();
  for (const refused of graph.refused) {
    const value = refused.path.steps.at(-1)?.state.value ?? graph.initial.value;
    const key = `${JSON.stringify(value)} ${eventLabel(refused.event)}`;
    const known = chosen.get(key);
    if (!known || refused.path.steps.length < known.path.steps.length) chosen.set(key, refused);
  }
  return [...chosen.values()];
}

/** Runs a path on the engine and expects no disagreement; returns the session id. */
async function expectEngineFollows(target: EngineUnderTest, schemeCode: string, graph: ModelGraph, path: ModelPath): Promise<string> {
  const outcome = await runPathOnEngine(target, schemeCode, path, graph.machine);
  expect(outcome.problems, formatProblems(path, outcome)).toEqual([]);
  // One entry per step; a finished session's webhook adds an `effect` entry, which is no step.
  expect(outcome.log.filter((entry) => entry.kind !== 'effect')).toHaveLength(path.steps.length + 1);
  return outcome.sessionId;
}

/** The coverage of one policy's machine by the covering paths of all its platforms. */
function mergedCoverage(graphs: ModelGraph[]): ChartCoverage {
  const [first, ...rest] = graphs.map((graph) => coverageOf(graph, coveringPaths(graph)));
  if (!first) throw new Error('a model machine needs at least one platform');
  for (const other of rest) first.merge(other);
  return first;
}
