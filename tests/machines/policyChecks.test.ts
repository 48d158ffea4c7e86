import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { createSessionMachine, defaultPolicy, policySchema, sceneCodes, scenes, type Policy, type SceneCode } from '../../machines/index.js';
import {
  chartFindings,
  chartGraph,
  checkPolicy,
  findStuckStates,
  findVerifiedWithoutProof,
  policyCheckCatalog,
  policyCheckCodes,
  provedPhaseOf,
  type PolicyCheckCode,
  type PolicyFinding,
} from '../../machines/policy/policyChecks.js';

function variant(sceneCode: SceneCode, change: (policy: Policy) => void): Policy {
  const policy = structuredClone(defaultPolicy(sceneCode));
  change(policy);
  return policy;
}

interface Row {
  name: string;
  input: unknown;
  expected: { code: PolicyCheckCode; node: PolicyFinding['node']; setting?: string };
}

/** Each row: a default policy with one thing changed, and the finding it must get. */
const refused: Row[] = [
  // The schema's own rules, named by node and setting.
  {
    name: 'a node the scene does not offer (phone risk in 100005)',
    input: variant('100005', (p) => void (p.nodes.phoneRisk.enabled = true)),
    expected: { code: 'NODE_NOT_ALLOWED', node: 'phoneRisk', setting: 'enabled' },
  },
  {
    name: 'number auth in 100004',
    input: variant('100004', (p) => void (p.nodes.numberAuth.enabled = true)),
    expected: { code: 'NODE_NOT_ALLOWED', node: 'numberAuth', setting: 'enabled' },
  },
  {
    name: 'one-click where the number is known (100003)',
    input: variant('100003', (p) => void Object.assign(p.nodes.numberAuth, { enabled: true, mode: 'oneClick' })),
    expected: { code: 'NUMBER_AUTH_MODE_MISMATCH', node: 'numberAuth', setting: 'mode' },
  },
  {
    name: 'no proof node at all',
    input: variant('100001', (p) => {
      p.nodes.numberAuth.enabled = false;
      p.nodes.smsCode.enabled = false;
      p.nodes.uplinkSms.enabled = false;
    }),
    expected: { code: 'NO_PROOF_NODE', node: 'policy', setting: 'nodes' },
  },
  {
    name: 'a 3-digit code',
    input: variant('100001', (p) => void (p.nodes.smsCode.codeLength = 3)),
    expected: { code: 'SMS_CODE_TOO_SHORT', node: 'smsCode', setting: 'codeLength' },
  },
  {
    name: 'an SMS code valid for 2 hours (beyond the schema)',
    input: variant('100001', (p) => void (p.nodes.smsCode.validitySeconds = 7_200)),
    expected: { code: 'SMS_VALIDITY_TOO_LONG', node: 'smsCode', setting: 'validitySeconds' },
  },
  {
    name: '11 SMS sends',
    input: variant('100004', (p) => void (p.nodes.smsCode.maxSends = 11)),
    expected: { code: 'ATTEMPT_LIMIT_TOO_HIGH', node: 'smsCode', setting: 'maxSends' },
  },
  {
    name: '11 CAPTCHA tries',
    input: variant('100001', (p) => void (p.nodes.captcha.maxTries = 11)),
    expected: { code: 'ATTEMPT_LIMIT_TOO_HIGH', node: 'captcha', setting: 'maxTries' },
  },
  {
    name: '6 middle-digit tries',
    input: variant('100001', (p) => void (p.nodes.numberAuth.maxMiddleDigitTries = 6)),
    expected: { code: 'ATTEMPT_LIMIT_TOO_HIGH', node: 'numberAuth', setting: 'maxMiddleDigitTries' },
  },
  {
    name: 'a frequency rule that allows nothing',
    input: variant('100001', (p) => void (p.nodes.endpointRisk.rules = [{ dimension: 'ip', windowSeconds: 60, maxCount: 0 }])),
    expected: { code: 'INVALID_SETTING', node: 'endpointRisk', setting: 'rules.0.maxCount' },
  },
  {
    name: 'a session TTL that is not a number',
    input: { ...defaultPolicy('100001'), sessionTtlSeconds: 'ten minutes' },
    expected: { code: 'INVALID_SETTING', node: 'policy', setting: 'sessionTtlSeconds' },
  },
  { name: 'not a policy at all', input: 42, expected: { code: 'INVALID_POLICY', node: 'policy' } },
  // The static checks on a schema-valid policy.
  {
    name: 'an SMS code valid for 900 s',
    input: variant('100001', (p) => void (p.nodes.smsCode.validitySeconds = 900)),
    expected: { code: 'SMS_VALIDITY_TOO_LONG', node: 'smsCode', setting: 'validitySeconds' },
  },
  {
    name: 'an uplink SMS valid for 900 s',
    input: variant('100004', (p) => void (p.nodes.uplinkSms.validitySeconds = 900)),
    expected: { code: 'UPLINK_VALIDITY_TOO_LONG', node: 'uplinkSms', setting: 'validitySeconds' },
  },
  {
    name: '15 wrong SMS codes (the schema allows 20)',
    input: variant('100003', (p) => void (p.nodes.smsCode.maxWrongTries = 15)),
    expected: { code: 'ATTEMPT_LIMIT_TOO_HIGH', node: 'smsCode', setting: 'maxWrongTries' },
  },
  {
    name: 'an endpoint risk route to CAPTCHA while CAPTCHA is off',
    input: variant('100001', (p) => void (p.nodes.endpointRisk.onRisk = 'captcha')),
    expected: { code: 'RISK_ROUTE_TO_OFF_NODE', node: 'endpointRisk', setting: 'onRisk' },
  },
  {
    name: 'a phone risk route to uplink SMS while uplink SMS is off',
    input: variant('100004', (p) => {
      p.nodes.uplinkSms.enabled = false;
      p.nodes.endpointRisk.onRisk = 'block';
    }),
    expected: { code: 'RISK_ROUTE_TO_OFF_NODE', node: 'phoneRisk', setting: 'onRisk' },
  },
  {
    name: 'carrier errors to SMS while the SMS code is off',
    input: variant('100001', (p) => void (p.nodes.smsCode.enabled = false)),
    expected: { code: 'CARRIER_ERROR_ROUTE_TO_OFF_NODE', node: 'numberAuth', setting: 'onCarrierError' },
  },
  {
    name: 'carrier errors to uplink SMS while uplink SMS is off',
    input: variant('100001', (p) => {
      p.nodes.numberAuth.onCarrierError = 'uplinkSms';
      p.nodes.uplinkSms.enabled = false;
    }),
    expected: { code: 'CARRIER_ERROR_ROUTE_TO_OFF_NODE', node: 'numberAuth', setting: 'onCarrierError' },
  },
  {
    // Valid by the schema (number auth is a proof node), but number auth cannot prove the new number.
    name: 'a number change (100002) with number auth as the only proof',
    input: variant('100002', (p) => {
      p.nodes.numberAuth.enabled = true;
      p.nodes.smsCode.enabled = false;
      p.nodes.uplinkSms.enabled = false;
    }),
    expected: { code: 'VERIFIED_UNREACHABLE', node: 'policy' },
  },
];

