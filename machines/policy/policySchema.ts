import { z } from 'zod';
import { sceneCodes, scenes, type PolicyNodeName } from './scenes.js';
import { signNameSchema, templateCodeSchema } from './smsNames.js';

/** A frequency rule: more than `maxCount` events per `dimension` within `windowSeconds` counts as a hit. Rules are OR-ed. */
export const frequencyRuleSchema = z.object({
  dimension: z.enum(['ip', 'device', 'scheme', 'phoneNumber', 'phonePrefix']),
  windowSeconds: z.number().int().min(1).max(86_400),
  maxCount: z.number().int().min(1).max(1_000_000),
});

/** Where a risky session or number goes. */
export const riskRouteSchema = z.enum(['captcha', 'uplinkSms', 'block']);

export const endpointRiskSchema = z.object({
  enabled: z.boolean(),
  /** Scores above the threshold are risky (0 safe … 100 risky). */
  threshold: z.number().int().min(0).max(100),
  rules: z.array(frequencyRuleSchema).max(5),
  onRisk: riskRouteSchema,
});

export const phoneRiskSchema = z.object({
  enabled: z.boolean(),
  threshold: z.number().int().min(0).max(100),
  /** At most one SMS per number within this many seconds, across sessions. */
  sendIntervalSeconds: z.number().int().min(0).max(86_400),
  rules: z.array(frequencyRuleSchema).max(5),
  onRisk: riskRouteSchema,
  /**
   * A SIM swap within this many hours (CAMARA SIM Swap's `maxAge`, 1–2400) takes the risky route,
   * whatever the score. Unset: no SIM swap check. Needs the operator's SIM Swap API configured.
   */
  simSwapMaxAgeHours: z.number().int().min(1).max(2400).optional(),
});

export const numberAuthSchema = z.object({
  enabled: z.boolean(),
  /**
   * `oneClick` (GetMobile) learns the number; `numberCheck` (VerifyMobile) checks the bound
   * number. In scenes that know the number only the check makes sense.
   */
  mode: z.enum(['oneClick', 'numberCheck']),
  /** Fall back to SMS when no carrier token arrives within this many seconds. */
  fallbackAfterSeconds: z.number().int().min(1).max(600),
  /** Where a carrier error or timeout goes. */
  onCarrierError: z.enum(['sms', 'uplinkSms', 'fail']),
  /** H5 one-click: the user confirms the middle four digits of the masked number. */
  h5MiddleDigits: z.boolean(),
  maxMiddleDigitTries: z.number().int().min(1).max(5),
});

export const smsCodeSchema = z.object({
  enabled: z.boolean(),
  codeLength: z.number().int().min(4).max(8),
  codeType: z.enum(['digits', 'upper', 'lower', 'mixedCase', 'digitsUpper', 'digitsLower', 'any']),
  validitySeconds: z.number().int().min(5).max(3_600),
  resendIntervalSeconds: z.number().int().min(0).max(3_600),
  maxWrongTries: z.number().int().min(1).max(20),
  maxSends: z.number().int().min(1).max(10),
  /** The SMS signature of the message (one of the console's signatures); unset: the complimentary one. */
  signName: signNameSchema.optional(),
  /** The SMS template of the message (one of the console's templates); unset: the complimentary template of the scene. */
  templateCode: templateCodeSchema.optional(),
});

export const uplinkSmsSchema = z.object({
  enabled: z.boolean(),
  /** The number the user sends the code to. */
  receivingNumber: z.string().regex(/^\+?\d{5,20}$/),
  validitySeconds: z.number().int().min(5).max(3_600),
});

export const captchaSchema = z.object({
  enabled: z.boolean(),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  maxTries: z.number().int().min(1).max(10),
});

export const scoringSchema = z.object({ enabled: z.boolean() });

export const policyNodesSchema = z.object({
  endpointRisk: endpointRiskSchema,
  phoneRisk: phoneRiskSchema,
  numberAuth: numberAuthSchema,
  smsCode: smsCodeSchema,
  uplinkSms: uplinkSmsSchema,
  captcha: captchaSchema,
  scoring: scoringSchema,
});

export const policySchema = z
  .object({
    sceneCode: z.enum(sceneCodes),
    /** How long a session of this policy may take before it expires. */
    sessionTtlSeconds: z.number().int().min(10).max(3_600),
    nodes: policyNodesSchema,
  })
  .superRefine((policy, ctx) => {
    const scene = scenes[policy.sceneCode];
    for (const [name, node] of Object.entries(policy.nodes) as [PolicyNodeName, { enabled: boolean }][]) {
      if (node.enabled && !scene.allowedNodes.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', name, 'enabled'],
          message: `node ${name} is not available in scene ${policy.sceneCode} (${scene.name})`,
        });
      }
    }
    const knowsNumber = scene.phases[0] === 'bound';
    if (policy.nodes.numberAuth.enabled && knowsNumber && policy.nodes.numberAuth.mode !== 'numberCheck') {
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', 'numberAuth', 'mode'],
        message: `scene ${policy.sceneCode} proves a known number: number auth must use mode numberCheck`,
      });
    }
    if (policy.nodes.numberAuth.enabled && !knowsNumber && policy.nodes.numberAuth.mode !== 'oneClick') {
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', 'numberAuth', 'mode'],
        message: `scene ${policy.sceneCode} learns the number: number auth must use mode oneClick`,
      });
    }
    if (!policy.nodes.smsCode.enabled && !policy.nodes.numberAuth.enabled && !policy.nodes.uplinkSms.enabled) {
      ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'at least one proof of possession (number auth, SMS code or uplink SMS) must be on' });
    }
  });

export type FrequencyRule = z.infer<typeof frequencyRuleSchema>;
export type RiskRoute = z.infer<typeof riskRouteSchema>;
export type Policy = z.infer<typeof policySchema>;
export type PolicyNodes = z.infer<typeof policyNodesSchema>;
