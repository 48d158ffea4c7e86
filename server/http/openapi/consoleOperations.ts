import { z } from 'zod';
import { operatorRoles } from '../../operators/operatorRoles.js';
import { auditQuerySchema } from '../routes/auditRoutes.js';
import { erasureRequestSchema } from '../routes/erasureRoutes.js';
import { operatorCreateSchema, operatorNameSchema, operatorUpdateSchema } from '../routes/operatorRoutes.js';
import type { Operation, Parameter } from './operationTypes.js';
import { isoTime, policyIssueSchema } from './responseSchemas.js';
import { sceneCodes } from '../../../machines/index.js';
import { schemeCodeSchema } from '../../schemes/schemeSchema.js';
import { policyCheckRequestSchema } from '../routes/policyDiagramRoutes.js';
import { versionNumberSchema } from '../routes/policyRoutes.js';
import { smsSignatureUpdateSchema, smsTemplateUpdateSchema } from '../routes/smsTemplateRoutes.js';
import { signNameSchema, smsSignatureInputSchema, smsTemplateInputSchema, templateCodeSchema } from '../../smsTemplates/smsTemplateSchema.js';

/** The operator console's own routes: operator accounts (and, below, the audit log, erasures, SMS templates). */

export const operatorSchema = z.object({
  name: z.string(),
  role: z.enum(operatorRoles),
  enabled: z.boolean(),
  createdAt: isoTime,
  bootstrap: z.literal(true).optional().describe('the operator ADMIN_TOKEN signs in as'),
});
const operatorWithTokenSchema = operatorSchema.extend({ token: z.string().describe('shown this once and never again') });
const operatorName: Parameter = { schema: operatorNameSchema, description: 'the operator name' };

const operatorAccounts: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/me',
    operationId: 'getSignedInOperator',
    summary: 'The operator who signs this request, with its role',
    tag: 'admin: operators',
    security: 'admin',
    success: { status: 200, description: 'the operator', schema: operatorSchema },
  },
  {
    method: 'get',
    path: '/v1/admin/operators',
    operationId: 'listOperators',
    summary: 'List operator accounts (never their tokens)',
    tag: 'admin: operators',
    security: 'admin',
    success: { status: 200, description: 'every stored operator', schema: z.object({ operators: z.array(operatorSchema) }) },
  },
  {
    method: 'post',
    path: '/v1/admin/operators',
    operationId: 'createOperator',
    summary: 'Create an operator account',
    description: 'The token is in this answer only; the server keeps an HMAC of it.',
    tag: 'admin: operators',
    security: 'admin',
    body: { schema: operatorCreateSchema },
    success: { status: 201, description: 'the operator and its token', schema: operatorWithTokenSchema, headers: { Location: 'the URL of the operator' } },
    errors: { 400: ['VALIDATION_FAILED'], 409: ['OPERATOR_EXISTS'] },
  },
  {
    method: 'patch',
    path: '/v1/admin/operators/{name}',
    operationId: 'updateOperator',
    summary: "Change an operator's role, or disable or enable it",
    tag: 'admin: operators',
    security: 'admin',
    pathParams: { name: operatorName },
    body: { schema: operatorUpdateSchema },
    success: { status: 200, description: 'the operator', schema: operatorSchema },
    errors: { 400: ['VALIDATION_FAILED'], 404: ['OPERATOR_NOT_FOUND'], 409: ['OPERATOR_BOOTSTRAP'] },
  },
  {
    method: 'post',
    path: '/v1/admin/operators/{name}/token',
    operationId: 'replaceOperatorToken',
    summary: "Replace an operator's token (the old one stops working)",
    tag: 'admin: operators',
    security: 'admin',
    pathParams: { name: operatorName },
    success: { status: 200, description: 'the operator and its new token', schema: operatorWithTokenSchema },
    errors: { 404: ['OPERATOR_NOT_FOUND'], 409: ['OPERATOR_BOOTSTRAP'] },
  },
  {
    method: 'delete',
    path: '/v1/admin/operators/{name}',
    operationId: 'deleteOperator',
    summary: 'Delete an operator account',
    tag: 'admin: operators',
    security: 'admin',
    pathParams: { name: operatorName },
    success: { status: 204, description: 'deleted' },
    errors: { 404: ['OPERATOR_NOT_FOUND'], 409: ['OPERATOR_BOOTSTRAP'] },
  },
];

