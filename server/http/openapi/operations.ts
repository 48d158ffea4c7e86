import { z } from 'zod';
import { policyNodesSchema, policySchema, sceneCodes } from '../../../machines/index.js';
import { configDocumentSchema } from '../../policyAsCode/configDocument.js';
import { schemeCodeSchema, schemeInputSchema } from '../../schemes/schemeSchema.js';
import { clientEventSchema } from '../clientEventSchema.js';
import { accessKeyIdSchema, accessKeyRequestSchema, listLimitSchema } from '../routes/adminRoutes.js';
import { tokenRequestSchema, verifyRequestSchema } from '../routes/fusionAuthRoutes.js';
import { checkCodeSchema, getMobileSchema, sendCodeSchema, verifyMobileSchema } from '../routes/plainVerificationRoutes.js';
import { inheritanceSchema, loggingSchema, restoreDefaultsSchema, rollbackSchema, versionNumberSchema } from '../routes/policyRoutes.js';
import { startSessionSchema } from '../routes/sessionRoutes.js';
import { inboundSmsSchema } from '../routes/inboundSmsRoutes.js';
import { phoneListsSchema, phoneListsViewSchema } from '../routes/phoneListRoutes.js';
import { lockPhoneNumberSchema } from '../routes/codeCheckLockRoutes.js';
import { recycledNumberSchema } from '../routes/simulatorRoutes.js';
import { carrierTokenSchema, smsQueryPhoneNumberSchema, uplinkSmsSchema as simulatorUplinkSmsSchema } from '../routes/simulatorRoutes.js';
import { webhookRegistrationSchema } from '../routes/webhookRoutes.js';
import { chartSessionsSchema } from '../routes/policyChartRoutes.js';
import { testPathPlatformSchema } from '../routes/policyTestPathRoutes.js';
import { sessionRecordingSchema } from '../../replay/index.js';
import { chartFormatSchema } from '../routes/sessionInsightRoutes.js';
import { impactRequestSchema, replayRequestSchema } from '../replayCandidate.js';
import { sessionIdPattern } from '../sessionId.js';
import { vendorActions } from '../../vendorApi/vendorActions.js';
import type { Operation, Parameter } from './operationTypes.js';
import { clientModuleOperations, demoOperations } from './demoOperations.js';
import { consoleOperations, consoleTags } from './consoleOperations.js';
import { camaraOperations, camaraTags } from './camaraOperations.js';
import {
  accessKeyListSchema,
  accessKeySchema,
  adminSessionDetailSchema,
  adminSessionListSchema,
  checkCodeResponseSchema,
  codeCheckLockSchema,
  createdAccessKeySchema,
  getMobileResponseSchema,
  globalPolicyListSchema,
  healthResponseSchema,
  importResultSchema,
  policyLoggingSchema,
  policyVersionListSchema,
  policyVersionSchema,
  policyViewSchema,
  readyResponseSchema,
  policyImpactSchema,
  replayReportSchema,
  testPathsSchema,
  savedPolicySchema,
  schemeListSchema,
  schemePolicyListSchema,
  schemeSchema,
  sendCodeResponseSchema,
  sessionTraceSchema,
  sessionViewSchema,
  simulatorCarrierTokenSchema,
  simulatorSmsListSchema,
  simulatorUplinkAcceptedSchema,
  tokenResponseSchema,
  verifyMobileResponseSchema,
  verifyResponseSchema,
  vendorErrorSchema,
  vendorReplySchema,
  webhookSchema,
  webhookStatusSchema,
} from './responseSchemas.js';

/**
 * Every route of the server, once: method, path, who may call it, the zod schemas the route
 * validates its input with (imported from the route files: one source for the server and the
 * document) and what it answers. `openApiDocument.ts` turns this list into OpenAPI 3.1, and
 * tests/openapi checks it against the routes the Express app really has.
 */

// ---- shared parameters ----

const sessionId: Parameter = { schema: z.string().regex(sessionIdPattern), description: 'the session id (a malformed one answers 404 like a missing one)' };
const schemeCode: Parameter = { schema: schemeCodeSchema, description: 'the scheme code, `FA` + digits' };
const accessKeyId: Parameter = { schema: accessKeyIdSchema, description: 'the access key id' };
/** The route checks it with `isSceneCode` over `sceneCodes`: an unknown scene answers 404 SCENE_NOT_FOUND. */
const sceneCode: Parameter = { schema: z.enum(sceneCodes), description: 'the scene: 100001–100005' };
const versionNumber: Parameter = { schema: versionNumberSchema, description: 'a version number of the document, 1, 2, 3…' };

const policySaveHeaders: Record<string, Parameter> = {
  'if-match': {
    schema: z.string(),
    description: 'save only if the document is at this version, e.g. `"3"` (the ETag of a read); otherwise 409 POLICY_VERSION_CONFLICT',
  },
};
const etag = { ETag: 'the document version, e.g. `"3"`: send it back as If-Match to save only over that version' };

/**
 * PATCH bodies are merged into the policy in effect (node settings key by key) and the result is
 * checked with `policySchema` and the static checks: so any part of a policy, every field optional.
 */
const policyNodesPatchSchema = z.strictObject(
  Object.fromEntries(Object.entries(policyNodesSchema.shape).map(([name, node]) => [name, node.partial().optional()])) as Record<string, z.ZodType>,
);
export const policyPatchSchema = z.strictObject({
  sceneCode: policySchema.shape.sceneCode.optional(),
  sessionTtlSeconds: policySchema.shape.sessionTtlSeconds.optional(),
  nodes: policyNodesPatchSchema.optional(),
});

/** The documented webhook body is the development one: production refuses http URLs (only https). */
const webhookRegistration = webhookRegistrationSchema(false);

// ---- the registry ----

