import { requiredRole } from '../../operators/operatorRoles.js';
import { consoleRequestNames, consoleSchemaNames } from './consoleOperations.js';
import { camaraErrorSchema, camaraSchemaNames, oauthErrorSchema } from './camaraOperations.js';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { phoneListsViewSchema } from '../routes/phoneListRoutes.js';
import { recycledNumberSchema } from '../routes/simulatorRoutes.js';
import { policySchema } from '../../../machines/index.js';
import { configDocumentSchema } from '../../policyAsCode/configDocument.js';
import { schemeInputSchema } from '../../schemes/schemeSchema.js';
import { clientEventSchema } from '../clientEventSchema.js';
import { restoreDefaultsSchema, rollbackSchema } from '../routes/policyRoutes.js';
import { deviceSchema } from '../routes/sessionRoutes.js';
import type { ErrorStatus, Operation, Parameter, Security } from './operationTypes.js';
import { impactRequestSchema } from '../replayCandidate.js';
import { operations as allOperations, policyPatchSchema, tags } from './operations.js';
import {
  simulatorUplinkAcceptedSchema,
  accessKeySchema,
  codeCheckLockSchema,
  errorResponseSchema,
  policyImpactSchema,
  testPathsSchema,
  vendorErrorSchema,
  vendorReplySchema,
  nextActionSchema,
  policyLoggingSchema,
  policyVersionListSchema,
  policyVersionSchema,
  policyViewSchema,
  savedPolicySchema,
  schemeSchema,
  sessionViewSchema,
  webhookSchema,
} from './responseSchemas.js';

/** OpenAPI 3.1 uses JSON Schema 2020-12. */
const target = 'draft-2020-12';
const componentRef = (name: string) => `#/components/schemas/${name}`;

/**
 * Names of the schemas that more than one operation uses, or that others contain. The rest are
 * named after their operation: `StartSessionRequest`, `GetFusionAuthTokenResponse`. Requests are
 * generated as zod's *input* (defaults make a field optional), responses as its *output*.
 */
const requestNames = new Map<z.ZodType, string>([
  [deviceSchema, 'Device'],
  [clientEventSchema, 'ClientEvent'],
  [schemeInputSchema, 'SchemeInput'],
  [policySchema, 'PolicyInput'],
  [policyPatchSchema, 'PolicyPatch'],
  [configDocumentSchema, 'ConfigDocument'],
  [impactRequestSchema, 'PolicyImpactRequest'],
  [restoreDefaultsSchema, 'RestoreDefaultsRequest'],
  [rollbackSchema, 'RollbackRequest'],
  ...consoleRequestNames,
]);
const responseNames = new Map<z.ZodType, string>([
  [errorResponseSchema, 'Error'],
  [vendorErrorSchema, 'VendorError'],
  [vendorReplySchema, 'VendorReply'],
  [policyImpactSchema, 'PolicyImpact'],
  [testPathsSchema, 'TestPaths'],
  [sessionViewSchema, 'SessionView'],
  [simulatorUplinkAcceptedSchema, 'InboundSmsAccepted'],
  [phoneListsViewSchema, 'PhoneLists'],
  [recycledNumberSchema, 'RecycledNumber'],
  [codeCheckLockSchema, 'CodeCheckLock'],
  [nextActionSchema, 'NextAction'],
  [schemeSchema, 'Scheme'],
  ...consoleSchemaNames,
  ...camaraSchemaNames,
  [accessKeySchema, 'AccessKey'],
  [webhookSchema, 'Webhook'],
  [policySchema, 'Policy'],
  [policyViewSchema, 'PolicyDocument'],
  [savedPolicySchema, 'SavedPolicy'],
  [policyVersionListSchema, 'PolicyVersionList'],
  [policyVersionSchema, 'PolicyVersion'],
  [policyLoggingSchema, 'SceneLogging'],
  [configDocumentSchema, 'ExportedConfigDocument'],
]);