/** Each row: saved, with a warning. */
const warned: Row[] = [
  {
    name: 'a 4-digit code',
    input: variant('100001', (p) => void (p.nodes.smsCode.codeLength = 4)),
    expected: { code: 'SMS_CODE_SHORT', node: 'smsCode', setting: 'codeLength' },
  },
  {
    name: 'a 5-digit code (10^5 values)',
    input: variant('100005', (p) => void (p.nodes.smsCode.codeLength = 5)),
    expected: { code: 'SMS_CODE_WEAK_KEYSPACE', node: 'smsCode', setting: 'codeType' },
  },
  {
    name: 'no wait between resends',
    input: variant('100003', (p) => void (p.nodes.smsCode.resendIntervalSeconds = 0)),
    expected: { code: 'SMS_NO_RESEND_INTERVAL', node: 'smsCode', setting: 'resendIntervalSeconds' },
  },
  {
    name: 'CAPTCHA on with no risk route to it',
    input: variant('100004', (p) => void (p.nodes.captcha.enabled = true)),
    expected: { code: 'NODE_UNUSED', node: 'captcha', setting: 'enabled' },
  },
];

function expectFinding(findings: PolicyFinding[], expected: Row['expected']): PolicyFinding {
  const match = findings.find((item) => item.code === expected.code && item.node === expected.node && item.setting === expected.setting);
  expect(match, findings.map((item) => `${item.code} ${item.message}`).join('\n') || '(no findings)').toBeDefined();
  return match!;
}

