export type JsonSchema = Record<string, unknown>;

export interface ServedParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: JsonSchema;
}

/** One operation of the served OpenAPI document, as the fuzzer needs it. */
export interface ServedOperation {
  method: string;
  /** The template: `/v1/sessions/{id}`. */
  path: string;
  operationId: string;
  /** The security scheme a caller must satisfy, `none` when the operation is public (or only optionally protected). */
  security: string;
  parameters: ServedParameter[];
  /** The JSON request body's schema, when the operation takes a body. */
  body?: JsonSchema;
  /** Media types the body may come in. */
  bodyMediaTypes: string[];
  /** Whether errors come in the vendor's envelope `{RequestId, Code, Message}`. */
  vendorEnvelope: boolean;
  /** The CAMARA routes' envelopes: CAMARA's `{status, code, message}` or OAuth's `{error, error_description}`. */
  errorEnvelope?: 'camara' | 'oauth';
}

interface Document {
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** Every operation of the document, with its request body's schema resolved against the components. */
export function servedOperations(document: unknown): ServedOperation[] {
  const doc = document as Document;
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const security = (op.security as Record<string, unknown>[]) ?? [];
      const required = security.length > 0 && !security.some((requirement) => Object.keys(requirement).length === 0);
      const content = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content ?? {};
      const json = content['application/json']?.schema;
      const errorSchemas = JSON.stringify(op.responses ?? {});
      return {
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        security: required ? Object.keys(security[0]!)[0]! : 'none',
        parameters: ((op.parameters as ServedParameter[] | undefined) ?? []).map((p) => ({ name: p.name, in: p.in, schema: p.schema })),
        ...(json ? { body: resolve(json, doc) } : {}),
        bodyMediaTypes: Object.keys(content),
        vendorEnvelope: errorSchemas.includes('#/components/schemas/VendorError'),
        ...(errorSchemas.includes('#/components/schemas/CamaraError')
          ? { errorEnvelope: 'camara' as const }
          : errorSchemas.includes('#/components/schemas/OAuthError')
            ? { errorEnvelope: 'oauth' as const }
            : {}),
      };
    }),
  );
}

/** A schema with its `$ref`s replaced by what they point at (recursive references stop at depth 6). */
export function resolve(schema: JsonSchema, document: unknown, depth = 0): JsonSchema {
  const doc = document as Document;
  if (depth > 6) return {};
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return resolve(doc.components.schemas[name] ?? {}, doc, depth + 1);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (Array.isArray(value)) out[key] = value.map((v) => (isObject(v) ? resolve(v, doc, depth + 1) : v));
    else if (isObject(value) && key !== 'const' && key !== 'default')
      out[key] = key === 'properties' ? mapValues(value, (v) => resolve(v as JsonSchema, doc, depth + 1)) : resolve(value, doc, depth + 1);
    else out[key] = value;
  }
  return out;
}

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const mapValues = (record: JsonSchema, fn: (value: unknown) => unknown) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
