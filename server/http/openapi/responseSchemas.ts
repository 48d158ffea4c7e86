import { z } from 'zod';
import type { Carrier } from '../../../adapters/carrier/carrierGateway.js';
import type { IssuedCarrierToken } from '../../../adapters/carrier/simulatorCarrier.js';
import { platforms, policySchema, sceneCodes, type FailureReason, type NextAction, type SessionStatus } from '../../../machines/index.js';
import type { AccessKey } from '../../accessKeys/accessKeyRepository.js';
import type { PolicyChange } from '../../policies/policyRepository.js';
import type { ImportResult } from '../../policyAsCode/importConfig.js';
import { schemeFieldsSchema, type Scheme } from '../../schemes/schemeSchema.js';
import { webhookEventTypes } from '../../webhooks/webhookEvent.js';
import type { Webhook, WebhookAttempt } from '../../webhooks/webhookRepository.js';
import type { SessionView } from '../sessionView.js';

/**
 * The shapes the server answers with, as zod schemas, for the OpenAPI document. The request
 * schemas are the ones the routes validate with (imported from the route files); these are
 * written next to the code that builds each answer, and the type checks at the end of this
 * file keep the ones that have a TypeScript type in step with it.
 */

/** The server writes times with `toISOString()`; documented by format rather than zod's long ISO pattern. */
export const isoTime = z.string().meta({ format: 'date-time', description: 'ISO 8601 date-time' });
const epochMs = z.number().int().describe('epoch milliseconds');
const sceneCode = z.enum(sceneCodes);

// ---- errors ----

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().describe('stable machine-readable code, e.g. VALIDATION_FAILED, SESSION_NOT_FOUND'),
    message: z.string().describe('human text; never a stack trace'),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('extra facts of some errors, e.g. `issues` of VALIDATION_FAILED or `resendAvailableAt` of RESEND_TOO_EARLY'),
  }),
});

// ---- replays ----

const replayStepSchema = z.looseObject({
  version: z.number().int(),
  eventType: z.string().nullable().describe('null for an effect entry'),
  recordedState: z.unknown(),
});
export const replayReportSchema = z
  .looseObject({
    mode: z.enum(['replay', 'whatIf']),
    policyVersion: z.string().describe('the policy version the session ran'),
    candidateVersion: z.string().optional().describe('whatIf: the policy version (or `draft:<hash>`) replayed against'),
    steps: z.array(replayStepSchema),
  })
  .describe(
    "replay: `matches` and per step the recorded and the replayed state; whatIf: `firstDivergence`, the candidate's final state and status, per step the candidate's state or why it did not take the event",
  );

export const policyImpactSchema = z.object({
  scope: z.enum(['global', 'scheme']),
  schemeCode: z.string().optional(),
  sceneCode,
  candidateVersion: z.string().describe('the policy version measured, or `draft:<hash>`'),
  sessions: z.number().int().describe('finished sessions replayed'),
  sameWay: z.number().int().describe('…that would have taken every step the same way'),
  diverged: z.number().int().describe('…that would have gone another way somewhere'),
  unreadable: z.number().int().describe('logs that could not be replayed'),
  outcomes: z
    .array(z.object({ recorded: z.string(), candidate: z.string(), count: z.number().int() }))
    .describe('how they ended, and how they would have ended'),
  examples: z
    .array(z.looseObject({ sessionId: z.string(), recordedStatus: z.string(), candidateStatus: z.string() }))
    .describe('sessions whose outcome would change (at most 20)'),
});

const coverageCountSchema = z.object({ covered: z.number().int(), total: z.number().int(), missing: z.array(z.string()) });
export const testPathsSchema = z.object({
  policyVersion: z.string(),
  sceneCode,
  platform: z.string(),
  input: z.record(z.string(), z.unknown()).describe('the session input every path starts with'),
  initialState: z.string(),
  paths: z.array(
    z.object({
      description: z.string(),
      target: z.string(),
      steps: z.array(
        z.object({
          event: z.looseObject({ type: z.string() }),
          source: z.enum(['client', 'adapter', 'timer']),
          state: z.string(),
        }),
      ),
    }),
  ),
  coverage: z.object({ states: coverageCountSchema, transitions: coverageCountSchema }),
});

// ---- the vendor-compatible endpoint ----

export const vendorErrorSchema = z.object({
  RequestId: z
    .string()
    .describe('the request id (an upper-case UUID), also in the `x-acs-request-id` header; the `X-Request-Id` in upper case when that is a UUID'),
  Code: z.string().describe("the vendor's error code; the official SDK raises ClientError (4xx), ThrottlingError (Throttling.*) or ServerError (5xx) with it"),
  Message: z.string().describe('human text; never a stack trace'),
});