const securitySchemes = {
  appBackend: { type: 'http', scheme: 'basic', description: "An app backend's access key: HTTP Basic with `id:secret`." },
  client: { type: 'http', scheme: 'bearer', description: 'A client: the auth token its app backend got from `POST /v1/fusion-auth/token`.' },
  admin: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An operator: the `ADMIN_TOKEN` (the bootstrap admin) or an operator token from `POST /v1/admin/operators`. A viewer may read; an editor may also change policies and SMS templates; an admin may change everything. A role too low for a route answers 403 OPERATOR_ROLE_REQUIRED.',
  },
  metrics: {
    type: 'http',
    scheme: 'bearer',
    description: 'Prometheus: the `METRICS_TOKEN`, wanted only when the server has one (without it, `/metrics` is open).',
  },
  vendorSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      "Alibaba Cloud's request signature by a numberflow access key: `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=…,Signature=…` with `x-acs-date` and `x-acs-signature-nonce`, or the HMAC-SHA1 v1 `Signature`, `AccessKeyId`, `Timestamp` and `SignatureNonce` parameters. The official SDK computes either.",
  },
  camaraClient: {
    type: 'http',
    scheme: 'basic',
    description: "A CAMARA API consumer at numberflow's authorization server: a numberflow access key as `client_id:client_secret` (or both in the form).",
  },
  camaraAccessToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A CAMARA access token from `POST /camara/oauth2/token` (discovery: `/camara/.well-known/openid-configuration`); three-legged when a carrier token proved its number.',
  },
} as const;

const unauthorizedCode: Record<Exclude<Security, 'none'>, string> = {
  appBackend: 'ACCESS_KEY_INVALID',
  client: 'AUTH_TOKEN_INVALID',
  admin: 'ADMIN_UNAUTHORIZED',
  vendorSignature: 'SignatureDoesNotMatch',
  metrics: 'METRICS_UNAUTHORIZED',
  camaraClient: 'invalid_client',
  camaraAccessToken: 'UNAUTHENTICATED',
};

const errorDescriptions: Record<ErrorStatus, string> = {
  400: 'bad input',
  401: 'no or invalid credentials',
  403: 'not allowed',
  404: 'unknown',
  409: 'not accepted in this state, or a conflicting write',
  410: 'expired',
  413: 'the request body is too large',
  415: 'the body comes in a media type the route does not take',
  429: 'rate limited: retry after `Retry-After` seconds',
  502: 'the upstream (carrier or SMS gateway) answered with an error',
  503: 'unavailable for now: retry after `Retry-After` seconds',
  504: 'the upstream (carrier) did not answer in time',
};

/** Tags of the routes mounted only while the simulator adapters are active (development). */
const developmentOnlyTags = new Set(['simulator', 'demo']);

export interface OpenApiOptions {
  /** Whether the simulator routes are mounted (only while the simulator adapters are active). */
  simulator?: boolean;
}

type JsonObject = Record<string, unknown>;

/** The OpenAPI 3.1 document of the routes in `operations.ts`, their schemas generated from the zod schemas the routes validate with. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonObject {
  const operations = allOperations.filter((op) => options.simulator !== false || !developmentOnlyTags.has(op.tag));
  const requests = componentRegistry(requestNames, 'Request');
  const responses = componentRegistry(responseNames, 'Response');
  responses.name(errorResponseSchema);

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of operations) {
    const pathItem = (paths[op.path] ??= {});
    if (pathItem[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is in the registry twice`);
    pathItem[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: securityOf(op.security),
      ...parametersOf(op),
      ...(op.body
        ? {
            requestBody: {
              required: op.body.required ?? true,
              ...(op.body.description ? { description: op.body.description } : {}),
              content: {
                'application/json': { schema: { $ref: componentRef(requests.name(op.body.schema, op.operationId)) } },
                ...textAlternatives(op.body.alternatives),
              },
            },
          }
        : {}),
      responses: responsesOf(op, (schema) => componentRef(responses.name(schema, op.operationId))),
    };
  }

  const schemas = { ...requests.generate('input') };
  for (const [name, schema] of Object.entries(responses.generate('output'))) {
    if (name in schemas && JSON.stringify(schemas[name]) !== JSON.stringify(schema)) throw new Error(`two different component schemas are named ${name}`);
    schemas[name] = schema;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'numberflow',
      version: packageVersion(),
      summary: 'Self-hostable phone-number authentication: one-click carrier logon with SMS fallback, driven by a policy statechart.',
      description:
        'Errors everywhere are `{"error": {"code", "message", "details?"}}` with the status of their kind; each response lists the codes it can carry. ' +
        'Request bodies are JSON of at most 16 kB (a configuration document for `/v1/admin/config`: 1 MB, JSON or YAML). ' +
        'Request schemas are generated from the zod schemas the server validates with. ' +
        "Every answer carries `X-Request-Id` (the request's own when it sends a well-formed one: 1 to 128 of `A-Z a-z 0-9 . _ : -`; else a new UUID; the same id is on the server's log lines of the request), " +
        "`Cache-Control: no-store` (the reference page's static files excepted) and `X-Content-Type-Options: nosniff`. " +
        'CORS: a browser page on an origin registered on an H5 scheme (its `origin`) may call the session endpoints (`/v1/sessions…`) from that origin; their preflights are answered; any other origin gets no CORS headers. The client module (`/client/numberflow-client.js`) loads from any origin. ' +
        "Timestamps are ISO 8601 strings, except the raw timer due times of the operator's session views and replays, which say epoch milliseconds.",
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: tags.filter((tag) => operations.some((op) => op.tag === tag.name)),
    paths,
    components: { schemas: sortedByKey(schemas), securitySchemes },
  };
}

let cached: { simulator: boolean; document: JsonObject } | undefined;

/** The document, built once per process. */
export function openApiDocument(options: OpenApiOptions = {}): JsonObject {
  const simulator = options.simulator !== false;
  if (cached?.simulator !== simulator) cached = { simulator, document: buildOpenApiDocument({ simulator }) };
  return cached.document;
}

