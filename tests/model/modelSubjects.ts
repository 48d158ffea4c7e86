import { defaultPolicy, policySchema, sceneCodes, type Platform, type Policy, type SceneCode } from '../../machines/index.js';
import type { ModelSubject } from '../../machines/testModel/index.js';

/**
 * The policies the model-based tests run: every scene's default policy, and variants that switch
 * on what the defaults leave off, so every policy node and route is exercised somewhere.
 */

/** A policy derived from a scene's default; `change` edits a copy. */
export function policyVariant(sceneCode: SceneCode, change: (nodes: Policy['nodes']) => void): Policy {
  const policy = structuredClone(defaultPolicy(sceneCode));
  change(policy.nodes);
  return policySchema.parse(policy);
}

export interface ModelMachine {
  /** One policy, hence one machine; several platforms may share it. */
  name: string;
  policy: Policy;
  platforms: Platform[];
}

export function subjectsOf(machine: ModelMachine): ModelSubject[] {
  return machine.platforms.map((platform) => ({ name: `${machine.name}-${platform}`, policy: machine.policy, platform }));
}

/** H5 takes the middle-digits path of one-click logon; an app platform skips it. */
const platformsFor = (sceneCode: SceneCode): Platform[] => (sceneCode === '100001' ? ['Android', 'H5'] : ['iOS']);

export const defaultPolicyMachines: ModelMachine[] = sceneCodes.map((sceneCode) => ({
  name: `${sceneCode}-default`,
  policy: defaultPolicy(sceneCode),
  platforms: platformsFor(sceneCode),
}));

export const policyVariantMachines: ModelMachine[] = [
  {
    name: '100001-captcha',
    policy: policyVariant('100001', (nodes) => {
      nodes.captcha.enabled = true;
      nodes.endpointRisk.onRisk = 'captcha';
      nodes.phoneRisk.onRisk = 'captcha';
      nodes.scoring.enabled = true;
    }),
    platforms: ['Android', 'H5'],
  },
  {
    name: '100001-block',
    policy: policyVariant('100001', (nodes) => {
      nodes.endpointRisk.onRisk = 'block';
      nodes.phoneRisk.onRisk = 'block';
    }),
    platforms: ['HarmonyOS', 'H5'],
  },
  {
    name: '100001-carrierErrorUplink',
    policy: policyVariant('100001', (nodes) => {
      nodes.numberAuth.onCarrierError = 'uplinkSms';
    }),
    platforms: ['iOS', 'H5'],
  },
  {
    name: '100001-carrierErrorFail',
    policy: policyVariant('100001', (nodes) => {
      nodes.numberAuth.onCarrierError = 'fail';
    }),
    platforms: ['iOS', 'H5'],
  },
  {
    name: '100001-uplinkOnly',
    policy: policyVariant('100001', (nodes) => {
      nodes.smsCode.enabled = false;
    }),
    platforms: ['Android', 'H5'],
  },
  {
    name: '100002-numberCheck-captcha',
    policy: policyVariant('100002', (nodes) => {
      nodes.numberAuth.enabled = true;
      nodes.captcha.enabled = true;
      nodes.phoneRisk.onRisk = 'captcha';
    }),
    platforms: ['Android'],
  },
  {
    name: '100003-numberCheck',
    policy: policyVariant('100003', (nodes) => {
      nodes.numberAuth.enabled = true;
    }),
    platforms: ['Android'],
  },
  {
    name: '100004-captcha',
    policy: policyVariant('100004', (nodes) => {
      nodes.captcha.enabled = true;
      nodes.endpointRisk.onRisk = 'captcha';
      nodes.phoneRisk.onRisk = 'captcha';
    }),
    platforms: ['iOS'],
  },
  {
    name: '100005-numberCheck',
    policy: policyVariant('100005', (nodes) => {
      nodes.numberAuth.enabled = true;
    }),
    platforms: ['H5'],
  },
  {
    name: '100005-numberCheckOnly',
    policy: policyVariant('100005', (nodes) => {
      nodes.numberAuth.enabled = true;
      nodes.smsCode.enabled = false;
      nodes.uplinkSms.enabled = false;
    }),
    platforms: ['Android'],
  },
];