export const vendorReplySchema = z
  .looseObject({
    RequestId: z.string(),
    Code: z.string().describe('`OK`, or a business outcome such as `isv.TOKEN_INVALID`, `isv.MOBILE_NUMBER_ILLEGAL`, `biz.FREQUENCY`'),
    Message: z.string(),
  })
  .describe(
    "The action's payload in the vendor's PascalCase: `Model`, `GetMobileResultDTO`, `GateVerifyResultDTO`, `GateVerify`, `Data`, `TokenInfo`, `Success`…",
  );

// ---- health ----

export const healthResponseSchema = z.object({ status: z.literal('ok') });
export const readyResponseSchema = z.object({ status: z.literal('ready'), store: z.enum(['memory', 'redis']) });

// ---- app backend ----

export const tokenResponseSchema = z.object({
  authToken: z.string().describe('hand it to the client; it opens sessions of its scheme with `Authorization: Bearer <authToken>`'),
  expiresAt: isoTime,
});

export const verifyResponseSchema = z.object({
  verifyResult: z.enum(['PASS', 'UNKNOWN']).describe('this server answers PASS; an unknown, used or expired token is 404 VERIFY_TOKEN_INVALID'),
  phoneNumber: z.string(),
  phoneScore: z.number().optional(),
  sceneCode,
  schemeCode: z.string(),
  method: z.string().describe('how the number was proven, e.g. numberAuth, smsCode, uplinkSms'),
});

// ---- the H5 demo's app backend ----

export const demoAuthTokenResponseSchema = tokenResponseSchema.extend({ schemeCode: z.string(), schemeName: z.string() });
export const demoVerifyResponseSchema = verifyResponseSchema.extend({});

export const getMobileResponseSchema = z.object({ phoneNumber: z.string(), outId: z.string().optional() });
export const verifyMobileResponseSchema = z.object({ verifyResult: z.enum(['PASS', 'REJECT', 'UNKNOWN']), outId: z.string().optional() });
export const sendCodeResponseSchema = z.object({
  bizId: z.string(),
  expiresAt: isoTime,
  resendAvailableAt: isoTime,
  outId: z.string().optional(),
  verifyCode: z.string().optional().describe('only with `returnVerifyCode: true`'),
});
export const checkCodeResponseSchema = z.object({
  verifyResult: z.enum(['PASS', 'UNKNOWN']),
  reason: z.enum(['WRONG', 'EXPIRED', 'LOCKED']).optional().describe('why a check failed; EXPIRED also for a code that was never sent'),
});

// ---- client sessions ----

export const nextActionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('numberAuth'), fallbackAt: isoTime.optional() }),
    z.object({ type: z.literal('middleDigits'), maskedPhoneNumber: z.string(), triesLeft: z.number().int() }),
    z.object({ type: z.literal('enterPhone') }),
    z.object({
      type: z.literal('smsCode'),
      phoneNumber: z.string().describe('masked, e.g. 138****5678'),
      codeLength: z.number().int(),
      resendAvailableAt: isoTime.nullable().describe('when RESEND_SMS is taken; null when no send is left'),
      codeExpiresAt: isoTime.nullable().describe('when the code sent last expires; null before a send or once it has expired'),
      lastResult: z.string().nullable().describe('the result of the last code sent in, e.g. WRONG, EXPIRED, LOCKED'),
      sendsLeft: z.number().int(),
    }),
    z.object({ type: z.literal('uplinkSms'), code: z.string(), receivingNumber: z.string(), expiresAt: isoTime }),
    z.object({
      type: z.literal('captcha'),
      challenge: z.record(z.string(), z.unknown()).describe('an ALTCHA proof-of-work challenge; answer with CAPTCHA_SOLUTION {solution}'),
    }),
    z.object({ type: z.literal('wait') }),
    z.object({ type: z.literal('none') }),
  ])
  .describe('what the client should do next');

export const sessionStatuses = ['pending', 'verified', 'failed', 'expired'] as const satisfies readonly SessionStatus[];
export const failureReasons = [
  'blocked',
  'cancelled',
  'carrier_error',
  'too_many_wrong_codes',
  'sms_sends_exhausted',
  'sms_unavailable',
  'uplink_timeout',
  'captcha_failed',
  'no_proof_available',
] as const satisfies readonly FailureReason[];

export const sessionViewSchema = z.object({
  id: z.string(),
  sceneCode: z.string(),
  schemeCode: z.string(),
  status: z.enum(sessionStatuses),
  state: z.string().describe('the statechart state, dotted: proveNumber.sms.awaitingCode'),
  nextAction: nextActionSchema,
  expiresAt: isoTime,
  verifyToken: z.string().optional().describe('only on a verified session; the app backend exchanges it once'),
  version: z.number().int().describe('increases with every accepted step'),
  failureReason: z.enum(failureReasons).optional().describe('only on a failed session'),
});