/** Collects the schemas of one direction under their component names, then generates them together so they refer to each other. */
function componentRegistry(explicitNames: Map<z.ZodType, string>, suffix: string) {
  const registry = z.registry<{ id: string }>();
  const autoNamed = new Map<z.ZodType, string>();
  for (const [schema, id] of explicitNames) registry.add(schema, { id });
  return {
    name(schema: z.ZodType, operationId?: string): string {
      const explicit = explicitNames.get(schema);
      if (explicit) return explicit;
      const id = `${operationId!.charAt(0).toUpperCase()}${operationId!.slice(1)}${suffix}`;
      const previous = autoNamed.get(schema);
      if (previous !== undefined) throw new Error(`${previous} and ${id} share one schema: give it a name in openApiDocument.ts`);
      autoNamed.set(schema, id);
      registry.add(schema, { id });
      return id;
    },
    generate(io: 'input' | 'output'): Record<string, JsonObject> {
      const { schemas } = z.toJSONSchema(registry, { target, io, uri: componentRef, override: readable });
      return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutSchemaKeywords(schema as JsonObject, id)]));
    },
  };
}

/** Components carry no `$schema` (the document's dialect applies) and no `$id` (they are referred to by their place). */
function withoutSchemaKeywords({ $schema: _schema, $id: _id, ...rest }: JsonObject, id: string): JsonObject {
  if ('$defs' in rest) throw new Error(`component ${id} has $defs: name the schema it repeats in openApiDocument.ts`);
  return rest;
}

function inlineSchema(schema: z.ZodType): JsonObject {
  return withoutSchemaKeywords(z.toJSONSchema(schema, { target, io: 'input', override: readable }) as JsonObject, 'parameter');
}

/** zod's names for substring checks, which it writes as `format` next to the `pattern` that says the same. */
const substringFormats = new Set(['includes', 'starts_with', 'ends_with']);

/**
 * Two tidy-ups of zod's output: `z.number().int()` bounds itself to the safe integers, which says
 * nothing to a reader, so only real bounds stay; and a substring check keeps its `pattern` but not
 * its `format`, which no JSON Schema tool knows.
 */
function readable({ jsonSchema }: { jsonSchema: { minimum?: number; maximum?: number; format?: string } }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.format !== undefined && substringFormats.has(jsonSchema.format)) delete jsonSchema.format;
}

/** `metrics` is optional: `{}` is the open server's requirement (none), the token the other. */
function securityOf(security: Security): JsonObject[] {
  if (security === 'none') return [];
  if (security === 'metrics') return [{}, { metrics: [] }];
  return [{ [security]: [] }];
}

function parametersOf(op: Operation): { parameters?: JsonObject[] } {
  const parameters = [
    ...Object.entries(op.pathParams ?? {}).map(([name, p]) => parameter(name, 'path', p, true)),
    ...Object.entries(op.query ?? {}).map(([name, p]) => parameter(name, 'query', p, p.required ?? false)),
    ...Object.entries(op.headers ?? {}).map(([name, p]) => parameter(name, 'header', p, p.required ?? false)),
  ];
  return parameters.length ? { parameters } : {};
}

function parameter(name: string, where: 'path' | 'query' | 'header', p: Parameter, required: boolean): JsonObject {
  return { name, in: where, required, ...(p.description ? { description: p.description } : {}), schema: inlineSchema(p.schema) };
}

