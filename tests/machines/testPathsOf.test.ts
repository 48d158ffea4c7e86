import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  clientEventTypes,
  createSessionMachine,
  defaultPolicy,
  dottedStatePath,
  sceneCodes,
  testPathsOf,
  type Platform,
  type Policy,
  type SessionEvent,
  type TestPaths,
} from '../../machines/index.js';
import { policyVariant } from '../model/modelSubjects.js';

/**
 * `testPathsOf`: the model-based test paths of any policy, as JSON for testers. Together the paths
 * of a policy's platforms reach every state node and take every transition of its machine, and
 * each path replays on the pure machine to exactly the states it records.
 */

interface Case {
  name: string;
  policy: Policy;
  /** Platforms whose paths together cover the machine. */
  platforms: Platform[];
  /** Whether one platform alone covers it (nothing on the chart depends on the platform). */
  anyPlatformCoversAll: boolean;
}

/** One-click logon with middle digits is the only part of a chart that depends on the platform. */
const middleDigitsOn = (policy: Policy) =>
  policy.nodes.numberAuth.enabled && policy.nodes.numberAuth.mode === 'oneClick' && policy.nodes.numberAuth.h5MiddleDigits;

const caseOf = (name: string, policy: Policy): Case => ({
  name,
  policy,
  platforms: middleDigitsOn(policy) ? ['Android', 'H5'] : ['iOS', 'H5'],
  anyPlatformCoversAll: !middleDigitsOn(policy),
});

const cases: Case[] = [
  ...sceneCodes.map((sceneCode) => caseOf(`${sceneCode} default`, defaultPolicy(sceneCode))),
  caseOf(
    '100001 number auth off',
    policyVariant('100001', (nodes) => {
      nodes.numberAuth.enabled = false;
    }),
  ),
  caseOf(
    '100001 uplink SMS off',
    policyVariant('100001', (nodes) => {
      nodes.uplinkSms.enabled = false;
    }),
  ),
  caseOf(
    '100001 CAPTCHA and scoring',
    policyVariant('100001', (nodes) => {
      nodes.captcha.enabled = true;
      nodes.endpointRisk.onRisk = 'captcha';
      nodes.phoneRisk.onRisk = 'captcha';
      nodes.scoring.enabled = true;
    }),
  ),
  caseOf(
    '100002 number check and CAPTCHA',
    policyVariant('100002', (nodes) => {
      nodes.numberAuth.enabled = true;
      nodes.captcha.enabled = true;
      nodes.phoneRisk.onRisk = 'captcha';
    }),
  ),
  caseOf(
    '100005 number check only',
    policyVariant('100005', (nodes) => {
      nodes.numberAuth.enabled = true;
      nodes.smsCode.enabled = false;
      nodes.uplinkSms.enabled = false;
    }),
  ),
];

const finalStates = ['verified', 'failed', 'expired'];

/** What none of the results covers (for several platforms of one policy). */
function missingFromAll(results: TestPaths[]): { states: string[]; transitions: string[] } {
  const common = (lists: string[][]) => lists.reduce((left, right) => left.filter((item) => right.includes(item)));
  return {
    states: common(results.map((result) => result.coverage.states.missing)),
    transitions: common(results.map((result) => result.coverage.transitions.missing)),
  };
}

/** Replays a path's events on a fresh machine from the result's input; returns the state after each step, and the last snapshot. */
function replay(
  policy: Policy,
  result: TestPaths,
  steps: TestPaths['paths'][number]['steps'],
): { initial: string; states: string[]; last: AnyMachineSnapshot } {
  const machine = createSessionMachine(policy);
  let [snapshot] = initialTransition(machine, result.input);
  const initial = dottedStatePath(snapshot.value);
  const states: string[] = [];
  for (const step of steps) {
    [snapshot] = transition(machine, snapshot, step.event as SessionEvent);
    states.push(dottedStatePath(snapshot.value));
  }
  return { initial, states, last: snapshot };
}