// ---- operator: schemes, access keys, sessions ----

export const schemeSchema = schemeFieldsSchema.extend({
  code: z.string(),
  enabled: z.boolean().describe('false: disabled; it issues no auth tokens, and its auth tokens are refused (403 SCHEME_DISABLED)'),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const schemeListSchema = z.object({ schemes: z.array(schemeSchema) });

export const accessKeySchema = z.object({
  id: z.string(),
  enabled: z.boolean(),
  description: z.string().optional(),
  manageSchemes: z.boolean().describe('may call the scheme actions of the vendor-compatible endpoint (CreateSchemeConfig and friends)'),
  createdAt: isoTime,
});
export const accessKeyListSchema = z.object({ accessKeys: z.array(accessKeySchema) });
export const createdAccessKeySchema = accessKeySchema.extend({ secret: z.string().describe('shown this once and never again') });

const tracedField = z
  .boolean()
  .describe("false: the session started while its scene's Logging switch was off, so it keeps no trace (its trace views answer 403 SESSION_LOGGING_OFF)");
export const adminSessionListSchema = z.object({ sessions: z.array(sessionViewSchema.extend({ createdAt: isoTime, traced: tracedField })) });

const timerEntrySchema = z.object({ event: z.object({ type: z.string() }), dueAt: epochMs });
export const adminSessionDetailSchema = sessionViewSchema.extend({
  policyVersion: z.string(),
  machineId: z.string(),
  context: z.record(z.string(), z.unknown()).describe("the machine's context"),
  timers: z.record(z.string(), timerEntrySchema).describe('durable `after:` timers by XState send id'),
  pending: z.array(z.object({ id: z.string(), type: z.string() })).describe('the outbox: actions not yet carried out'),
  traced: tracedField,
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const sessionTraceSchema = z.object({
  sessionId: z.string(),
  entries: z.array(
    z.object({
      version: z.number().int(),
      at: isoTime,
      kind: z.enum(['init', 'event', 'effect']),
      payload: z.record(z.string(), z.unknown()).describe('the event as the machine saw it, secrets redacted; for init, the machine input'),
      state: z.string().describe('the state after this entry, dotted'),
    }),
  ),
});

// ---- operator: webhooks ----

const webhookFields = {
  url: z.string(),
  enabled: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  previousSecretExpiresAt: isoTime.optional().describe('while a rotated-out secret still signs deliveries'),
};
export const webhookSchema = z.object({
  ...webhookFields,
  secret: z.string().optional().describe('the signing secret, only in the answer that set it'),
});
export const webhookAttemptSchema = z.object({
  eventId: z.string(),
  type: z.enum(webhookEventTypes),
  attempt: z.number().int(),
  ok: z.boolean(),
  httpStatus: z.number().int().optional(),
  error: z.string().optional(),
  durationMs: z.number(),
  at: isoTime,
  final: z.boolean().optional(),
});
export const webhookStatusSchema = z.object({
  ...webhookFields,
  deliveryStatus: z.enum(['none', 'ok', 'failing']),
  recentAttempts: z.array(webhookAttemptSchema),
});

// ---- operator: policies ----

const policyChanges = ['update', 'restoreDefaults', 'rollback', 'inherit', 'override'] as const satisfies readonly PolicyChange[];
const policyRefFields = {
  scope: z.enum(['global', 'scheme']),
  schemeCode: z.string().optional().describe('scheme documents only'),
  sceneCode,
};
export const policySummarySchema = z.object({
  ...policyRefFields,
  sceneName: z.string(),
  inherit: z.boolean().optional().describe('scheme documents: whether the scheme uses the global policy'),
  version: z.number().int().describe('the document version, 0 while never changed'),
  policyVersion: z.string().describe('content hash of the policy in effect'),
  isDefault: z.boolean(),
  updatedAt: isoTime.nullable(),
  updatedBy: z.string().nullable(),
});
export const globalPolicyListSchema = z.object({ policies: z.array(policySummarySchema.extend({ logging: z.boolean() })) });
export const schemePolicyListSchema = z.object({ schemeCode: z.string(), policies: z.array(policySummarySchema) });

const policyViewFields = {
  ...policySummarySchema.shape,
  allowedNodes: z.array(z.string()),
  lastChange: z.enum(policyChanges).nullable(),
  globalVersion: z.number().int().optional().describe('an inheriting scheme: the global version it uses'),
  policy: policySchema,
  logging: z.boolean().optional().describe('global documents: whether sessions of the scene are logged'),
};
export const policyViewSchema = z.object(policyViewFields);

export const policyIssueSchema = z.object({ code: z.string(), node: z.string(), setting: z.string().optional(), message: z.string() });
export const savedPolicySchema = z.object({
  ...policyViewFields,
  changed: z.boolean().describe('false when the save changed nothing (no version was made)'),
  warnings: z.array(policyIssueSchema),
});

const policyVersionEntryFields = {
  version: z.number().int(),
  policyVersion: z.string(),
  inherit: z.boolean().optional(),
  author: z.string(),
  at: isoTime,
  change: z.enum(policyChanges),
  node: z.string().optional().describe('restoreDefaults of one node'),
  rolledBackTo: z.number().int().optional(),
  diff: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
};
export const policyVersionListSchema = z.object({ ...policyRefFields, versions: z.array(z.object(policyVersionEntryFields)) });
export const policyVersionSchema = z.object({ ...policyRefFields, ...policyVersionEntryFields, policy: policySchema });

export const policyLoggingSchema = z.object({ sceneCode, enabled: z.boolean(), updatedAt: isoTime.nullable(), updatedBy: z.string().nullable() });

// ---- operator: policy as code ----

const policyDiffEntrySchema = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });
const configIssueSchema = z.object({ path: z.string().describe('a dotted path into the document'), message: z.string(), code: z.string().optional() });
export const importResultSchema = z.object({
  dryRun: z.boolean(),
  prune: z.boolean(),
  applied: z.boolean().describe('whether the changes were written (false for a dry run)'),
  changes: z.array(
    z.object({
      kind: z.enum(['scheme', 'globalPolicy', 'schemePolicy', 'logging']),
      action: z.enum(['add', 'change', 'remove']),
      key: z.string().describe('the scheme code, the scene code, or `<scheme>/<scene>`'),
      diff: z.array(policyDiffEntrySchema).optional(),
    }),
  ),
  summary: z.object({ add: z.number().int(), change: z.number().int(), remove: z.number().int(), unchanged: z.number().int() }),
  warnings: z.array(configIssueSchema).describe('warnings of the policy checks'),
});

// ---- simulator ----

export const codeCheckLockSchema = z.object({
  phoneNumber: z.string().describe('the number, normalized'),
  locked: z.boolean().describe('whether SMS code checks of the number are refused now (429 with Retry-After)'),
  retryAfterSeconds: z.number().int().min(0).describe('seconds until the lock ends; 0 when not locked'),
  checksLeft: z.number().int().min(0).describe('code checks the number has before it is locked (again)'),
  locks: z.number().int().min(0).describe('times its checks ran out within the remembered 7 days'),
  nextLockSeconds: z.number().int().min(1).describe('how long the next lock will last'),
});

export const simulatorCarrierTokenSchema = z.object({
  accessToken: z.string(),
  carrier: z.enum(['mobile', 'unicom', 'telecom']),
  expiresIn: z.number().int().describe('seconds'),
});
export const simulatorSmsListSchema = z.object({ messages: z.array(z.object({ to: z.string(), text: z.string(), sentAt: isoTime })) });
export const simulatorUplinkAcceptedSchema = z.object({ accepted: z.literal(true) });

// ---- these schemas describe what the code builds: keep them in step with its types ----

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
export type ResponseSchemasMatchTheCode = [
  Check<Same<z.infer<typeof nextActionSchema>, NextAction>>,
  Check<Same<Omit<z.infer<typeof sessionViewSchema>, 'failureReason'>, Omit<SessionView, 'failureReason'>>>,
  Check<Same<(typeof failureReasons)[number], FailureReason>>,
  Check<Same<(typeof sessionStatuses)[number], SessionStatus>>,
  Check<Same<(typeof policyChanges)[number], PolicyChange>>,
  Check<Same<z.infer<typeof schemeSchema>, Omit<Scheme, 'platform'> & { platform: (typeof platforms)[number] }>>,
  Check<Same<z.infer<typeof accessKeySchema>, AccessKey>>,
  Check<Same<z.infer<typeof webhookAttemptSchema>, WebhookAttempt>>,
  Check<Same<Omit<z.infer<typeof webhookSchema>, 'secret'>, Omit<Webhook, 'schemeCode'>>>,
  Check<Same<z.infer<typeof simulatorCarrierTokenSchema>, IssuedCarrierToken>>,
  Check<Same<z.infer<typeof simulatorCarrierTokenSchema>['carrier'], Carrier>>,
  Check<Same<z.infer<typeof importResultSchema>, ImportResult>>,
];