const health: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness: the process is up',
    tag: 'health',
    security: 'none',
    storeFree: true,
    success: { status: 200, description: 'the process is up', schema: healthResponseSchema },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: the store answers',
    tag: 'health',
    security: 'none',
    success: { status: 200, description: 'the store answers', schema: readyResponseSchema },
    errors: { 503: ['STORE_UNAVAILABLE'] },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description: 'Open unless the server has a `METRICS_TOKEN`; then `Authorization: Bearer <METRICS_TOKEN>`.',
    tag: 'health',
    security: 'metrics',
    storeFree: true,
    success: { status: 200, description: 'Prometheus text exposition format', contentType: 'text/plain' },
  },
];

const reference: Operation[] = [
  {
    method: 'get',
    path: '/console',
    operationId: 'getConsole',
    summary: 'The console: state charts, sessions live, replays',
    description: 'Pages for product owners and testers, served by this server (no CDN). They read the operator API with the admin token typed into the page.',
    tag: 'reference',
    security: 'none',
    storeFree: true,
    success: { status: 200, description: 'the console page', contentType: 'text/html' },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tag: 'reference',
    security: 'none',
    storeFree: true,
    success: { status: 200, description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'getApiReference',
    summary: 'The API reference page (served by this server, no CDN)',
    tag: 'reference',
    security: 'none',
    storeFree: true,
    success: { status: 200, description: 'an HTML page that renders /openapi.json', contentType: 'text/html' },
  },
];

const fusionAuth: Operation[] = [
  {
    method: 'post',
    path: '/v1/fusion-auth/token',
    operationId: 'getFusionAuthToken',
    summary: 'Get an auth token for a client (GetFusionAuthToken)',
    description:
      "The app backend asks for a short-lived auth token and hands it to its client. The platform identity must match the scheme's. `phoneNumber` is the user's bound number, for the scenes that check one (100002, 100003, 100005); it is sealed in the token.",
    tag: 'fusion-auth',
    security: 'appBackend',
    rateLimited: true,
    body: { schema: tokenRequestSchema },
    success: { status: 200, description: 'the auth token', schema: tokenResponseSchema },
    errors: { 400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'], 403: ['APP_IDENTITY_MISMATCH', 'SCHEME_DISABLED'], 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'post',
    path: '/v1/fusion-auth/verify',
    operationId: 'verifyWithFusionAuthToken',
    summary: 'Exchange a verify token for the number (VerifyWithFusionAuthToken)',
    description: 'Single use: a used, unknown or expired verify token answers 404 VERIFY_TOKEN_INVALID.',
    tag: 'fusion-auth',
    security: 'appBackend',
    rateLimited: true,
    body: { schema: verifyRequestSchema },
    success: { status: 200, description: 'the verified number and how it was proven', schema: verifyResponseSchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['VERIFY_TOKEN_INVALID'] },
  },
];

const carrierErrors = { 400: ['VALIDATION_FAILED', 'CARRIER_TOKEN_INVALID', 'CARRIER_NOT_MATCH'], 502: ['CARRIER_ERROR'], 504: ['CARRIER_TIMEOUT'] } as const;
const plainVerification: Operation[] = [
  {
    method: 'post',
    path: '/v1/number-verification/get-mobile',
    operationId: 'getMobile',
    summary: 'One-click: a carrier token for its number (GetMobile)',
    description: 'A carrier token is single use.',
    tag: 'plain-verification',
    security: 'appBackend',
    rateLimited: true,
    body: { schema: getMobileSchema },
    success: { status: 200, description: 'the number the carrier token belongs to', schema: getMobileResponseSchema },
    errors: carrierErrors,
  },
  {
    method: 'post',
    path: '/v1/number-verification/verify-mobile',
    operationId: 'verifyMobile',
    summary: 'Mobile number check: does the carrier token belong to this number (VerifyMobile)',
    tag: 'plain-verification',
    security: 'appBackend',
    rateLimited: true,
    body: { schema: verifyMobileSchema },
    success: { status: 200, description: 'PASS, REJECT or UNKNOWN', schema: verifyMobileResponseSchema },
    errors: { ...carrierErrors, 400: [...carrierErrors[400], 'INVALID_PHONE_NUMBER'] },
  },
  {
    method: 'post',
    path: '/v1/sms-verification/send-code',
    operationId: 'sendSmsVerifyCode',
    summary: 'Send an SMS code (SendSmsVerifyCode)',
    description:
      'Codes are kept apart per `schemeName`; check with the same one. The message is the SMS template `templateCode` under the signature `signName` (of `/v1/admin/sms`; the complimentary 速通互联验证码 and 100001 when unset), `${code}` filled with the code and `${min}` with its validity in minutes; or a one-off `template` text.',
    tag: 'plain-verification',
    security: 'appBackend',
    rateLimited: true,
    body: { schema: sendCodeSchema },
    success: { status: 200, description: 'the code was sent', schema: sendCodeResponseSchema },
    errors: {
      400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER', 'SMS_UNDELIVERABLE', 'SMS_SIGNATURE_UNKNOWN', 'SMS_TEMPLATE_UNKNOWN'],
      409: ['VERSION_CONFLICT'],
      429: ['SMS_TOO_SOON', 'SMS_DAILY_LIMIT'],
      502: ['SMS_DELIVERY_FAILED'],
    },
  },
  {
    method: 'post',
    path: '/v1/sms-verification/check-code',
    operationId: 'checkSmsVerifyCode',
    summary: 'Check an SMS code (CheckSmsVerifyCode)',
    description: 'Single use; the answer is the same for an unknown and an expired code.',
    tag: 'plain-verification',
    security: 'appBackend',
    rateLimited: true,
    body: { schema: checkCodeSchema },
    success: { status: 200, description: 'PASS or UNKNOWN', schema: checkCodeResponseSchema },
    errors: {
      400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'],
      409: ['VERSION_CONFLICT'],
      502: ['UPSTREAM_ERROR'],
      504: ['UPSTREAM_TIMEOUT'],
    },
  },
];

const sessions: Operation[] = [
  {
    method: 'post',
    path: '/v1/sessions',
    operationId: 'startSession',
    summary: 'Start a session of a scene',
    description: "The auth token's scheme and platform decide the policy; a scene that checks a bound number needs one in the auth token.",
    tag: 'sessions',
    security: 'client',
    rateLimited: true,
    body: { schema: startSessionSchema },
    success: { status: 201, description: 'the new session', schema: sessionViewSchema, headers: { Location: 'the URL of the session' } },
    errors: { 400: ['VALIDATION_FAILED', 'BOUND_PHONE_NUMBER_REQUIRED'], 403: ['SCHEME_NOT_FOUND', 'SCHEME_DISABLED'] },
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}',
    operationId: 'getSession',
    summary: 'Read a session',
    description: "Delivers any timer that has come due. An expired session shows `status: expired`. Another scheme's session answers 404 like a missing one.",
    tag: 'sessions',
    security: 'client',
    pathParams: { id: sessionId },
    success: { status: 200, description: 'the session', schema: sessionViewSchema },
    errors: { 403: ['SCHEME_DISABLED'], 404: ['SESSION_NOT_FOUND'], 503: ['BUSY'] },
  },
  {
    method: 'post',
    path: '/v1/sessions/{id}/events',
    operationId: 'sendSessionEvent',
    summary: 'Send an event to a session',
    description: 'The events a client may send, exactly; the machine decides whether the state takes it.',
    tag: 'sessions',
    security: 'client',
    rateLimited: true,
    pathParams: { id: sessionId },
    body: { schema: clientEventSchema },
    success: { status: 200, description: 'the session after the event', schema: sessionViewSchema },
    errors: {
      400: ['UNKNOWN_EVENT_TYPE', 'VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'],
      403: ['SCHEME_DISABLED'],
      404: ['SESSION_NOT_FOUND'],
      409: ['EVENT_NOT_ACCEPTED', 'VERSION_CONFLICT', 'SESSION_FINISHED', 'SMS_SEND_LIMIT'],
      410: ['SESSION_EXPIRED'],
      429: ['RESEND_TOO_EARLY'],
      502: ['UPSTREAM_ERROR'],
      503: ['BUSY'],
      504: ['UPSTREAM_TIMEOUT'],
    },
  },
];

const adminSchemes: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/schemes',
    operationId: 'listSchemes',
    summary: 'List schemes',
    tag: 'admin: schemes',
    security: 'admin',
    success: { status: 200, description: 'every scheme', schema: schemeListSchema },
  },
  {
    method: 'post',
    path: '/v1/admin/schemes',
    operationId: 'createScheme',
    summary: 'Create a scheme',
    description:
      'With the vendor rules per platform: Android package name + 32-hex signature; iOS bundle ID; HarmonyOS package, signature and AppId; H5 origin without and URL with a trailing `/`. Without `code` one is made.',
    tag: 'admin: schemes',
    security: 'admin',
    body: { schema: schemeInputSchema },
    success: { status: 201, description: 'the new scheme', schema: schemeSchema, headers: { Location: 'the URL of the scheme' } },
    errors: { 400: ['VALIDATION_FAILED'], 409: ['SCHEME_EXISTS'] },
  },
  {
    method: 'get',
    path: '/v1/admin/schemes/{code}',
    operationId: 'getScheme',
    summary: 'Read a scheme',
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 200, description: 'the scheme', schema: schemeSchema },
    errors: { 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'put',
    path: '/v1/admin/schemes/{code}',
    operationId: 'replaceScheme',
    summary: 'Replace a scheme',
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    body: { schema: schemeInputSchema },
    success: { status: 200, description: 'the scheme as saved', schema: schemeSchema },
    errors: { 400: ['VALIDATION_FAILED', 'CODE_MISMATCH'], 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'delete',
    path: '/v1/admin/schemes/{code}',
    operationId: 'deleteScheme',
    summary: 'Delete a scheme (and its webhook)',
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 204, description: 'deleted' },
    errors: { 404: ['SCHEME_NOT_FOUND'] },
  },
  ...(['disable', 'enable'] as const).map((action): Operation => ({
    method: 'post',
    path: `/v1/admin/schemes/{code}/${action}`,
    operationId: `${action}Scheme`,
    summary:
      action === 'disable' ? 'Disable a scheme: no auth tokens, and its auth tokens are refused (403 SCHEME_DISABLED)' : 'Enable a disabled scheme again',
    description:
      'A disabled scheme keeps its policies, keys and sessions; GetFusionAuthToken and GetAuthToken for it are refused (REST 403 SCHEME_DISABLED, vendor 403 UnauthorizedOperation), and so are its auth tokens on every session endpoint. Audited.',
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 200, description: 'the scheme', schema: schemeSchema },
    errors: { 404: ['SCHEME_NOT_FOUND'] },
  })),
  {
    method: 'put',
    path: '/v1/admin/schemes/{code}/webhook',
    operationId: 'putSchemeWebhook',
    summary: "Register or change a scheme's webhook",
    description:
      'The signing secret is in this answer only when it was just set (a new webhook, `secret`, or `rotateSecret: true`), and never again. Production accepts only https URLs.',
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    body: { schema: webhookRegistration },
    success: { status: 200, description: 'the webhook', schema: webhookSchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/schemes/{code}/webhook',
    operationId: 'getSchemeWebhook',
    summary: "A scheme's webhook, its delivery status and the last attempts",
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 200, description: 'the webhook and its recent attempts', schema: webhookStatusSchema },
    errors: { 404: ['SCHEME_NOT_FOUND', 'WEBHOOK_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/schemes/{code}/phone-lists',
    operationId: 'getSchemePhoneLists',
    summary: "A scheme's deny and allow lists of numbers and prefixes (phone risk)",
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 200, description: 'the lists', schema: phoneListsViewSchema },
    errors: { 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'put',
    path: '/v1/admin/schemes/{code}/phone-lists',
    operationId: 'putSchemePhoneLists',
    summary: "Replaces a scheme's deny and allow lists: a denied number is risky whatever its score, an allowed one scores 0",
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    body: { schema: phoneListsSchema },
    success: { status: 200, description: 'the lists as stored', schema: phoneListsViewSchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'delete',
    path: '/v1/admin/schemes/{code}/webhook',
    operationId: 'deleteSchemeWebhook',
    summary: "Remove a scheme's webhook",
    tag: 'admin: schemes',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 204, description: 'removed' },
    errors: { 404: ['SCHEME_NOT_FOUND', 'WEBHOOK_NOT_FOUND'] },
  },
];

const adminAccessKeys: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/access-keys',
    operationId: 'listAccessKeys',
    summary: 'List access keys (never their secrets)',
    tag: 'admin: access keys',
    security: 'admin',
    success: { status: 200, description: 'every access key', schema: accessKeyListSchema },
  },
  {
    method: 'post',
    path: '/v1/admin/access-keys',
    operationId: 'createAccessKey',
    summary: 'Create an access key',
    description: 'The secret is in this answer only, and never again.',
    tag: 'admin: access keys',
    security: 'admin',
    body: { schema: accessKeyRequestSchema, required: false },
    success: { status: 201, description: 'the new key with its secret', schema: createdAccessKeySchema },
    errors: { 400: ['VALIDATION_FAILED'], 409: ['ACCESS_KEY_EXISTS'] },
  },
  ...(['enable', 'disable'] as const).map((action): Operation => ({
    method: 'post',
    path: `/v1/admin/access-keys/{id}/${action}`,
    operationId: `${action}AccessKey`,
    summary: `${action === 'enable' ? 'Enable' : 'Disable'} an access key`,
    tag: 'admin: access keys',
    security: 'admin',
    pathParams: { id: accessKeyId },
    success: { status: 200, description: 'the access key', schema: accessKeySchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['ACCESS_KEY_NOT_FOUND'] },
  })),
  {
    method: 'delete',
    path: '/v1/admin/access-keys/{id}',
    operationId: 'deleteAccessKey',
    summary: 'Delete an access key',
    tag: 'admin: access keys',
    security: 'admin',
    pathParams: { id: accessKeyId },
    success: { status: 204, description: 'deleted' },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['ACCESS_KEY_NOT_FOUND'] },
  },
];

