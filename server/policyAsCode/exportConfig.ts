import { sceneCodes } from '../../machines/index.js';
import type { PolicyRepository } from '../policies/policyRepository.js';
import type { SchemeRepository } from '../schemes/schemeRepository.js';
import { configApiVersion, configKind, policyBodyOf, schemeEntryOf, type ConfigDocument } from './configDocument.js';

export interface ConfigSources {
  schemes: SchemeRepository;
  policies: PolicyRepository;
}

const schemeBatch = 20;

/**
 * The store as one document: every scheme, the global policy and logging switch of every scene,
 * and for every scheme and scene whether it inherits or its own policy. Deterministic (see
 * configDocument.ts); no timestamps, versions or secrets.
 */
export async function exportConfig({ schemes, policies }: ConfigSources): Promise<ConfigDocument> {
  const stored = (await schemes.list()).map(schemeEntryOf).sort((a, b) => compareCodes(a.code, b.code));

  const global: ConfigDocument['policies']['global'] = {};
  const globals = await Promise.all(
    sceneCodes.map(async (sceneCode) => {
      const [state, settings] = await Promise.all([policies.state({ scope: 'global', sceneCode }), policies.sceneSettings(sceneCode)]);
      return { logging: settings.logging, policy: policyBodyOf(state.policy) };
    }),
  );
  sceneCodes.forEach((sceneCode, i) => (global[sceneCode] = globals[i]!));

  const schemePolicies: ConfigDocument['policies']['schemes'] = {};
  for (let i = 0; i < stored.length; i += schemeBatch) {
    const batch = stored.slice(i, i + schemeBatch);
    const states = await Promise.all(
      batch.map((scheme) => Promise.all(sceneCodes.map((sceneCode) => policies.state({ scope: 'scheme', schemeCode: scheme.code, sceneCode })))),
    );
    batch.forEach((scheme, j) => {
      const byScene: ConfigDocument['policies']['schemes'][string] = {};
      for (const state of states[j]!) {
        byScene[state.ref.sceneCode] = state.inherit ? { inherit: true } : { inherit: false, policy: policyBodyOf(state.policy) };
      }
      schemePolicies[scheme.code] = byScene;
    });
  }

  return { apiVersion: configApiVersion, kind: configKind, schemes: stored, policies: { global, schemes: schemePolicies } };
}

/** Code order independent of locale. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
