import { sceneCodes, type Policy } from '../../machines/index.js';
import type { PolicyRef, PolicyRepository } from '../policies/policyRepository.js';
import type { SchemeRepository } from '../schemes/schemeRepository.js';

/**
 * The policy documents whose SMS code node names this signature or template now, as
 * `global policy 100001` or `scheme FA… policy 100002` (inheriting schemes are the global one's).
 * It reads every document: for deletes, not for a request path.
 */
export async function policiesNaming(
  services: { policies: PolicyRepository; schemes: SchemeRepository },
  choice: { signName: string } | { templateCode: string },
): Promise<string[]> {
  const names = (policy: Policy) => {
    const node = policy.nodes.smsCode;
    return 'signName' in choice ? node.signName === choice.signName : node.templateCode === choice.templateCode;
  };
  const schemes = await services.schemes.list();
  const refs: PolicyRef[] = [
    ...sceneCodes.map((sceneCode) => ({ scope: 'global' as const, sceneCode })),
    ...schemes.flatMap((scheme) => sceneCodes.map((sceneCode) => ({ scope: 'scheme' as const, schemeCode: scheme.code, sceneCode }))),
  ];
  const states = await Promise.all(refs.map((ref) => services.policies.state(ref)));
  return states
    .filter((state) => !state.inherit && names(state.policy))
    .map(({ ref }) => (ref.scope === 'global' ? `global policy ${ref.sceneCode}` : `scheme ${ref.schemeCode} policy ${ref.sceneCode}`));
}
