import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { defaultPolicy, type Policy } from '../../machines/index.js';
import { PolicyConflict, PolicyInherited, PolicyRejected } from '../../server/policies/policyErrors.js';
import { PolicyRepository, type PolicyRef } from '../../server/policies/policyRepository.js';
import { policyVersionOf } from '../../server/policies/policyVersion.js';
import { schemaValidation, type PolicyValidator } from '../../server/policies/policyValidation.js';
import type { KeyValueStore } from '../../server/stores/keyValueStore.js';
import { MemoryKeyValueStore } from '../../server/stores/memory/memoryKeyValueStore.js';
import { createRedisClient, type RedisConnection } from '../../server/stores/redis/redisClient.js';
import { RedisKeyValueStore } from '../../server/stores/redis/redisKeyValueStore.js';

/** Counts every call made through a store. */
function counting(store: KeyValueStore) {
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}

const global = (sceneCode: Policy['sceneCode'] = '100001'): PolicyRef => ({ scope: 'global', sceneCode });
const scheme = (schemeCode: string, sceneCode: Policy['sceneCode'] = '100001'): PolicyRef => ({ scope: 'scheme', schemeCode, sceneCode });
const as = (author: string) => ({ author });

// The same suite on the in-memory store and on the test run's Redis (a Redis Cluster in the cluster project).
describe.each(['memory', 'redis'] as const)('policies on the %s store', (kind) => {
  let time: number;
  let kv: ReturnType<typeof counting>;
  let policies: PolicyRepository;
  let redis: RedisConnection | undefined;

  beforeAll(() => {
    if (kind === 'redis') redis = createRedisClient(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis?.quit();
  });
  beforeEach(() => {
    time = Date.parse('2025-03-01T08:00:00.000Z');
    kv = counting(redis ? new RedisKeyValueStore(redis, `t-${randomUUID()}:`) : new MemoryKeyValueStore(() => time));
    policies = new PolicyRepository(kv.store, { clock: () => time });
  });

  describe('inheritance', () => {
    it('a global change reaches the schemes that inherit it, not the ones that override it', async () => {
      await policies.effectivePolicy('FA100000000000001', '100001'); // a scheme that never configured anything
      await policies.setInheritance('FA100000000000002', '100001', true, as('ops')); // one that says so (no change: no version)
      const own = defaultPolicy('100001');
      own.nodes.smsCode.codeLength = 4;
      await policies.setSchemePolicy('FA100000000000003', own, '100001'); // one that overrides

      await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 8 } } }, as('alice'));

      expect((await policies.effectivePolicy('FA100000000000001', '100001')).policy.nodes.smsCode.codeLength).toBe(8);
      expect((await policies.effectivePolicy('FA100000000000002', '100001')).policy.nodes.smsCode.codeLength).toBe(8);
      expect((await policies.effectivePolicy('FA100000000000003', '100001')).policy.nodes.smsCode.codeLength).toBe(4);
      expect((await policies.effectivePolicy('FA100000000000004', '100001')).policy.nodes.smsCode.codeLength).toBe(8); // first read after the change
      // Other scenes keep their own global policy.
      expect((await policies.effectivePolicy('FA100000000000001', '100004')).policy).toEqual(defaultPolicy('100004'));
    });

    it('turning inheritance off starts from a copy of the current global policy; turning it on follows the global policy again', async () => {
      await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 7 } } }, as('alice'));
      const off = await policies.setInheritance('FA100000000000011', '100001', false, as('bob'));
      expect(off).toMatchObject({ changed: true, state: { inherit: false, number: 1 } });
      expect(off.state.policy.nodes.smsCode.codeLength).toBe(7);
      expect((await policies.versions(scheme('FA100000000000011')))[0]).toMatchObject({
        number: 1,
        change: 'override',
        inherit: false,
        author: 'bob',
        diff: [{ path: 'inherit', from: true, to: false }],
      });

      await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 5 } } }, as('alice'));
      expect((await policies.effectivePolicy('FA100000000000011', '100001')).policy.nodes.smsCode.codeLength).toBe(7);

      const on = await policies.setInheritance('FA100000000000011', '100001', true, as('bob'));
      expect(on.state).toMatchObject({ inherit: true, number: 2, global: { number: 2 } });
      expect(on.state.policy.nodes.smsCode.codeLength).toBe(5);
      expect((await policies.effectivePolicy('FA100000000000011', '100001')).policy.nodes.smsCode.codeLength).toBe(5);
      expect((await policies.versions(scheme('FA100000000000011')))[1]).toMatchObject({
        change: 'inherit',
        inherit: true,
        diff: [
          { path: 'inherit', from: false, to: true },
          { path: 'nodes.smsCode.codeLength', from: 7, to: 5 },
        ],
      });
    });

    it('a scheme policy of its own cannot be patched while the scheme inherits', async () => {
      await expect(policies.patchPolicy(scheme('FA100000000000012'), { nodes: { smsCode: { codeLength: 8 } } }, as('bob'))).rejects.toBeInstanceOf(
        PolicyInherited,
      );
      await expect(policies.restoreDefaults(scheme('FA100000000000012'), 'smsCode', as('bob'))).rejects.toBeInstanceOf(PolicyInherited);
    });

    it('setSchemePolicy keeps its meaning: override with this policy, null inherits again', async () => {
      const own = defaultPolicy('100003');
      own.nodes.smsCode.validitySeconds = 5;
      await policies.setSchemePolicy('FA100000000000013', own, '100003');
      expect((await policies.effectivePolicy('FA100000000000013', '100003')).policy).toEqual(own);
      await policies.setSchemePolicy('FA100000000000013', null, '100003');
      expect((await policies.effectivePolicy('FA100000000000013', '100003')).policy).toEqual(defaultPolicy('100003'));
      expect((await policies.versions(scheme('FA100000000000013', '100003'))).map((v) => [v.change, v.author])).toEqual([
        ['override', 'system'],
        ['inherit', 'system'],
      ]);
    });
  });

  describe('versions', () => {
    it('every change is a numbered version with author, time and a diff against the one before; a save that changes nothing is none', async () => {
      await policies.patchPolicy(global('100004'), { nodes: { smsCode: { codeLength: 8, maxSends: 3 } } }, as('alice'));
      time += 60_000;
      await policies.patchPolicy(global('100004'), { sessionTtlSeconds: 300 }, as('bob'));
      const again = await policies.patchPolicy(global('100004'), { sessionTtlSeconds: 300 }, as('carol'));
      expect(again.changed).toBe(false);

      const versions = await policies.versions(global('100004'));
      expect(versions).toEqual([
        {
          number: 1,
          policyVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
          author: 'alice',
          at: '2025-03-01T08:00:00.000Z',
          change: 'update',
          diff: [
            { path: 'nodes.smsCode.codeLength', from: 6, to: 8 },
            { path: 'nodes.smsCode.maxSends', from: 5, to: 3 },
          ],
        },
        {
          number: 2,
          policyVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
          author: 'bob',
          at: '2025-03-01T08:01:00.000Z',
          change: 'update',
          diff: [{ path: 'sessionTtlSeconds', from: 600, to: 300 }],
        },
      ]);
      const first = await policies.version(global('100004'), 1);
      expect(first?.policy.nodes.smsCode.codeLength).toBe(8);
      expect(first?.policy.sessionTtlSeconds).toBe(600);
      expect(policyVersionOf(first!.policy)).toBe(versions[0]!.policyVersion);
    });

    it('rolls back to an earlier version as a new version equal to it', async () => {
      await policies.patchPolicy(global('100002'), { nodes: { smsCode: { codeLength: 4 } } }, as('alice'));
      await policies.patchPolicy(global('100002'), { nodes: { smsCode: { codeLength: 8 } } }, as('alice'));
      const rolled = await policies.rollback(global('100002'), 1, as('bob'));
      expect(rolled.state.number).toBe(3);
      expect(rolled.state.policy.nodes.smsCode.codeLength).toBe(4);
      const versions = await policies.versions(global('100002'));
      expect(versions[2]).toMatchObject({ change: 'rollback', rolledBackTo: 1, author: 'bob', policyVersion: versions[0]!.policyVersion });
      expect(versions[2]!.diff).toEqual([{ path: 'nodes.smsCode.codeLength', from: 8, to: 4 }]);
      expect((await policies.effectivePolicy('FA100000000000021', '100002')).policy.nodes.smsCode.codeLength).toBe(4);
      await expect(policies.rollback(global('100002'), 9, as('bob'))).rejects.toThrow('policy version 9 does not exist');
    });

    it('a scheme rolls back to a version where it inherited: it inherits again', async () => {
      const ref = scheme('FA100000000000022');
      await policies.setInheritance('FA100000000000022', '100001', false, as('bob')); // 1: override (copy)
      await policies.patchPolicy(ref, { nodes: { captcha: { enabled: true } } }, as('bob')); // 2
      await policies.setInheritance('FA100000000000022', '100001', true, as('bob')); // 3: inherit
      await policies.setInheritance('FA100000000000022', '100001', false, as('bob')); // 4: override (copy)
      await policies.rollback(ref, 2, as('bob')); // 5: its own policy with CAPTCHA
      expect((await policies.effectivePolicy('FA100000000000022', '100001')).policy.nodes.captcha.enabled).toBe(true);
      const back = await policies.rollback(ref, 3, as('bob')); // 6: inherits
      expect(back.state).toMatchObject({ inherit: true, number: 6 });
      await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 5 } } }, as('alice'));
      expect((await policies.effectivePolicy('FA100000000000022', '100001')).policy.nodes.smsCode.codeLength).toBe(5);
    });

    it('pins: a version stays readable, unchanged, after the policy moves on', async () => {
      const before = await policies.effectivePolicy('FA100000000000023', '100001');
      await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 8 } } }, as('alice'));
      const after = await policies.effectivePolicy('FA100000000000023', '100001');
      expect(after.version).not.toBe(before.version);
      const other = new PolicyRepository(kv.store); // another process: nothing cached
      expect((await other.byVersionId(before.version))?.nodes.smsCode.codeLength).toBe(6);
      expect((await other.byVersionId(after.version))?.nodes.smsCode.codeLength).toBe(8);
    });

    it('refuses a save made against another version (If-Match)', async () => {
      await policies.patchPolicy(global('100005'), { sessionTtlSeconds: 300 }, as('alice'));
      await expect(policies.patchPolicy(global('100005'), { sessionTtlSeconds: 200 }, { author: 'bob', expectedNumber: 0 })).rejects.toEqual(
        new PolicyConflict(0, 1),
      );
      expect((await policies.patchPolicy(global('100005'), { sessionTtlSeconds: 200 }, { author: 'bob', expectedNumber: 1 })).state.number).toBe(2);
    });

    it('concurrent changes each get their own version, and the materialized policies end up matching the documents', async () => {
      const schemes = ['FA100000000000031', 'FA100000000000032', 'FA100000000000033'];
      await Promise.all(schemes.map((code) => policies.effectivePolicy(code, '100001')));
      const lengths = [4, 5, 6, 7, 8, 4, 5, 6];
      await Promise.all([
        ...lengths.map((codeLength, i) => policies.patchPolicy(global(), { sessionTtlSeconds: 100 + i, nodes: { smsCode: { codeLength } } }, as(`a${i}`))),
        ...schemes.map((code, i) => policies.setInheritance(code, '100001', i % 2 === 0, as('b'))),
        policies.setInheritance(schemes[1]!, '100001', true, as('c')),
      ]);
      const versions = await policies.versions(global());
      expect(versions.map((v) => v.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const globalPolicy = (await policies.state(global())).policy;
      expect(globalPolicy.sessionTtlSeconds).toBe(100 + Number(versions.at(-1)!.author.slice(1)));
      const fresh = new PolicyRepository(kv.store);
      for (const code of schemes) {
        const state = await policies.state(scheme(code));
        expect((await fresh.effectivePolicy(code, '100001')).policy).toEqual(state.policy);
        if (state.inherit) expect(state.policy).toEqual(globalPolicy);
      }
    });
  });

  describe('restore defaults', () => {
    it('puts one node back to the built-in default, or the whole policy', async () => {
      await policies.patchPolicy(
        global('100003'),
        { sessionTtlSeconds: 120, nodes: { smsCode: { codeLength: 8 }, captcha: { enabled: true, maxTries: 5 } } },
        as('a'),
      );
      const node = await policies.restoreDefaults(global('100003'), 'smsCode', as('b'));
      expect(node.state.policy.nodes.smsCode).toEqual(defaultPolicy('100003').nodes.smsCode);
      expect(node.state.policy.nodes.captcha).toMatchObject({ enabled: true, maxTries: 5 });
      expect(node.state.policy.sessionTtlSeconds).toBe(120);
      expect((await policies.versions(global('100003')))[1]).toMatchObject({
        change: 'restoreDefaults',
        node: 'smsCode',
        diff: [{ path: 'nodes.smsCode.codeLength', from: 8, to: 6 }],
      });

      const whole = await policies.restoreDefaults(global('100003'), undefined, as('b'));
      expect(whole.state).toMatchObject({ number: 3, isDefault: true, policy: defaultPolicy('100003') });
      expect((await policies.effectivePolicy('FA100000000000041', '100003')).policy).toEqual(defaultPolicy('100003'));
    });

    it('restores a scheme’s own node to the built-in default, and refuses nodes the scene does not have', async () => {
      await policies.patchPolicy(global('100005'), { nodes: { smsCode: { codeLength: 4 } } }, as('a'));
      const ref = scheme('FA100000000000042', '100005');
      await policies.setInheritance('FA100000000000042', '100005', false, as('b')); // copy: codeLength 4
      await policies.patchPolicy(ref, { nodes: { uplinkSms: { validitySeconds: 100 } } }, as('b'));
      const restored = await policies.restoreDefaults(ref, 'smsCode', as('b'));
      expect(restored.state.policy.nodes.smsCode.codeLength).toBe(6);
      expect(restored.state.policy.nodes.uplinkSms.validitySeconds).toBe(100);
      const refused = await policies.restoreDefaults(ref, 'phoneRisk', as('b')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PolicyRejected);
      expect((refused as PolicyRejected).errors).toEqual([expect.objectContaining({ code: 'NODE_NOT_IN_SCENE', node: 'phoneRisk' })]);
    });
  });

  describe('validation on save', () => {
    it('names the node and setting of every error; nothing is saved', async () => {
      const rejected = (await policies
        .patchPolicy(global(), { nodes: { smsCode: { codeLength: 12 }, fooNode: {}, captcha: { colour: 'red' } } }, as('a'))
        .catch((e: unknown) => e)) as PolicyRejected;
      expect(rejected).toBeInstanceOf(PolicyRejected);
      expect(rejected.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'UNKNOWN_NODE', node: 'fooNode' }),
          expect.objectContaining({ code: 'UNKNOWN_SETTING', node: 'captcha', setting: 'colour' }),
        ]),
      );
      expect(await policies.versions(global())).toEqual([]);
      const schema = (await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 12 } } }, as('a')).catch((e: unknown) => e)) as PolicyRejected;
      expect(schema.errors).toEqual([expect.objectContaining({ code: 'INVALID_SETTING', node: 'smsCode', setting: 'codeLength' })]);
    });

    it('refuses a change to a node the scene does not offer, naming it', async () => {
      const patch = (await policies
        .patchPolicy(global('100005'), { nodes: { phoneRisk: { threshold: 50 } } }, as('a'))
        .catch((e: unknown) => e)) as PolicyRejected;
      expect(patch.errors).toEqual([expect.objectContaining({ code: 'NODE_NOT_IN_SCENE', node: 'phoneRisk', message: expect.stringContaining('phoneRisk') })]);
      const full = defaultPolicy('100004');
      full.nodes.numberAuth.fallbackAfterSeconds = 10;
      const put = (await policies.savePolicy(global('100004'), full, as('a')).catch((e: unknown) => e)) as PolicyRejected;
      expect(put.errors).toEqual([expect.objectContaining({ code: 'NODE_NOT_IN_SCENE', node: 'numberAuth' })]);
    });

    it('runs the validate hook before every console save: its errors refuse the save, its warnings come back', async () => {
      const seen: unknown[] = [];
      const validate: PolicyValidator = (input) => {
        seen.push(input);
        const base = schemaValidation(input);
        const policy = input as Policy;
        const warnings = policy.nodes.smsCode.codeLength < 6 ? [{ code: 'SHORT_CODE', node: 'smsCode', setting: 'codeLength', message: 'short' }] : [];
        const errors = policy.nodes.smsCode.maxWrongTries > 10 ? [{ code: 'TOO_MANY_TRIES', node: 'smsCode', setting: 'maxWrongTries', message: 'no' }] : [];
        return { ok: base.ok && errors.length === 0, errors: [...base.errors, ...errors], warnings };
      };
      const checked = new PolicyRepository(kv.store, { clock: () => time, validate });
      const saved = await checked.patchPolicy(global(), { nodes: { smsCode: { codeLength: 4 } } }, as('a'));
      expect(saved.warnings).toEqual([expect.objectContaining({ code: 'SHORT_CODE' })]);
      const refused = (await checked.patchPolicy(global(), { nodes: { smsCode: { maxWrongTries: 15 } } }, as('a')).catch((e: unknown) => e)) as PolicyRejected;
      expect(refused).toBeInstanceOf(PolicyRejected);
      expect(refused.errors).toEqual([expect.objectContaining({ code: 'TOO_MANY_TRIES', node: 'smsCode', setting: 'maxWrongTries' })]);
      expect(refused.warnings).toEqual([expect.objectContaining({ code: 'SHORT_CODE' })]);
      expect(seen).toHaveLength(2);
      // The programmatic setters check the schema only.
      const lax = defaultPolicy('100001');
      lax.nodes.smsCode.maxWrongTries = 15;
      await checked.setGlobalPolicy(lax);
      expect(seen).toHaveLength(2);
    });
  });

  describe('the effective policy of a scheme and scene', () => {
    it('resolves in one store read, also after global and scheme changes', async () => {
      await policies.effectivePolicy('FA100000000000051', '100001'); // the first read materializes the scheme's record
      await policies.effectivePolicy('FA100000000000052', '100001');
      await policies.patchPolicy(global(), { nodes: { smsCode: { codeLength: 7 } } }, as('a'));
      await policies.setInheritance('FA100000000000052', '100001', false, as('b'));
      await policies.patchPolicy(scheme('FA100000000000052'), { nodes: { smsCode: { codeLength: 5 } } }, as('b'));

      for (const [code, length] of [
        ['FA100000000000051', 7],
        ['FA100000000000052', 5],
      ] as const) {
        const fresh = new PolicyRepository(kv.store); // nothing cached in the process
        kv.calls.length = 0;
        const resolved = await fresh.effectivePolicy(code, '100001');
        expect(resolved.policy.nodes.smsCode.codeLength).toBe(length);
        expect(kv.calls).toEqual(['get']);
      }
    });

    it('follows a changed built-in default when no global policy was saved', async () => {
      await policies.effectivePolicy('FA100000000000053', '100001');
      const stale = defaultPolicy('100001');
      stale.nodes.smsCode.codeLength = 4; // what an older release had as its default
      await kv.store.set(
        'policy:effective:FA100000000000053:100001',
        JSON.stringify({ policy: stale, version: policyVersionOf(stale), stamp: [0, 0], inherit: true, fromDefault: true }),
      );
      expect((await policies.effectivePolicy('FA100000000000053', '100001')).policy).toEqual(defaultPolicy('100001'));
    });
  });
});