describe('static checks of a policy', () => {
  it.each(sceneCodes)('the default policy of %s passes with no errors and no warnings', (sceneCode) => {
    expect(checkPolicy(defaultPolicy(sceneCode))).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it.each(refused.map((row) => [row.name, row] as const))('refuses %s', (_name, row) => {
    const result = checkPolicy(row.input);
    expect(result.ok).toBe(false);
    const error = expectFinding(result.errors, row.expected);
    if (row.expected.node !== 'policy') expect(error.message).toContain(row.expected.node);
    if (row.expected.setting) expect(error.message).toContain(row.expected.setting);
    expect(error.message).toMatch(/^[\w.]+: \S/);
  });

  it.each(warned.map((row) => [row.name, row] as const))('saves %s, with a warning', (_name, row) => {
    const result = checkPolicy(row.input);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    const warning = expectFinding(result.warnings, row.expected);
    expect(warning.message).toContain(`${row.expected.node}.${row.expected.setting}`);
  });

  it('recommends 6 characters for a shorter code, and warns about the keyspace only where it is below 10^6', () => {
    const fourDigits = checkPolicy(variant('100001', (p) => void (p.nodes.smsCode.codeLength = 4)));
    expect(fourDigits.warnings.map((item) => item.code).sort()).toEqual(['SMS_CODE_SHORT', 'SMS_CODE_WEAK_KEYSPACE']);
    expect(fourDigits.warnings.find((item) => item.code === 'SMS_CODE_SHORT')?.message).toContain('6 recommended');
    expect(fourDigits.warnings.find((item) => item.code === 'SMS_CODE_WEAK_KEYSPACE')?.message).toContain('10,000 possible values');
    // 52^4 ≈ 7.3 million: short, but not a small keyspace.
    const fourLetters = checkPolicy(variant('100001', (p) => Object.assign(p.nodes.smsCode, { codeLength: 4, codeType: 'mixedCase' })));
    expect(fourLetters.warnings.map((item) => item.code)).toEqual(['SMS_CODE_SHORT']);
  });

  it('checks the settings of a node only while it is on', () => {
    const result = checkPolicy(
      variant('100001', (p) => {
        Object.assign(p.nodes.uplinkSms, { validitySeconds: 900 });
        Object.assign(p.nodes.captcha, { maxTries: 10 });
      }),
    );
    expect(result.errors.map((item) => item.code)).toEqual(['UPLINK_VALIDITY_TOO_LONG']);
    const off = checkPolicy(
      variant('100001', (p) => {
        Object.assign(p.nodes.uplinkSms, { enabled: false, validitySeconds: 900 });
        p.nodes.endpointRisk.onRisk = 'block';
        p.nodes.phoneRisk.onRisk = 'block';
      }),
    );
    expect(off).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('reports every schema issue of one input, each with its node and setting', () => {
    const result = checkPolicy(
      variant('100005', (p) => {
        p.nodes.phoneRisk.enabled = true;
        p.nodes.smsCode.codeLength = 9;
      }),
    );
    expect(result.errors.map(({ code, node, setting }) => ({ code, node, setting }))).toEqual([
      { code: 'INVALID_SETTING', node: 'smsCode', setting: 'codeLength' },
      { code: 'NODE_NOT_ALLOWED', node: 'phoneRisk', setting: 'enabled' },
    ]);
  });
});

describe('checks of the chart a policy builds', () => {
  it.each(sceneCodes)('the chart of %s has a proof transition in each phase and no stuck state', (sceneCode) => {
    const machine = createSessionMachine(defaultPolicy(sceneCode));
    const proofsByPhase = new Map<string, string[]>();
    const graph = chartGraph(machine);
    for (const edges of graph.edges.values())
      for (const { transition } of edges) {
        const phase = provedPhaseOf(transition);
        if (phase) proofsByPhase.set(phase, [...new Set([...(proofsByPhase.get(phase) ?? []), transition.source.key])]);
      }
    expect([...proofsByPhase.keys()].sort()).toEqual([...scenes[sceneCode].phases].sort());
    expect(findStuckStates(machine)).toEqual([]);
    expect(findVerifiedWithoutProof(machine)).toEqual([]);
    if (sceneCode === '100001') expect(proofsByPhase.get('user')?.sort()).toEqual(['phoneRiskCleared', 'sms', 'uplinkSms']);
  });

  it('no schema-valid policy builds a chart with a stuck state or a path to verified without proof', () => {
    const nodeNames = ['endpointRisk', 'phoneRisk', 'numberAuth', 'smsCode', 'uplinkSms', 'captcha', 'scoring'] as const;
    const route = fc.constantFrom('captcha', 'uplinkSms', 'block' as const);
    fc.assert(
      fc.property(
        fc.constantFrom(...sceneCodes),
        fc.array(fc.boolean(), { minLength: nodeNames.length, maxLength: nodeNames.length }),
        route,
        route,
        fc.constantFrom('sms', 'uplinkSms', 'fail' as const),
        fc.boolean(),
        (sceneCode, enabled, endpointRoute, phoneRoute, onCarrierError, h5MiddleDigits) => {
          const policy = variant(sceneCode, (p) => {
            nodeNames.forEach((name, index) => void (p.nodes[name].enabled = enabled[index]!));
            p.nodes.endpointRisk.onRisk = endpointRoute;
            p.nodes.phoneRisk.onRisk = phoneRoute;
            Object.assign(p.nodes.numberAuth, { onCarrierError, h5MiddleDigits });
          });
          if (!policySchema.safeParse(policy).success) return;
          const codes = checkPolicy(policy).errors.map((item) => item.code);
          expect(codes).not.toContain('STUCK_STATE');
          expect(codes).not.toContain('VERIFIED_WITHOUT_PROOF');
          expect(codes).not.toContain('CHART_BUILD_FAILED');
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** Hand-made charts with the session chart's state ids, to show what the chart checks catch. */
const chart = setup({ guards: { provedByCarrier: () => false, carrierSaysSo: () => false } });
const endStates = {
  issuingVerifyToken: { id: 'issuingVerifyToken', on: { VERIFY_TOKEN_ISSUED: { target: 'verified' } } },
  verified: { id: 'verified', type: 'final' as const },
  failed: { id: 'failed', type: 'final' as const },
  expired: { id: 'expired', type: 'final' as const },
};
const sessionRoot = { id: 'session', after: { 600_000: { target: '#expired' } }, on: { CANCEL: { target: '#failed' } } };
const smsProof = (phase: string) => ({
  id: `${phase}.sms`,
  initial: 'awaitingCode',
  states: { awaitingCode: { on: { SMS_CODE: { target: 'passed' }, GIVE_UP: { target: '#failed' } } }, passed: { type: 'final' as const } },
  onDone: { target: 'proved' },
});

describe('the chart checks on hand-made charts', () => {
  it('finds a reachable state that ends only by the session timer or CANCEL, with the path to it', () => {
    const machine = chart.createMachine({
      ...sessionRoot,
      initial: 'proveNumber',
      states: {
        proveNumber: {
          id: 'proveNumber',
          initial: 'enterPhone',
          onDone: { target: '#issuingVerifyToken' },
          states: {
            enterPhone: { id: 'proveNumber.enterPhone', on: { PHONE_NUMBER: { target: '#proveNumber.sms' }, WAIT: { target: 'limbo' } } },
            limbo: { on: { PING: { target: 'limbo' } } },
            unreachable: { on: { PING: { target: 'unreachable' } } },
            sms: smsProof('proveNumber'),
            proved: { type: 'final' },
          },
        },
        ...endStates,
      },
    });
    expect(findStuckStates(machine).map(({ state, reachedBy }) => ({ state, reachedBy }))).toEqual([
      { state: 'proveNumber.limbo', reachedBy: ['proveNumber.enterPhone', 'proveNumber.limbo'] },
    ]);
    const [stuck] = chartFindings(machine, ['user']);
    expect(stuck).toMatchObject({ code: 'STUCK_STATE', node: 'policy' });
    expect(stuck?.message).toContain('proveNumber.limbo');
  });

  it('names the policy node a stuck state belongs to', () => {
    const machine = chart.createMachine({
      ...sessionRoot,
      initial: 'proveNumber',
      states: {
        proveNumber: {
          id: 'proveNumber',
          initial: 'sms',
          onDone: { target: '#issuingVerifyToken' },
          states: {
            sms: {
              id: 'proveNumber.sms',
              initial: 'awaitingCode',
              states: {
                awaitingCode: { on: { SMS_CODE: { target: 'passed' }, RESEND_SMS: { target: 'codeExpired' } } },
                codeExpired: {},
                passed: { type: 'final' },
              },
              onDone: { target: 'proved' },
            },
            proved: { type: 'final' },
          },
        },
        ...endStates,
      },
    });
    expect(chartFindings(machine, ['user'])).toEqual([expect.objectContaining({ code: 'STUCK_STATE', node: 'smsCode' })]);
  });

  it('finds a path to verified that skips the proof of possession', () => {
    const machine = (shortcut: boolean) =>
      chart.createMachine({
        ...sessionRoot,
        initial: 'proveNumber',
        states: {
          proveNumber: {
            id: 'proveNumber',
            initial: 'enterPhone',
            onDone: { target: '#issuingVerifyToken' },
            states: {
              enterPhone: {
                id: 'proveNumber.enterPhone',
                on: { PHONE_NUMBER: { target: '#proveNumber.sms' }, ...(shortcut ? { TRUST_ME: { target: '#issuingVerifyToken' } } : {}) },
              },
              sms: smsProof('proveNumber'),
              proved: { type: 'final' },
            },
          },
          ...endStates,
        },
      });
    expect(findVerifiedWithoutProof(machine(false))).toEqual([]);
    expect(findVerifiedWithoutProof(machine(true))).toEqual([{ phase: 'user', path: ['proveNumber.enterPhone', 'issuingVerifyToken', 'verified'] }]);
    const [error] = chartFindings(machine(true), ['user']);
    expect(error).toMatchObject({ code: 'VERIFIED_WITHOUT_PROOF', node: 'policy' });
    expect(error?.message).toContain('proveNumber.enterPhone → issuingVerifyToken → verified');
  });

  it('takes only the carrier branch of phoneRiskCleared as a carrier proof', () => {
    const machine = (guard: 'provedByCarrier' | 'carrierSaysSo') =>
      chart.createMachine({
        ...sessionRoot,
        initial: 'proveNumber',
        states: {
          proveNumber: {
            id: 'proveNumber',
            initial: 'numberAuth',
            onDone: { target: '#issuingVerifyToken' },
            states: {
              numberAuth: { on: { CARRIER_RESULT: { target: '#proveNumber.phoneRiskCleared' } } },
              phoneRiskCleared: { id: 'proveNumber.phoneRiskCleared', always: [{ guard, target: 'proved' }, { target: '#proveNumber.sms' }] },
              sms: smsProof('proveNumber'),
              proved: { type: 'final' },
            },
          },
          ...endStates,
        },
      });
    expect(findVerifiedWithoutProof(machine('provedByCarrier'))).toEqual([]);
    expect(findVerifiedWithoutProof(machine('carrierSaysSo'))).toEqual([
      { phase: 'user', path: ['proveNumber.numberAuth', 'proveNumber.phoneRiskCleared', 'proveNumber.proved', 'issuingVerifyToken', 'verified'] },
    ]);
  });

  it('needs a proof in each phase of a two-phase scene', () => {
    const machine = (provedNewNumber: boolean) =>
      chart.createMachine({
        ...sessionRoot,
        initial: 'proveBoundNumber',
        states: {
          proveBoundNumber: {
            id: 'proveBoundNumber',
            initial: 'sms',
            onDone: { target: '#proveNewNumber' },
            states: { sms: smsProof('proveBoundNumber'), proved: { type: 'final' } },
          },
          proveNewNumber: {
            id: 'proveNewNumber',
            initial: 'enterPhone',
            onDone: { target: '#issuingVerifyToken' },
            states: {
              enterPhone: {
                id: 'proveNewNumber.enterPhone',
                on: { PHONE_NUMBER: { target: provedNewNumber ? '#proveNewNumber.sms' : 'proved' } },
              },
              sms: smsProof('proveNewNumber'),
              proved: { type: 'final' },
            },
          },
          ...endStates,
        },
      });
    expect(findVerifiedWithoutProof(machine(true))).toEqual([]);
    expect(findVerifiedWithoutProof(machine(false))).toEqual([
      {
        phase: 'new',
        path: [
          'proveBoundNumber.sms.awaitingCode',
          'proveBoundNumber.sms.passed',
          'proveBoundNumber.proved',
          'proveNewNumber.enterPhone',
          'proveNewNumber.proved',
          'issuingVerifyToken',
          'verified',
        ],
      },
    ]);
  });

  it('reads the chart as XState runs it: a final child takes its parent onDone, an unguarded eventless transition hides events', () => {
    const machine: AnyStateMachine = chart.createMachine({
      ...sessionRoot,
      initial: 'a',
      states: {
        a: {
          initial: 'inner',
          on: { LEAVE: { target: '#failed' } },
          onDone: { target: 'passing' },
          states: { inner: { on: { NEXT: { target: 'done' } } }, done: { type: 'final' } },
        },
        passing: { always: { target: 'verified' }, on: { NEVER: { target: 'failed' } } },
        ...endStates,
      },
    });
    const graph = chartGraph(machine);
    const targetsOf = (label: string) => {
      const leaf = graph.leaves.find((node: AnyStateNode) => node.path.join('.') === label)!;
      return (graph.edges.get(leaf) ?? []).map((edge) => edge.to.path.join('.'));
    };
    expect(targetsOf('a.inner').sort()).toEqual(['a.done', 'expired', 'failed', 'failed']);
    expect(targetsOf('a.done')).toEqual(['passing']);
    expect(targetsOf('passing')).toEqual(['verified']);
    expect(targetsOf('verified')).toEqual([]);
  });
});

describe('the list of checks', () => {
  it('has a severity and a description for every code, and every code but a failed chart build is tested here', () => {
    expect(policyCheckCodes).toEqual(Object.keys(policyCheckCatalog));
    for (const code of policyCheckCodes) expect(['error', 'warning']).toContain(policyCheckCatalog[code].severity);
    // The rows above, plus the hand-made charts for the chart checks no valid policy fails. CHART_BUILD_FAILED
    // guards against a createSessionMachine that throws; no valid policy makes it throw.
    const tested = new Set<PolicyCheckCode>([...refused, ...warned].map((row) => row.expected.code));
    for (const code of ['STUCK_STATE', 'VERIFIED_WITHOUT_PROOF'] as const) tested.add(code);
    expect(policyCheckCodes.filter((code) => !tested.has(code))).toEqual(['CHART_BUILD_FAILED']);
  });
});