const adminSessions: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/sessions',
    operationId: 'listSessions',
    summary: 'The most recent sessions',
    tag: 'admin: sessions',
    security: 'admin',
    query: { limit: { schema: listLimitSchema, description: 'how many, 1–1000 (default 100)' } },
    success: { status: 200, description: 'the sessions, newest first', schema: adminSessionListSchema },
    errors: { 400: ['VALIDATION_FAILED'] },
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}',
    operationId: 'getSessionDetail',
    summary: 'A session with its context, timers and outbox',
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    success: { status: 200, description: 'the session', schema: adminSessionDetailSchema },
    errors: { 404: ['SESSION_NOT_FOUND'], 503: ['BUSY'] },
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}/trace',
    operationId: 'getSessionTrace',
    summary: "A session's event log",
    description: 'Every event, redacted of secrets, and the state it led to.',
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    success: { status: 200, description: 'the event log', schema: sessionTraceSchema },
    errors: { 403: ['SESSION_LOGGING_OFF'], 404: ['SESSION_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}/chart',
    operationId: 'getSessionChart',
    summary: "A session's state chart: where it is, and the way it came",
    description: 'The chart of the policy version the session runs, its current state filled and the transitions it took drawn bold.',
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    query: { format: { schema: chartFormatSchema, description: '`svg` (default) or `dot`' } },
    success: { status: 200, description: 'the chart', contentType: 'image/svg+xml', alternatives: { 'text/vnd.graphviz': 'with `format=dot`' } },
    errors: { 400: ['VALIDATION_FAILED'], 403: ['SESSION_LOGGING_OFF'], 404: ['SESSION_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}/timeline',
    operationId: 'getSessionTimeline',
    summary: "A session's timeline, as a picture",
    description:
      'One row per log entry: time since the start, where the event came from (client, shell, timer), what it said (no secrets), the state after it.',
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    success: { status: 200, description: 'the timeline', contentType: 'image/svg+xml' },
    errors: { 403: ['SESSION_LOGGING_OFF'], 404: ['SESSION_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}/live',
    operationId: 'followSession',
    summary: "A session's steps as they happen (Server-Sent Events)",
    description:
      "`event: entry` for every log entry (its `id` is the entry's version: a reconnect with `Last-Event-ID`, or `?after=`, resumes after it), " +
      '`event: session` with the session view after each change, `event: end` when the session is over. Ends by itself; a stream lives at most 10 minutes.',
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    query: { after: { schema: z.coerce.number().int().min(0), description: 'resume after this log version' } },
    headers: { 'last-event-id': { schema: z.string(), description: 'the same, as an EventSource sends it on reconnect' } },
    success: { status: 200, description: 'the stream', contentType: 'text/event-stream' },
    errors: { 403: ['SESSION_LOGGING_OFF'], 404: ['SESSION_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}/recording',
    operationId: 'getSessionRecording',
    summary: 'A session as a file, to replay anywhere',
    description: 'The policy it ran and its event log (secrets redacted), as `npm run replay -- <file>` and a test fixture take it.',
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    success: {
      status: 200,
      description: 'the recording (sent as an attachment)',
      schema: sessionRecordingSchema,
      headers: { 'Content-Disposition': 'attachment; filename="session-<id>.json"' },
    },
    errors: { 403: ['SESSION_LOGGING_OFF'], 404: ['SESSION_NOT_FOUND'] },
  },
  {
    method: 'post',
    path: '/v1/admin/sessions/{id}/replay',
    operationId: 'replaySession',
    summary: 'Replay a session, or what-if replay it under another policy',
    description:
      "With no body: the recorded log through the machine of the policy version the session ran, step by step against the recorded states (a tester's proof the run is reproducible). " +
      "With `policyVersion` (e.g. from a policy's versions) or a draft `policy`: the recorded events under that policy instead, showing where the session would have gone another way.",
    tag: 'admin: sessions',
    security: 'admin',
    pathParams: { id: sessionId },
    body: { schema: replayRequestSchema, required: false },
    success: { status: 200, description: 'the replay report', schema: replayReportSchema },
    errors: { 400: ['VALIDATION_FAILED', 'SCENE_MISMATCH', 'POLICY_INVALID'], 404: ['SESSION_NOT_FOUND', 'POLICY_VERSION_NOT_FOUND'] },
  },
];

/** The routes the global and the scheme documents share (`documentRoutes` of policyRoutes.ts). */
function policyDocumentOperations(scope: 'global' | 'scheme'): Operation[] {
  const base = scope === 'global' ? '/v1/admin/policies/{sceneCode}' : '/v1/admin/schemes/{code}/policies/{sceneCode}';
  const prefix = scope === 'global' ? 'GlobalPolicy' : 'SchemePolicy';
  const what = scope === 'global' ? 'the global policy of a scene' : "a scheme's policy of a scene";
  const pathParams: Record<string, Parameter> = scope === 'global' ? { sceneCode } : { code: schemeCode, sceneCode };
  const notFound = scope === 'global' ? ['SCENE_NOT_FOUND'] : ['SCHEME_NOT_FOUND', 'SCENE_NOT_FOUND'];
  const inherited = scope === 'scheme' ? ['POLICY_INHERITED'] : [];
  const common = { tag: 'admin: policies', security: 'admin', pathParams } as const;
  const saved = { status: 200, description: 'the document after the save', schema: savedPolicySchema, headers: etag } as const;
  return [
    {
      ...common,
      method: 'get',
      path: base,
      operationId: `get${prefix}`,
      summary: `Read ${what}`,
      success: { status: 200, description: 'the document and the policy in effect', schema: policyViewSchema, headers: etag },
      errors: { 404: notFound },
    },
    {
      ...common,
      method: 'get',
      path: `${base}/chart`,
      operationId: `get${prefix}Chart`,
      summary: `The state chart of ${what}`,
      description:
        'The statechart the policy in effect builds, for product owners: states, the events and guards between them, timers with their delays; ' +
        'with `sessions=recent`, how many of the newest sessions of the scene (of the scheme) are in each state now.',
      query: {
        format: { schema: chartFormatSchema, description: '`svg` (default) or `dot` (Graphviz source)' },
        sessions: { schema: chartSessionsSchema, description: '`recent`: a count of the newest sessions on each state' },
      },
      success: { status: 200, description: 'the chart', contentType: 'image/svg+xml', alternatives: { 'text/vnd.graphviz': 'with `format=dot`' } },
      errors: { 400: ['VALIDATION_FAILED'], 404: notFound },
    },
    {
      ...common,
      method: 'get',
      path: `${base}/test-paths`,
      operationId: `get${prefix}TestPaths`,
      summary: `Tests from the graph of ${what}`,
      description:
        'Paths through the machine of the policy in effect that together reach every state and take every transition the platform can reach, ' +
        'each step with the machine event (payload and time) and the state after it, and what they cover (`missing` lists what they do not). ' +
        'Replay a path on the pure machine from `input`, or drive the client events (`source: client`) through the session API.',
      query: { platform: { schema: testPathPlatformSchema, description: "the sessions' platform (default: the scheme's; Android for the global policy)" } },
      success: { status: 200, description: 'the test paths', schema: testPathsSchema },
      errors: { 400: ['VALIDATION_FAILED'], 404: notFound },
    },
    {
      ...common,
      method: 'post',
      path: `${base}/impact`,
      operationId: `measure${prefix}Impact`,
      summary: `What a change of ${what} would have done to the sessions already run`,
      description:
        'The newest finished sessions of the scene (of this scheme, or of every scheme for the global policy) replayed under a saved policy version or a draft ' +
        '(what-if replay): how many would have gone the same way, and how they ended against how they would have ended.',
      body: { schema: impactRequestSchema },
      success: { status: 200, description: 'the impact', schema: policyImpactSchema },
      errors: { 400: ['VALIDATION_FAILED', 'SCENE_MISMATCH', 'POLICY_INVALID'], 404: [...notFound, 'POLICY_VERSION_NOT_FOUND'], 429: ['BUSY'] },
    },
    {
      ...common,
      method: 'patch',
      path: base,
      operationId: `patch${prefix}`,
      summary: `Change some settings of ${what}`,
      description: 'Merged into the policy in effect (node settings key by key); the result must pass the schema and the static checks.',
      headers: policySaveHeaders,
      body: { schema: policyPatchSchema },
      success: saved,
      errors: { 400: ['VALIDATION_FAILED', 'POLICY_INVALID'], 404: notFound, 409: ['POLICY_VERSION_CONFLICT', ...inherited] },
    },
    {
      ...common,
      method: 'post',
      path: `${base}/restore-defaults`,
      operationId: `restore${prefix}Defaults`,
      summary: `Restore the defaults of ${what}, or of one node`,
      headers: policySaveHeaders,
      body: { schema: restoreDefaultsSchema, required: false },
      success: saved,
      errors: { 400: ['VALIDATION_FAILED', 'POLICY_INVALID'], 404: notFound, 409: ['POLICY_VERSION_CONFLICT', ...inherited] },
    },
    {
      ...common,
      method: 'post',
      path: `${base}/rollback`,
      operationId: `rollback${prefix}`,
      summary: `Roll ${what} back to an earlier version`,
      description: 'Makes a new version with the content of the earlier one.',
      headers: policySaveHeaders,
      body: { schema: rollbackSchema },
      success: saved,
      errors: {
        400: ['VALIDATION_FAILED', 'POLICY_INVALID'],
        404: [...notFound, 'POLICY_VERSION_NOT_FOUND'],
        409: ['POLICY_VERSION_CONFLICT', ...inherited],
      },
    },
    {
      ...common,
      method: 'get',
      path: `${base}/versions`,
      operationId: `list${prefix}Versions`,
      summary: `The versions of ${what}, with author, time and diff`,
      success: { status: 200, description: 'every version', schema: policyVersionListSchema },
      errors: { 404: notFound },
    },
    {
      ...common,
      method: 'get',
      path: `${base}/versions/{number}`,
      operationId: `get${prefix}Version`,
      summary: `One version of ${what}, with its policy`,
      pathParams: { ...pathParams, number: versionNumber },
      success: { status: 200, description: 'the version', schema: policyVersionSchema },
      errors: { 404: [...notFound, 'POLICY_VERSION_NOT_FOUND'] },
    },
  ];
}

const adminPolicies: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/policies',
    operationId: 'listGlobalPolicies',
    summary: 'The global policy of every scene',
    tag: 'admin: policies',
    security: 'admin',
    success: { status: 200, description: 'a summary per scene', schema: globalPolicyListSchema },
  },
  {
    method: 'put',
    path: '/v1/admin/policies/{sceneCode}',
    operationId: 'putGlobalPolicy',
    summary: 'Replace the global policy of a scene',
    description: 'The whole policy; it must pass the schema and the static checks (400 POLICY_INVALID lists each finding).',
    tag: 'admin: policies',
    security: 'admin',
    pathParams: { sceneCode },
    headers: policySaveHeaders,
    body: { schema: policySchema },
    success: { status: 200, description: 'the document after the save', schema: savedPolicySchema, headers: etag },
    errors: { 400: ['VALIDATION_FAILED', 'POLICY_INVALID'], 404: ['SCENE_NOT_FOUND'], 409: ['POLICY_VERSION_CONFLICT'] },
  },
  ...policyDocumentOperations('global'),
  {
    method: 'get',
    path: '/v1/admin/policies/{sceneCode}/logging',
    operationId: 'getSceneLogging',
    summary: 'Whether sessions of a scene are logged',
    tag: 'admin: policies',
    security: 'admin',
    pathParams: { sceneCode },
    success: { status: 200, description: 'the logging switch', schema: policyLoggingSchema },
    errors: { 404: ['SCENE_NOT_FOUND'] },
  },
  {
    method: 'put',
    path: '/v1/admin/policies/{sceneCode}/logging',
    operationId: 'putSceneLogging',
    summary: 'Switch the logging of a scene on or off',
    description:
      "Governs the sessions that start from now on: while on, each keeps its trace for operators (trace, timeline, chart, live stream, recording) and writes one outcome log line when it ends; while off, neither (their trace views answer 403 SESSION_LOGGING_OFF, the session lists show `traced: false`). Every session keeps its event log either way: the durable record that replay, the impact preview and the policy diagram's counts read, expiring with the session.",
    tag: 'admin: policies',
    security: 'admin',
    pathParams: { sceneCode },
    body: { schema: loggingSchema },
    success: { status: 200, description: 'the logging switch', schema: policyLoggingSchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['SCENE_NOT_FOUND'] },
  },
  {
    method: 'get',
    path: '/v1/admin/schemes/{code}/policies',
    operationId: 'listSchemePolicies',
    summary: "A scheme's policy of every scene",
    tag: 'admin: policies',
    security: 'admin',
    pathParams: { code: schemeCode },
    success: { status: 200, description: 'a summary per scene', schema: schemePolicyListSchema },
    errors: { 404: ['SCHEME_NOT_FOUND'] },
  },
  {
    method: 'put',
    path: '/v1/admin/schemes/{code}/policies/{sceneCode}',
    operationId: 'putSchemePolicy',
    summary: "Inherit the global policy, or override it with the scheme's own",
    description:
      '`{inherit: true}` uses the global policy; `{inherit: false}` starts from a copy of it; `{inherit: false, policy}` saves the given policy (it must pass the schema and the static checks).',
    tag: 'admin: policies',
    security: 'admin',
    pathParams: { code: schemeCode, sceneCode },
    headers: policySaveHeaders,
    body: { schema: inheritanceSchema },
    success: { status: 200, description: 'the document after the save', schema: savedPolicySchema, headers: etag },
    errors: { 400: ['VALIDATION_FAILED', 'POLICY_INVALID'], 404: ['SCHEME_NOT_FOUND', 'SCENE_NOT_FOUND'], 409: ['POLICY_VERSION_CONFLICT'] },
  },
  ...policyDocumentOperations('scheme'),
];

/**
 * The query parameters of policyAsCodeRoutes.ts, described from its code: the route file keeps
 * its query schemas to itself (`exportQuerySchema`, `importQuerySchema`), so these say the same.
 */
const configFormat = z.enum(['json', 'yaml']).default('json');
const booleanFlag = z.enum(['true', 'false']).default('false');

const adminConfig: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/config',
    operationId: 'exportConfig',
    summary: 'Export every scheme and policy as one document (policy as code)',
    description:
      'Deterministic, so it diffs cleanly in git: schemes sorted by code, policies by scene and scheme. No timestamps, versions or secrets (no access keys, webhook URLs or signing secrets).',
    tag: 'admin: config',
    security: 'admin',
    query: { format: { schema: configFormat, description: '`json` (default) or `yaml`' } },
    success: {
      status: 200,
      description: 'the document, as JSON or (`format=yaml`) YAML',
      schema: configDocumentSchema,
      alternatives: { 'application/yaml': 'the same document as YAML' },
    },
    errors: { 400: ['VALIDATION_FAILED'] },
  },
  {
    method: 'post',
    path: '/v1/admin/config',
    operationId: 'importConfig',
    summary: 'Import a document: make the store match it (policy as code)',
    description:
      'The document is the desired state of what it names; `prune=true` also removes or resets what it does not name. It is refused whole (400 CONFIG_INVALID, each problem at its path) before anything is written; `dryRun=true` only reports the changes. Policy versions it makes carry the signed-in operator as author. The document may be up to 1 MB, as JSON or YAML.',
    tag: 'admin: config',
    security: 'admin',
    query: {
      dryRun: { schema: booleanFlag, description: '`true`: report the changes, write nothing' },
      prune: { schema: booleanFlag, description: '`true`: also remove or reset what the document does not name' },
    },
    body: {
      schema: configDocumentSchema,
      alternatives: { 'application/yaml': 'the document as YAML (also `text/yaml`, `application/x-yaml`, `text/x-yaml`)' },
    },
    success: { status: 200, description: 'what changed (or would change, for a dry run)', schema: importResultSchema },
    errors: {
      400: ['VALIDATION_FAILED', 'CONFIG_INVALID', 'MALFORMED_YAML'],
      409: ['CONFIG_CONFLICT'],
      415: ['UNSUPPORTED_MEDIA_TYPE'],
    },
  },
];

const simulator: Operation[] = [
  {
    method: 'post',
    path: '/v1/simulator/carrier-token',
    operationId: 'simulateCarrierToken',
    summary: 'A carrier token, as a carrier SDK on the phone would return it',
    description:
      'Only while the simulator adapters are active, never in production. Single use; China Mobile 2 min, Unicom 30 min, Telecom 10 min. `outcome` makes the exchange fail: `timeout` never answers, `error`, `invalid`, `mismatch`.',
    tag: 'simulator',
    security: 'none',
    body: { schema: carrierTokenSchema },
    success: { status: 201, description: 'the carrier token', schema: simulatorCarrierTokenSchema },
    errors: { 400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'] },
  },
  {
    method: 'get',
    path: '/v1/simulator/sms',
    operationId: 'simulatorSmsMessages',
    summary: 'The SMS messages the simulator delivered to a number',
    description: 'Only while the simulator adapters are active, never in production.',
    tag: 'simulator',
    security: 'none',
    query: { phoneNumber: { schema: smsQueryPhoneNumberSchema, required: true, description: 'a mainland China mobile number' } },
    success: { status: 200, description: 'the messages', schema: simulatorSmsListSchema },
    errors: { 400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'] },
  },
  {
    method: 'post',
    path: '/v1/simulator/uplink-sms',
    operationId: 'simulateUplinkSms',
    summary: 'An SMS the user sent (uplink SMS)',
    description:
      'Only while the simulator adapters are active, never in production. Like a carrier, the answer says the message arrived, not whether it proved anything.',
    tag: 'simulator',
    security: 'none',
    body: { schema: simulatorUplinkSmsSchema },
    success: { status: 202, description: 'the message arrived', schema: simulatorUplinkAcceptedSchema },
    errors: { 400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'], 503: ['BUSY'] },
  },
];

const lockDescription =
  'A number whose SMS code checks ran out (RATE_LIMIT_CODE_CHECKS_PER_NUMBER across sessions, 30 by default) answers 429 RATE_LIMITED with Retry-After ' +
  "to every check, its owner's correct code included, for 1 min, then 5 min, 15 min, 1 h, 4 h and 24 h as its checks run out again (5 checks between locks; " +
  'the locks are remembered 7 days). A carrier proof of the number (one-click, a number check that passes) ends the lock and starts the checks over.';
const codeCheckLocks: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/phone-numbers/{phoneNumber}/code-check-lock',
    operationId: 'getCodeCheckLock',
    summary: "A number's SMS code-check lock: whether it is locked, for how long, and its back-off",
    description: lockDescription,
    tag: 'admin: phone numbers',
    security: 'admin',
    pathParams: { phoneNumber: { schema: lockPhoneNumberSchema, description: 'a mobile number: 11 mainland digits or E.164 (`+` percent-encoded or not)' } },
    success: { status: 200, description: 'the lock', schema: codeCheckLockSchema },
    errors: { 400: ['INVALID_PHONE_NUMBER'] },
  },
  {
    method: 'delete',
    path: '/v1/admin/phone-numbers/{phoneNumber}/code-check-lock',
    operationId: 'liftCodeCheckLock',
    summary: "Lifts a number's SMS code-check lock and forgets its back-off (e.g. after the owner called support)",
    description: lockDescription,
    tag: 'admin: phone numbers',
    security: 'admin',
    pathParams: { phoneNumber: { schema: lockPhoneNumberSchema, description: 'a mobile number: 11 mainland digits or E.164 (`+` percent-encoded or not)' } },
    success: { status: 200, description: 'the lock after lifting it: not locked, all checks left', schema: codeCheckLockSchema },
    errors: { 400: ['INVALID_PHONE_NUMBER'] },
  },
];

const recycledNumberParams = { phoneNumber: { schema: z.string().min(3).max(32), description: 'a mainland China mobile number' } };
const recycled: Operation[] = (['put', 'delete'] as const).map((method) => ({
  method,
  path: '/v1/simulator/recycled-numbers/{phoneNumber}',
  operationId: method === 'put' ? 'markRecycledNumber' : 'unmarkRecycledNumber',
  summary: method === 'put' ? 'Marks a number as recycled by its carrier (phone risk scores it)' : 'Unmarks a recycled number',
  description: 'Only while the simulator adapters are active, never in production.',
  tag: 'simulator',
  security: 'none' as const,
  pathParams: recycledNumberParams,
  success: { status: 200 as const, description: 'the mark', schema: recycledNumberSchema },
  errors: { 400: ['INVALID_PHONE_NUMBER'] },
}));

const inboundSms: Operation[] = [
  {
    method: 'post',
    path: '/v1/inbound/uplink-sms',
    operationId: 'receiveUplinkSms',
    summary: 'An SMS a user sent to a receiving number (provider-neutral inbound webhook)',
    description:
      'An SMS provider, or an adapter in front of one, POSTs each inbound message, signed like numberflow\'s own webhooks: `Numberflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(UPLINK_WEBHOOK_SECRET, "<t>.<raw body>")>`, within 5 minutes. The answer never says whether the message proved anything.',
    tag: 'simulator',
    security: 'none',
    headers: { 'Numberflow-Signature': { schema: z.string().max(4096), required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256>' } },
    body: { schema: inboundSmsSchema },
    success: { status: 202, description: 'the message arrived', schema: simulatorUplinkAcceptedSchema },
    errors: { 400: ['MALFORMED_JSON', 'VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'], 401: ['SIGNATURE_INVALID'], 503: ['BUSY'] },
  },
];

const vendorActionNames = Object.keys(vendorActions) as [string, ...string[]];
const vendorQuery: Record<string, Parameter> = {
  Action: { schema: z.enum(vendorActionNames), description: 'the action, when not in the `x-acs-action` header' },
  Version: { schema: z.literal('2017-05-25'), description: 'when not in the `x-acs-version` header' },
  '<Parameter>': {
    schema: z.string(),
    description: "the action's parameters by their vendor names (PascalCase, e.g. `AccessToken`, `PhoneNumber`), in the query or a form body",
  },
};
const vendorErrors = {
  400: [
    'MissingSignature',
    'IncompleteSignature',
    'SignatureDoesNotMatch',
    'SignatureNonceUsed',
    'InvalidTimeStamp.Expired',
    'InvalidTimeStamp.Format',
    'InvalidAccessKeyId.Inactive',
    'MissingAction',
    'InvalidVersion',
    'Missing<Parameter>',
    'InvalidParameters',
    'VerifySchemeNotExist',
    'PackageSignedConflict',
    'isv.ValidateFail',
    'Throttling.User',
  ],
  403: ['UnauthorizedOperation'],
  404: ['InvalidAccessKeyId.NotFound', 'InvalidAction.NotFound'],
  413: ['RequestEntityTooLarge'],
  415: ['UnsupportedMediaType'],
  503: ['ServiceUnavailable'],
} as const;
const vendorOperation = (method: 'get' | 'post'): Operation => ({
  method,
  path: '/',
  operationId: method === 'get' ? 'vendorRpcGet' : 'vendorRpc',
  summary: "Alibaba Cloud Dypnsapi 2017-05-25 RPC (the vendor's official SDK pointed at numberflow)",
  description:
    'The vendor-compatible endpoint: the action from `x-acs-action` or `Action`, its parameters from the query or a form body, ' +
    'signed by a numberflow access key with ACS3-HMAC-SHA256 (`Authorization` header) or HMAC-SHA1 v1 (`Signature` parameter), ' +
    "within the clock-skew window and with a fresh nonce. Answers carry the vendor's PascalCase payloads; business outcomes " +
    "(`isv.*`, `biz.*`) come with 200, gateway errors with the vendor's status. Actions: " +
    vendorActionNames.join(', ') +
    '.',
  tag: 'vendor-compatible',
  security: 'vendorSignature',
  vendorEnvelope: true,
  query: vendorQuery,
  success: {
    status: 200,
    description: "the action's answer in the vendor's shape",
    schema: vendorReplySchema,
    headers: { 'x-acs-request-id': 'the RequestId: the X-Request-Id in upper case when that is a UUID' },
  },
  errors: vendorErrors,
});
const vendorCompatible: Operation[] = [vendorOperation('get'), vendorOperation('post')];

export const operations: readonly Operation[] = [
  ...health,
  ...reference,
  ...clientModuleOperations,
  ...fusionAuth,
  ...plainVerification,
  ...sessions,
  ...adminSchemes,
  ...adminAccessKeys,
  ...adminSessions,
  ...codeCheckLocks,
  ...adminPolicies,
  ...adminConfig,
  ...simulator,
  ...recycled,
  ...inboundSms,
  ...consoleOperations,
  ...vendorCompatible,
  ...camaraOperations,
  ...demoOperations,
];

/** The order and text of the tags in the reference page. */
export const tags: readonly { name: string; description: string }[] = [
  { name: 'fusion-auth', description: 'The app backend (HTTP Basic with an access key `id:secret`): auth tokens for clients, verify tokens for numbers.' },
  { name: 'sessions', description: 'The client (Bearer auth token): one run of a scene policy per session.' },
  { name: 'plain-verification', description: "The vendor's plain Phone Number Verification and SMS Verification, as REST (HTTP Basic)." },
  { name: 'admin: schemes', description: 'The operator (Bearer admin token): app registrations and their webhooks.' },
  { name: 'admin: policies', description: 'The policy console: the global and the scheme policies, their versions and rollbacks.' },
  { name: 'admin: config', description: 'Policy as code: every scheme and policy as one JSON or YAML document, exported and imported whole.' },
  { name: 'admin: access keys', description: "The app backends' access keys." },
  { name: 'admin: sessions', description: 'Sessions, their context and their traces.' },
  { name: 'admin: phone numbers', description: "A number's SMS code-check lock: seen and lifted by the operator." },
  ...consoleTags,
  { name: 'simulator', description: 'What a carrier SDK, an SMS handset and a user would do; only while the simulator adapters are active.' },
  { name: 'demo', description: 'The H5 demo (`/demo`) and the small app backend it needs; only while the simulator adapters are active.' },
  { name: 'health', description: 'Liveness, readiness and metrics.' },
  { name: 'reference', description: 'This document and its reference page.' },
  {
    name: 'vendor-compatible',
    description: "Alibaba Cloud's Dypnsapi RPC at the server root, for app backends that use the vendor's official SDK (signed by an access key).",
  },
  ...camaraTags,
];
