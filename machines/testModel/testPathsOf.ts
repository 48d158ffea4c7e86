import { isTimerEventType } from '../timerEvents.js';
import { dottedStatePath } from '../dottedStatePath.js';
import type { Policy } from '../policy/policySchema.js';
import type { Platform, SceneCode } from '../policy/scenes.js';
import { clientEventTypes, type SessionInput } from '../sessionEvents.js';
import { coverageOf, coveringPaths } from './coveringPaths.js';
import { exploreModel } from './exploreModel.js';
import type { ModelEvent } from './modelEvents.js';
import { testPathDescription } from './testPathDescription.js';

/**
 * Test paths of a policy, as data a tester turns into tests of their own: the paths the
 * model-based tests run (xstate/graph over the test model, see exploreModel.ts), which together
 * reach every state node and take every transition the model can reach on the platform, each
 * step with the machine event (payload and time included) and the state it leads to. Pure and
 * deterministic: the same policy and platform give the same JSON.
 *
 * Replay a path on the pure machine: `initialTransition(createSessionMachine(policy), input)`,
 * then `transition(machine, snapshot, step.event)` per step; the state after each step is `step.state`.
 */

export interface TestPathsOptions {
  /** The platform of the sessions (a scheme's platform): on H5 a one-click logon confirms the middle four digits. */
  platform: Platform;
}

export interface TestPaths {
  sceneCode: SceneCode;
  platform: Platform;
  /** The input every path's session starts with. */
  input: SessionInput;
  /** The state a session starts in, as a dotted path (`endpointRisk`, `proveNumber.numberAuth.awaitingToken`). */
  initialState: string;
  paths: TestPath[];
  /** What the paths cover of the policy's machine, the initial configuration included. */
  coverage: TestPathCoverage;
}

export interface TestPath {
  /** `one-click: ENDPOINT_RISK_RESULT(score 10) → NUMBER_AUTH_TOKEN → CARRIER_RESULT(ok) → … → verified` */
  description: string;
  /** The state the path ends in, as a dotted path (`verified`, `failed`, `expired`, or a state of an unfinished session). */
  target: string;
  steps: TestStep[];
}

export interface TestStep {
  /** The machine event, as the engine passes it to the machine (its `at` is the time it happened). */
  event: ModelEvent;
  /** Who produces the event: the client (POST /v1/sessions/{id}/events), an adapter (an action's result, an SMS received), or a timer. */
  source: 'client' | 'adapter' | 'timer';
  /** The state after the event, as a dotted path. */
  state: string;
}

export interface TestPathCoverage {
  /** State nodes of the machine (its root included) active on some path. */
  states: CoverageCount;
  /** Transition definitions of the machine (`on`, `after`, `always`, `onDone`, each guarded alternative apart) taken on some path. */
  transitions: CoverageCount;
}

export interface CoverageCount {
  covered: number;
  total: number;
  /**
   * What no path covers, as state node ids and transition keys (`<source id> <event type or "always">#<index>`).
   * The paths cover all the model reaches, so what is missing cannot happen on this platform
   * (the middle digits off H5; the carrier's number taken without them on H5).
   */
  missing: string[];
}

const clientTypes = new Set<string>(clientEventTypes);

export function testPathsOf(policy: Policy, options: TestPathsOptions): TestPaths {
  const { platform } = options;
  const graph = exploreModel({ name: `${policy.sceneCode}-${platform}`, policy, platform });
  const chosen = coveringPaths(graph);
  const coverage = coverageOf(graph, chosen);
  const missingStates = coverage.missingStateNodes();
  const missingTransitions = coverage.missingTransitions();
  return {
    sceneCode: policy.sceneCode,
    platform,
    input: structuredClone(graph.input),
    initialState: dottedStatePath(graph.initial.value),
    paths: chosen.map((path) => ({
      description: testPathDescription(policy, graph.initial, path.steps),
      target: dottedStatePath((path.steps.at(-1)?.state ?? graph.initial).value),
      steps: path.steps.map((step) => ({
        event: structuredClone(step.event),
        source: sourceOf(step.event),
        state: dottedStatePath(step.state.value),
      })),
    })),
    coverage: {
      states: { covered: graph.inventory.stateNodes.length - missingStates.length, total: graph.inventory.stateNodes.length, missing: missingStates },
      transitions: {
        covered: graph.inventory.transitions.length - missingTransitions.length,
        total: graph.inventory.transitions.length,
        missing: missingTransitions,
      },
    },
  };
}

function sourceOf(event: ModelEvent): TestStep['source'] {
  if (isTimerEventType(event.type)) return 'timer';
  return clientTypes.has(event.type) ? 'client' : 'adapter';
}
