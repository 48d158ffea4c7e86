import { policySchema, type Policy, type PolicyNodes } from './policySchema.js';
import { sceneCodes, scenes, type SceneCode } from './scenes.js';

/** Node defaults; a scene switches off what the vendor does not offer there. */
export const defaultNodeSettings: PolicyNodes = {
  endpointRisk: { enabled: true, threshold: 70, rules: [], onRisk: 'uplinkSms' },
  phoneRisk: { enabled: true, threshold: 70, sendIntervalSeconds: 60, rules: [], onRisk: 'uplinkSms' },
  numberAuth: { enabled: true, mode: 'oneClick', fallbackAfterSeconds: 30, onCarrierError: 'sms', h5MiddleDigits: true, maxMiddleDigitTries: 3 },
  smsCode: { enabled: true, codeLength: 6, codeType: 'digits', validitySeconds: 300, resendIntervalSeconds: 60, maxWrongTries: 5, maxSends: 5 },
  uplinkSms: { enabled: true, receivingNumber: '1069000000001', validitySeconds: 300 },
  captcha: { enabled: false, difficulty: 'medium', maxTries: 3 },
  scoring: { enabled: false },
};

export function defaultPolicy(sceneCode: SceneCode): Policy {
  const scene = scenes[sceneCode];
  const nodes = structuredClone(defaultNodeSettings);
  // The mobile number check in scenes that know the number goes beyond the vendor: off by default.
  if (scene.phases[0] === 'bound') nodes.numberAuth = { ...nodes.numberAuth, enabled: false, mode: 'numberCheck' };
  for (const name of Object.keys(nodes) as (keyof PolicyNodes)[]) {
    if (!scene.allowedNodes.includes(name)) nodes[name].enabled = false;
  }
  return policySchema.parse({ sceneCode, sessionTtlSeconds: 600, nodes });
}

export const defaultPolicies: Record<SceneCode, Policy> = Object.fromEntries(sceneCodes.map((code) => [code, defaultPolicy(code)])) as Record<
  SceneCode,
  Policy
>;