function responsesOf(op: Operation, refOf: (schema: z.ZodType) => string): JsonObject {
  const { success } = op;
  const out: JsonObject = {
    [success.status]: {
      description: success.description,
      ...(success.headers
        ? { headers: Object.fromEntries(Object.entries(success.headers).map(([name, description]) => [name, stringHeader(description)])) }
        : {}),
      ...(success.schema
        ? { content: { 'application/json': { schema: { $ref: refOf(success.schema) } }, ...textAlternatives(success.alternatives) } }
        : success.contentType
          ? { content: { [success.contentType]: { schema: { type: 'string' } }, ...textAlternatives(success.alternatives) } }
          : {}),
    },
  };
  for (const [status, codes] of errorCodesOf(op)) {
    const headers: Record<string, JsonObject> = {};
    if (status === 429 || status === 503) headers['Retry-After'] = { ...stringHeader('seconds to wait before trying again'), schema: { type: 'integer' } };
    if (status === 401) headers['WWW-Authenticate'] = stringHeader('the authentication scheme to use');
    const schema = op.vendorEnvelope
      ? { allOf: [{ $ref: refOf(vendorErrorSchema) }, { type: 'object', properties: { Code: { description: `one of ${codes.join(', ')}` } } }] }
      : op.errorEnvelope === 'camara'
        ? { allOf: [{ $ref: refOf(camaraErrorSchema) }, { type: 'object', properties: { status: { enum: [status] }, code: { enum: codes } } }] }
        : op.errorEnvelope === 'oauth'
          ? { allOf: [{ $ref: refOf(oauthErrorSchema) }, { type: 'object', properties: { error: { enum: codes } } }] }
          : {
              allOf: [
                { $ref: refOf(errorResponseSchema) },
                { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } },
              ],
            };
    out[status] = {
      description: `${errorDescriptions[status]}: ${codes.join(', ')}`,
      ...(Object.keys(headers).length ? { headers } : {}),
      content: { 'application/json': { schema } },
    };
  }
  return out;
}

/** The route's own error codes plus the ones its kind shares, by status, in status order. */
export function errorCodesOf(op: Operation): [ErrorStatus, string[]][] {
  const codes = new Map<ErrorStatus, string[]>();
  const add = (status: ErrorStatus, ...more: readonly string[]) => {
    const list = codes.get(status) ?? [];
    for (const code of more) if (!list.includes(code)) list.push(code);
    codes.set(status, list);
  };
  if (op.vendorEnvelope) {
    for (const [status, list] of Object.entries(op.errors ?? {})) add(Number(status) as ErrorStatus, ...list);
    return [...codes.entries()].sort(([a], [b]) => a - b);
  }
  if (op.errorEnvelope) {
    if (op.body) add(400, op.errorEnvelope === 'camara' ? 'INVALID_ARGUMENT' : 'invalid_request');
    for (const [status, list] of Object.entries(op.errors ?? {})) add(Number(status) as ErrorStatus, ...list);
    if (op.security !== 'none') add(401, unauthorizedCode[op.security]);
    if (op.body) add(413, op.errorEnvelope === 'camara' ? 'BODY_TOO_LARGE' : 'invalid_request');
    if (op.body) add(415, ...(op.errorEnvelope === 'camara' ? ['UNSUPPORTED_ENCODING', 'UNSUPPORTED_CHARSET'] : ['invalid_request']));
    if (op.errorEnvelope === 'camara' && op.rateLimited) add(429, 'TOO_MANY_REQUESTS');
    if (op.errorEnvelope === 'oauth' && op.rateLimited) add(429, 'slow_down');
    if (!op.storeFree) add(503, op.errorEnvelope === 'camara' ? 'UNAVAILABLE' : 'temporarily_unavailable');
    return [...codes.entries()].sort(([a], [b]) => a - b);
  }
  if (op.body) add(400, 'MALFORMED_JSON', 'MALFORMED_BODY');
  for (const [status, list] of Object.entries(op.errors ?? {})) add(Number(status) as ErrorStatus, ...list);
  if (op.security !== 'none') add(401, unauthorizedCode[op.security]);
  if (op.security === 'admin' && requiredRole(op.method, op.path) !== 'viewer') add(403, 'OPERATOR_ROLE_REQUIRED');
  if (op.body) add(413, 'BODY_TOO_LARGE');
  if (op.body) add(415, 'UNSUPPORTED_ENCODING', 'UNSUPPORTED_CHARSET');
  if (op.rateLimited) add(429, 'RATE_LIMITED');
  if (!op.storeFree) add(503, 'STORE_UNAVAILABLE');
  return [...codes.entries()].sort(([a], [b]) => a - b);
}

function textAlternatives(alternatives: Record<string, string> | undefined): Record<string, JsonObject> {
  return Object.fromEntries(Object.entries(alternatives ?? {}).map(([mediaType, description]) => [mediaType, { schema: { type: 'string', description } }]));
}

function stringHeader(description: string): JsonObject {
  return { description, schema: { type: 'string' } };
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}