export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoTime,
  actor: z.string().describe('the operator, or `access key <id>` for a scheme call of the vendor-compatible endpoint'),
  role: z.string().describe('viewer, editor, admin, or accessKey'),
  action: z.string().describe('what kind of change: `scheme.create`, `policy.update`, `accessKey.disable`, `erasure`…'),
  target: z.string().describe('what it changed: `scheme FA…`, `global policy 100001`, `access key NF…`…'),
  before: z.unknown().describe('the thing before (null: it did not exist); a policy: the version and the settings that changed'),
  after: z.unknown().describe('the thing after (null: deleted)'),
});

const auditLog: Operation[] = [
  {
    method: 'get',
    path: '/v1/admin/audit',
    operationId: 'listAuditLog',
    summary: 'The audit log: every change, who made it, when, and the thing before and after',
    description:
      'Schemes, policies and their logging switches, access keys, webhooks, phone lists, code-check locks, configuration imports, operators, SMS signatures and templates, and erasures. Newest first. Secrets and tokens are never in it; an erased number appears masked.',
    tag: 'admin: audit',
    security: 'admin',
    query: {
      limit: { schema: auditQuerySchema.shape.limit, description: 'how many, 1–1000 (default 100)' },
      action: {
        schema: auditQuerySchema.shape.action,
        description: 'only this action, or actions under it (`policy` gives `policy.update`, `policy.rollback`…)',
      },
      target: { schema: auditQuerySchema.shape.target, description: 'only changes of this target' },
    },
    success: { status: 200, description: 'the entries, newest first', schema: z.object({ entries: z.array(auditEntrySchema) }) },
    errors: { 400: ['VALIDATION_FAILED'] },
  },
];

const erasures: Operation[] = [
  {
    method: 'post',
    path: '/v1/admin/erasures',
    operationId: 'erasePhoneNumber',
    summary: 'Erase everything kept about one phone number (GDPR art. 17, PIPL art. 47)',
    description:
      'Deletes the sessions that name the number (records, logs, traces), its SMS code state and counters, risk and rate-limit counters, its code-check lock, simulator messages, and deny/allow list entries that are exactly the number. Audited, with the number masked.',
    tag: 'admin: phone numbers',
    security: 'admin',
    body: { schema: erasureRequestSchema },
    success: {
      status: 200,
      description: 'what was erased',
      schema: z.object({
        phoneNumber: z.string().describe('masked'),
        erased: z.object({ sessions: z.number().int(), keys: z.number().int(), listEntries: z.number().int() }),
      }),
    },
    errors: { 400: ['VALIDATION_FAILED', 'INVALID_PHONE_NUMBER'] },
  },
];

const diagramSchema = z.object({
  scope: z.enum(['global', 'scheme']),
  schemeCode: z.string().optional(),
  sceneCode: z.string(),
  version: z.number().int(),
  policyVersion: z.string(),
  nodes: z.array(
    z.object({
      id: z.string().describe('the box: a policy node, or a step of the policy itself (start, proved, verified, failed…)'),
      policyNode: z.string().describe('the policy node it shows, or `policy`'),
      enabled: z.boolean().describe('false: switched off (greyed, no routes)'),
      sessions: z.number().int().describe('of the newest 200 sessions of the scene (and scheme), how many passed through it'),
    }),
  ),
  edges: z.array(z.object({ from: z.string(), to: z.string(), events: z.array(z.string()).describe('what takes this route') })),
});
const checkResultSchema = z.object({ ok: z.boolean(), errors: z.array(policyIssueSchema), warnings: z.array(policyIssueSchema) });

