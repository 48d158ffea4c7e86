import { defaultPolicy, policySchema, type Policy, type SceneCode } from '../../machines/index.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import { policyVersionOf } from './policyVersion.js';

export interface ResolvedPolicy {
  policy: Policy;
  version: string;
}

/**
 * Where a session's policy comes from: the scheme's own policy for the scene if it has one,
 * else the global policy of the scene, else the built-in default. Every policy a session
 * uses is also kept by version, immutable, so a session in flight can always rebuild its machine.
 */
export class PolicyRepository {
  private readonly byVersion = new Map<string, Policy>();

  constructor(private readonly kv: KeyValueStore) {}

  async effectivePolicy(schemeCode: string, sceneCode: SceneCode): Promise<ResolvedPolicy> {
    const raw = (await this.kv.get(schemePolicyKey(schemeCode, sceneCode))) ?? (await this.kv.get(globalPolicyKey(sceneCode)));
    const policy = raw ? policySchema.parse(JSON.parse(raw)) : defaultPolicy(sceneCode);
    const version = policyVersionOf(policy);
    if (!this.byVersion.has(version)) {
      await this.kv.set(versionKey(version), JSON.stringify(policy), { onlyIfAbsent: true });
      this.byVersion.set(version, policy);
    }
    return { policy, version };
  }

  async byVersionId(version: string): Promise<Policy | null> {
    const cached = this.byVersion.get(version);
    if (cached) return cached;
    const raw = await this.kv.get(versionKey(version));
    if (!raw) return null;
    const policy = policySchema.parse(JSON.parse(raw));
    this.byVersion.set(version, policy);
    return policy;
  }

  async setGlobalPolicy(policy: Policy): Promise<void> {
    await this.kv.set(globalPolicyKey(policy.sceneCode), JSON.stringify(policySchema.parse(policy)));
  }

  async setSchemePolicy(schemeCode: string, policy: Policy | null, sceneCode: SceneCode): Promise<void> {
    if (policy === null) await this.kv.del(schemePolicyKey(schemeCode, sceneCode));
    else await this.kv.set(schemePolicyKey(schemeCode, sceneCode), JSON.stringify(policySchema.parse(policy)));
  }
}

const globalPolicyKey = (sceneCode: string) => `policy:global:${sceneCode}`;
const schemePolicyKey = (schemeCode: string, sceneCode: string) => `policy:scheme:${schemeCode}:${sceneCode}`;
const versionKey = (version: string) => `policy:version:${version}`;