describe.each(cases)('testPathsOf: $name', ({ policy, platforms, anyPlatformCoversAll }) => {
  const results = platforms.map((platform) => testPathsOf(policy, { platform }));

  it('covers every state node and every transition of the machine (over the platforms)', () => {
    expect(missingFromAll(results)).toEqual({ states: [], transitions: [] });
    for (const result of results) {
      const { states, transitions } = result.coverage;
      expect(states.covered + states.missing.length).toBe(states.total);
      expect(transitions.covered + transitions.missing.length).toBe(transitions.total);
      if (anyPlatformCoversAll) {
        expect({ platform: result.platform, states: states.missing, transitions: transitions.missing }).toEqual({
          platform: result.platform,
          states: [],
          transitions: [],
        });
      }
    }
  });

  it('replays every path on a fresh machine to exactly the recorded states', () => {
    for (const result of results) {
      expect(result.paths.length).toBeGreaterThan(0);
      // What a tester gets is JSON: replay that.
      const parsed = JSON.parse(JSON.stringify(result)) as TestPaths;
      for (const path of parsed.paths) {
        const replayed = replay(policy, parsed, path.steps);
        expect({ initial: replayed.initial, states: replayed.states }, path.description).toEqual({
          initial: parsed.initialState,
          states: path.steps.map((step) => step.state),
        });
        expect(path.target).toBe(path.steps.at(-1)!.state);
        expect(replayed.last.status, path.description).toBe(finalStates.includes(path.target) ? 'done' : 'active');
      }
    }
  });

  it('gives every path a distinct description that says how it ends, its events and its target', () => {
    for (const result of results) {
      const descriptions = result.paths.map((path) => path.description);
      expect(new Set(descriptions).size).toBe(descriptions.length);
      for (const path of result.paths) {
        expect(path.description).toMatch(/^[^:]+: /);
        expect(path.description.endsWith(` → ${path.target}`)).toBe(true);
        expect(path.description.split(' → ')).toHaveLength(path.steps.length + 1);
        expect(path.description.split(': ')[0]).not.toBe('unfinished');
      }
    }
  });

  it('says who produces each event', () => {
    const clientTypes = new Set<string>(clientEventTypes);
    for (const result of results) {
      for (const step of result.paths.flatMap((path) => path.steps)) {
        const expected = step.event.type.startsWith('xstate.after.') ? 'timer' : clientTypes.has(step.event.type) ? 'client' : 'adapter';
        expect(step.source, step.event.type).toBe(expected);
      }
    }
  });

  it('is JSON and deterministic: the same policy gives the same JSON', () => {
    for (const [index, result] of results.entries()) {
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      const again = testPathsOf(structuredClone(policy), { platform: platforms[index]! });
      expect(JSON.stringify(again)).toBe(JSON.stringify(result));
    }
  });
});