function diagramOperations(scope: 'global' | 'scheme'): Operation[] {
  const base = scope === 'global' ? '/v1/admin/policies/{sceneCode}' : '/v1/admin/schemes/{code}/policies/{sceneCode}';
  const prefix = scope === 'global' ? 'GlobalPolicy' : 'SchemePolicy';
  const sceneCode: Parameter = { schema: z.enum(sceneCodes), description: 'the scene: 100001–100005' };
  const pathParams: Record<string, Parameter> =
    scope === 'global' ? { sceneCode } : { code: { schema: schemeCodeSchema, description: 'the scheme code' }, sceneCode };
  const notFound = scope === 'global' ? ['SCENE_NOT_FOUND'] : ['SCHEME_NOT_FOUND', 'SCENE_NOT_FOUND'];
  return [
    {
      method: 'get',
      path: `${base}/diagram`,
      operationId: `get${prefix}Diagram`,
      summary: 'The policy diagram: its nodes, the routes its settings make, and live counts',
      description:
        'The session chart folded into policy nodes, as the console draws it; switched-off nodes come without routes. With `version`, the diagram of that version of the history (its counts: sessions that ran it), so two versions can be compared box by box and arrow by arrow.',
      tag: 'admin: policies',
      security: 'admin',
      pathParams,
      query: { version: { schema: versionNumberSchema, description: 'a version number of the history (default: the policy now)' } },
      success: { status: 200, description: 'the diagram', schema: diagramSchema },
      errors: { 404: [...notFound, 'POLICY_VERSION_NOT_FOUND'] },
    },
    {
      method: 'post',
      path: `${base}/check`,
      operationId: `check${prefix}Draft`,
      summary: 'The static checks of a draft policy, before it is saved (saves nothing)',
      tag: 'admin: policies',
      security: 'admin',
      pathParams,
      body: { schema: policyCheckRequestSchema },
      success: { status: 200, description: 'the errors that would refuse the save, and the warnings', schema: checkResultSchema },
      errors: { 400: ['VALIDATION_FAILED'], 404: notFound },
    },
  ];
}

export const smsSignatureSchema = z.object({
  name: z.string().describe('shown in 【】 before the message'),
  description: z.string().optional(),
  complimentary: z.boolean().describe('one of the free ones every account has: ready to use, never changed or deleted'),
  createdAt: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
});
export const smsTemplateSchema = z.object({
  code: z.string().describe('TemplateCode: SMS_ and digits, or 100001–100005 for the complimentary ones'),
  name: z.string(),
  content: z.string().describe('the text, with ${code} where the code goes and ${min} for how many minutes it is valid'),
  description: z.string().optional(),
  complimentary: z.boolean().describe('one of the free ones every account has: ready to use, never changed or deleted'),
  createdAt: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
  variables: z.array(z.string()).describe('the variables the content names: code and min'),
  preview: z.string().describe('a message of it: the complimentary signature, code 123456, valid 5 minutes'),
});

