import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { checkPolicy } from '../../machines/policy/policyChecks.js';
import { PolicyRepository, type PolicyRef, type SaveOptions } from '../../server/policies/policyRepository.js';
import { exportConfig } from '../../server/policyAsCode/exportConfig.js';
import { ConfigApplyFailed, importConfig, type ConfigTargets } from '../../server/policyAsCode/importConfig.js';
import { SchemeRepository } from '../../server/schemes/schemeRepository.js';
import type { SchemeInput } from '../../server/schemes/schemeSchema.js';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';

const clock = () => Date.UTC(2026, 0, 1);
const ios = (code: string) => ({ code, name: `scheme ${code}`, platform: 'iOS' as const, bundleId: 'com.example.unit' });
const { sceneCode: _scene, ...globalBody } = defaultPolicy('100001');
const document = {
  apiVersion: 'numberflow/v1',
  kind: 'NumberflowConfig',
  schemes: [ios('FA100000000000001'), ios('FA100000000000002')],
  policies: { global: { '100001': { policy: { ...globalBody, sessionTtlSeconds: 300 } } } },
};
const options = { dryRun: false, prune: false, author: 'unit' };

function targets(overrides: { policies?: PolicyRepository; schemes?: SchemeRepository; kv?: MemoryKeyValueStore } = {}): ConfigTargets {
  const kv = overrides.kv ?? new MemoryKeyValueStore(clock);
  return {
    schemes: overrides.schemes ?? new SchemeRepository(kv, clock),
    policies: overrides.policies ?? new PolicyRepository(kv, { clock, validate: checkPolicy }),
    webhooks: { remove: async () => true },
    clock,
    validate: checkPolicy,
  };
}

describe('a write that fails part-way', () => {
  it('a policy edited between the checks and the writes: the import stops there, the edit is kept, the earlier changes stay', async () => {
    const kv = new MemoryKeyValueStore(clock);
    /** Someone saves the same policy in the console just before the import's save. */
    class RacedPolicies extends PolicyRepository {
      override async savePolicy(ref: PolicyRef, input: unknown, saveOptions: SaveOptions) {
        await super.patchPolicy(ref, { nodes: { smsCode: { codeLength: 8 } } }, { author: 'someone' });
        return super.savePolicy(ref, input, saveOptions);
      }
    }
    const policies = new RacedPolicies(kv, { clock, validate: checkPolicy });
    const failure = await importConfig(document, options, targets({ kv, policies })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigApplyFailed);
    const { applied, failed } = failure as ConfigApplyFailed;
    expect(applied.map((c) => `${c.kind} ${c.key}`)).toEqual(['scheme FA100000000000001', 'scheme FA100000000000002']);
    expect(failed).toMatchObject({ kind: 'globalPolicy', key: '100001' });
    const state = await policies.state({ scope: 'global', sceneCode: '100001' });
    expect(state.lastChange?.author).toBe('someone');
    expect(state.policy.sessionTtlSeconds).toBe(600);

    // Run again: it converges (what was applied is unchanged now; the policy is saved over the edit).
    const again = await importConfig(document, options, targets({ kv }));
    expect(again.changes.map((c) => `${c.kind} ${c.key}`)).toEqual(['globalPolicy 100001']);
    expect((await exportConfig(targets({ kv }))).policies.global['100001']!.policy.sessionTtlSeconds).toBe(300);
  });

  it('a scheme created meanwhile', async () => {
    const kv = new MemoryKeyValueStore(clock);
    class RacedSchemes extends SchemeRepository {
      override async create(input: SchemeInput) {
        if (input.code === 'FA100000000000002') await super.create({ ...input, name: 'created meanwhile' });
        return super.create(input);
      }
    }
    const failure = await importConfig(document, options, targets({ kv, schemes: new RacedSchemes(kv, clock) })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigApplyFailed);
    expect((failure as ConfigApplyFailed).applied.map((c) => c.key)).toEqual(['FA100000000000001']);
    expect((failure as ConfigApplyFailed).message).toMatch(/scheme FA100000000000002 was created meanwhile/);
  });

  it('a store failure is passed on as it is; the changes before it stay written', async () => {
    const kv = new MemoryKeyValueStore(clock);
    class FailingPolicies extends PolicyRepository {
      override async savePolicy(): Promise<never> {
        throw new Error('Connection is closed.');
      }
    }
    const policies = new FailingPolicies(kv, { clock, validate: checkPolicy });
    await expect(importConfig(document, options, targets({ kv, policies }))).rejects.toThrow('Connection is closed.');
    expect((await new SchemeRepository(kv, clock).list()).map((s) => s.code)).toEqual(['FA100000000000001', 'FA100000000000002']);
  });
});
