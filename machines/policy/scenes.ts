/** The vendor's scene ids (templateId in the Fusion-Auth SDK) and what each one proves. */
export const sceneCodes = ['100001', '100002', '100003', '100004', '100005'] as const;
export type SceneCode = (typeof sceneCodes)[number];

export const platforms = ['Android', 'iOS', 'HarmonyOS', 'H5'] as const;
export type Platform = (typeof platforms)[number];

export type PolicyNodeName = 'endpointRisk' | 'phoneRisk' | 'numberAuth' | 'smsCode' | 'uplinkSms' | 'captcha' | 'scoring';

/**
 * Which number each phase of a scene proves:
 * - `user`: a number the session learns (one-click, or entered by the user);
 * - `bound`: the number the app backend gave in the token request;
 * - `new`: a number the user enters (change/bind).
 */
export type ProofPhase = 'user' | 'bound' | 'new';

export interface SceneDefinition {
  code: SceneCode;
  name: string;
  phases: readonly ProofPhase[];
  /** Nodes the vendor's console offers in this scene, plus the mobile number check where the number is known. */
  allowedNodes: readonly PolicyNodeName[];
  /** Whether the app backend must give the user's bound number in the token request. */
  needsBoundPhoneNumber: boolean;
}

const everyScene: readonly PolicyNodeName[] = ['endpointRisk', 'smsCode', 'uplinkSms', 'captcha'];

export const scenes: Record<SceneCode, SceneDefinition> = {
  '100001': {
    code: '100001',
    name: 'One-click logon / registration',
    phases: ['user'],
    allowedNodes: [...everyScene, 'phoneRisk', 'numberAuth', 'scoring'],
    needsBoundPhoneNumber: false,
  },
  '100002': {
    code: '100002',
    name: 'Change phone number',
    phases: ['bound', 'new'],
    allowedNodes: [...everyScene, 'phoneRisk', 'numberAuth'],
    needsBoundPhoneNumber: true,
  },
  '100003': {
    code: '100003',
    name: 'Reset password',
    phases: ['bound'],
    allowedNodes: [...everyScene, 'phoneRisk', 'numberAuth'],
    needsBoundPhoneNumber: true,
  },
  '100004': {
    code: '100004',
    name: 'Bind new phone number',
    phases: ['new'],
    allowedNodes: [...everyScene, 'phoneRisk'],
    needsBoundPhoneNumber: false,
  },
  '100005': {
    code: '100005',
    name: 'Verify bound phone number',
    phases: ['bound'],
    allowedNodes: [...everyScene, 'numberAuth'],
    needsBoundPhoneNumber: true,
  },
};

export function isSceneCode(value: string): value is SceneCode {
  return (sceneCodes as readonly string[]).includes(value);
}