function smsOperations(kind: 'signature' | 'template'): Operation[] {
  const isSignature = kind === 'signature';
  const collection = isSignature ? '/v1/admin/sms/signatures' : '/v1/admin/sms/templates';
  const item = isSignature ? `${collection}/{name}` : `${collection}/{code}`;
  const Name = isSignature ? 'SmsSignature' : 'SmsTemplate';
  const schema = isSignature ? smsSignatureSchema : smsTemplateSchema;
  const pathParams: Record<string, Parameter> = isSignature
    ? { name: { schema: signNameSchema, description: 'the signature' } }
    : { code: { schema: templateCodeSchema, description: 'the template code' } };
  const KIND = isSignature ? 'SIGNATURE' : 'TEMPLATE';
  const common = { tag: 'admin: SMS templates', security: 'admin' as const };
  return [
    {
      ...common,
      method: 'get',
      path: collection,
      operationId: `list${Name}s`,
      summary: isSignature ? 'List SMS signatures, the complimentary one first' : 'List SMS templates, the complimentary ones first',
      success: {
        status: 200,
        description: 'every one',
        schema: isSignature ? z.object({ signatures: z.array(schema) }) : z.object({ templates: z.array(schema) }),
      },
    },
    {
      ...common,
      method: 'post',
      path: collection,
      operationId: `create${Name}`,
      summary: isSignature ? 'Create an SMS signature' : 'Create an SMS template (without a code, one is generated)',
      ...(isSignature
        ? {}
        : {
            description:
              'The content must name the code as `${code}` and its validity as `${min}` (minutes), and no other variable; senders put the vendor marker `##code##` in TemplateParam `code`.',
          }),
      body: { schema: isSignature ? smsSignatureInputSchema : smsTemplateInputSchema },
      success: { status: 201, description: 'created', schema, headers: { Location: `the URL of the ${kind}` } },
      errors: { 400: ['VALIDATION_FAILED'], 409: [`SMS_${KIND}_EXISTS`] },
    },
    {
      ...common,
      method: 'get',
      path: item,
      operationId: `get${Name}`,
      summary: `One SMS ${kind}`,
      pathParams,
      success: { status: 200, description: `the ${kind}`, schema },
      errors: { 404: [`SMS_${KIND}_NOT_FOUND`] },
    },
    {
      ...common,
      method: 'put',
      path: item,
      operationId: `replace${Name}`,
      summary: `Change an SMS ${kind} (not a complimentary one)`,
      pathParams,
      body: { schema: isSignature ? smsSignatureUpdateSchema : smsTemplateUpdateSchema },
      success: { status: 200, description: `the ${kind}`, schema },
      errors: {
        400: ['VALIDATION_FAILED', isSignature ? 'NAME_MISMATCH' : 'CODE_MISMATCH'],
        404: [`SMS_${KIND}_NOT_FOUND`],
        409: [`SMS_${KIND}_COMPLIMENTARY`],
      },
    },
    {
      ...common,
      method: 'delete',
      path: item,
      operationId: `delete${Name}`,
      summary: `Delete an SMS ${kind}: not a complimentary one, nor one a policy names (\`details.policies\` lists them)`,
      pathParams,
      success: { status: 204, description: 'deleted' },
      errors: { 404: [`SMS_${KIND}_NOT_FOUND`], 409: [`SMS_${KIND}_COMPLIMENTARY`, `SMS_${KIND}_IN_USE`] },
    },
  ];
}

/** Request schemas several operations take, by their names in the document. */
export const consoleRequestNames: [z.ZodType, string][] = [
  [policyCheckRequestSchema, 'PolicyCheckRequest'],
  [smsTemplateInputSchema, 'SmsTemplateInput'],
];

/** Schemes answered by several operations, by their names in the document. */
export const consoleSchemaNames: [z.ZodType, string][] = [
  [operatorSchema, 'Operator'],
  [operatorWithTokenSchema, 'OperatorWithToken'],
  [diagramSchema, 'PolicyDiagram'],
  [checkResultSchema, 'PolicyCheckResult'],
  [smsSignatureSchema, 'SmsSignature'],
  [smsTemplateSchema, 'SmsTemplate'],
];

export const consoleOperations: readonly Operation[] = [
  ...operatorAccounts,
  ...auditLog,
  ...erasures,
  ...diagramOperations('global'),
  ...diagramOperations('scheme'),
  ...smsOperations('signature'),
  ...smsOperations('template'),
];

export const consoleTags: readonly { name: string; description: string }[] = [
  { name: 'admin: audit', description: 'The audit log of every change.' },
  {
    name: 'admin: SMS templates',
    description:
      'SMS signatures and templates, with the complimentary ones ready to use. Sessions send the ones their policy names (SMS code node: signName, templateCode), the REST send-code and SendSmsVerifyCode the ones they name.',
  },
  { name: 'admin: operators', description: 'Operator accounts: viewers read, editors also change policies and SMS templates, admins change everything.' },
];