describe('testPathsOf: one-click logon on one platform', () => {
  const policy = defaultPolicy('100001');

  it('reports as missing exactly what the platform cannot reach: the middle digits off H5, the number without them on H5', () => {
    const android = testPathsOf(policy, { platform: 'Android' });
    const h5 = testPathsOf(policy, { platform: 'H5' });
    expect(android.coverage.states.missing).toEqual(['session.proveNumber.numberAuth.middleDigits']);
    expect(android.coverage.transitions.missing).toEqual([
      'session.proveNumber.numberAuth.confirmingNumber always#0',
      'session.proveNumber.numberAuth.middleDigits MIDDLE_DIGITS#0',
      'session.proveNumber.numberAuth.middleDigits MIDDLE_DIGITS#1',
      'session.proveNumber.numberAuth.middleDigits MIDDLE_DIGITS#2',
      'session.proveNumber.numberAuth.middleDigits SWITCH_TO_SMS#0',
    ]);
    expect(h5.coverage.states).toEqual({ covered: 26, total: 26, missing: [] });
    expect(h5.coverage.transitions.missing).toEqual(['session.proveNumber.numberAuth.confirmingNumber always#1']);
  });

  it('with the middle digits off, the machine has no middle-digit state and every platform covers all of it', () => {
    const withoutMiddleDigits = policyVariant('100001', (nodes) => {
      nodes.numberAuth.h5MiddleDigits = false;
    });
    for (const platform of ['Android', 'H5'] as const) {
      const { coverage, paths } = testPathsOf(withoutMiddleDigits, { platform });
      expect(coverage.states.missing, platform).toEqual([]);
      expect(coverage.transitions.missing, platform).toEqual([]);
      expect(coverage.states.covered).toBe(coverage.states.total);
      expect(paths.flatMap((path) => path.steps).some((step) => step.event.type === 'MIDDLE_DIGITS')).toBe(false);
    }
  });

  it('describes a path by how the number was proved, its events and where it ends', () => {
    const android = testPathsOf(policy, { platform: 'Android' }).paths.map((path) => path.description);
    const h5 = testPathsOf(policy, { platform: 'H5' }).paths.map((path) => path.description);
    expect(android).toContain(
      'one-click: ENDPOINT_RISK_RESULT(score 10) → NUMBER_AUTH_TOKEN → CARRIER_RESULT(ok) → PHONE_RISK_RESULT(score 10) → VERIFY_TOKEN_ISSUED → verified',
    );
    expect(h5).toContain(
      'one-click: ENDPOINT_RISK_RESULT(score 10) → NUMBER_AUTH_TOKEN → CARRIER_RESULT(ok) → MIDDLE_DIGITS(1234) → PHONE_RISK_RESULT(score 10) → VERIFY_TOKEN_ISSUED → verified',
    );
    expect(h5.some((description) => description.startsWith('cancelled: ') && description.endsWith('CANCEL → failed'))).toBe(true);
  });

  it('names each phase’s proof in a scene with two numbers', () => {
    const descriptions = testPathsOf(defaultPolicy('100002'), { platform: 'iOS' }).paths.map((path) => path.description);
    expect(descriptions.some((description) => description.startsWith('SMS code, then SMS code: '))).toBe(true);
    expect(descriptions.some((description) => description.startsWith('uplink SMS, then SMS code: '))).toBe(true);
  });

  it('starts every path from the session input and the first state, with the events’ payloads and times', () => {
    const result = testPathsOf(policy, { platform: 'H5' });
    expect(result).toMatchObject({ sceneCode: '100001', platform: 'H5', initialState: 'endpointRisk', input: { sceneCode: '100001', platform: 'H5' } });
    const oneClick = result.paths.find((path) => path.description.startsWith('one-click: '))!;
    expect(oneClick.steps.slice(0, 3)).toEqual([
      {
        event: { type: 'ENDPOINT_RISK_RESULT', score: 10, reasons: [], ruleHit: false, at: 1_700_000_000_000 },
        source: 'adapter',
        state: 'proveNumber.numberAuth.awaitingToken',
      },
      {
        event: { type: 'NUMBER_AUTH_TOKEN', accessToken: 'carrier-access-token', at: 1_700_000_000_000 },
        source: 'client',
        state: 'proveNumber.numberAuth.exchanging',
      },
      {
        event: { type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: '13912345678', at: 1_700_000_000_000 },
        source: 'adapter',
        state: 'proveNumber.numberAuth.middleDigits',
      },
    ]);
  });
});

describe('machines/testModel is pure', () => {
  it('imports only machines/, xstate and xstate/graph', () => {
    const folder = new URL('../../machines/testModel/', import.meta.url);
    const imports = readdirSync(folder)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(new URL(file, folder), 'utf8').matchAll(/^(?:import|export)[^;]*? from '([^']+)'/gms)].map((match) => match[1]!));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => !['xstate', 'xstate/graph'].includes(specifier) && !/^\.\.?\/(?!\.\.\/)/.test(specifier))).toEqual([]);
  });
});
