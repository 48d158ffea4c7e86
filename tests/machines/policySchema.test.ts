import { describe, expect, it } from 'vitest';
import { defaultPolicy, policySchema, sceneCodes, scenes, type Policy } from '../../machines/index.js';

function refusal(change: (policy: Policy) => void, sceneCode: Policy['sceneCode'] = '100001'): string[] {
  const policy = structuredClone(defaultPolicy(sceneCode));
  change(policy);
  const result = policySchema.safeParse(policy);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('policy model', () => {
  it.each(sceneCodes)('the default policy of %s is valid and switches on only what the vendor offers there', (sceneCode) => {
    const policy = defaultPolicy(sceneCode);
    expect(policySchema.safeParse(policy).success).toBe(true);
    const enabled = Object.entries(policy.nodes)
      .filter(([, node]) => node.enabled)
      .map(([name]) => name);
    for (const name of enabled) expect(scenes[sceneCode].allowedNodes).toContain(name);
    expect(policy.nodes.smsCode).toMatchObject({ enabled: true, codeLength: 6, validitySeconds: 300, resendIntervalSeconds: 60, maxWrongTries: 5 });
  });

  it('number auth is on by default only where the vendor has it (100001), and off where it would be beyond the vendor', () => {
    expect(defaultPolicy('100001').nodes.numberAuth).toMatchObject({ enabled: true, mode: 'oneClick', fallbackAfterSeconds: 30, onCarrierError: 'sms' });
    for (const code of ['100002', '100003', '100005'] as const)
      expect(defaultPolicy(code).nodes.numberAuth).toMatchObject({ enabled: false, mode: 'numberCheck' });
    expect(defaultPolicy('100004').nodes.numberAuth.enabled).toBe(false);
    expect(defaultPolicy('100005').nodes.phoneRisk.enabled).toBe(false);
  });

  it.each([
    ['a node the scene does not offer', (p: Policy): void => void (p.nodes.phoneRisk.enabled = true), '100005', 'nodes.phoneRisk.enabled'],
    ['number auth in 100004', (p: Policy): void => void (p.nodes.numberAuth.enabled = true), '100004', 'nodes.numberAuth.enabled'],
    [
      'one-click where the number is known',
      (p: Policy): void => void Object.assign(p.nodes.numberAuth, { enabled: true, mode: 'oneClick' }),
      '100003',
      'nodes.numberAuth.mode',
    ],
    ['a number check where the number is unknown', (p: Policy): void => void (p.nodes.numberAuth.mode = 'numberCheck'), '100001', 'nodes.numberAuth.mode'],
    ['a 3-digit code', (p: Policy): void => void (p.nodes.smsCode.codeLength = 3), '100001', 'nodes.smsCode.codeLength'],
    ['a 9-digit code', (p: Policy): void => void (p.nodes.smsCode.codeLength = 9), '100001', 'nodes.smsCode.codeLength'],
    [
      'six frequency rules',
      (p: Policy) => (p.nodes.endpointRisk.rules = Array.from({ length: 6 }, () => ({ dimension: 'ip', windowSeconds: 60, maxCount: 5 }))),
      '100001',
      'nodes.endpointRisk.rules',
    ],
    ['a threshold above 100', (p: Policy): void => void (p.nodes.endpointRisk.threshold = 101), '100001', 'nodes.endpointRisk.threshold'],
    [
      'no proof of possession at all',
      (p: Policy) => {
        p.nodes.smsCode.enabled = false;
        p.nodes.uplinkSms.enabled = false;
        p.nodes.numberAuth.enabled = false;
      },
      '100001',
      'nodes',
    ],
  ] as const)('refuses %s, naming the setting', (_name, change, sceneCode, path) => {
    const issues = refusal(change, sceneCode);
    expect(
      issues.some((issue) => issue.startsWith(`${path}:`)),
      issues.join('\n'),
    ).toBe(true);
  });
});
