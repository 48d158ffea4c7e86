import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
type OpenApiDocument = { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const base = 'urn:numberflow:openapi';

/** `#/components/schemas/X` → `urn:numberflow:openapi#/$defs/X`, so that a JSON Schema validator can resolve them outside the document. */
function absoluteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${base}#/$defs/`)) as T;
}

/**
 * The document's schemas under a JSON Schema 2020-12 validator in strict mode: every component
 * must compile (unknown keywords, bad types and dangling refs fail), and a response can be
 * checked against the schema the document gives for its operation and status.
 */
export function documentSchemas(document: unknown) {
  const doc = document as OpenApiDocument;
  const ajv = addFormats(new Ajv2020({ strict: true, strictTypes: false, allErrors: true }));
  ajv.addSchema({ $id: base, $defs: absoluteRefs(doc.components.schemas) });
  const compiled = new Map<string, ValidateFunction>();

  const compile = (key: string, schema: Json): ValidateFunction => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(absoluteRefs(schema));
      compiled.set(key, validate);
    }
    return validate;
  };

  return {
    /** Compiles every component; throws on the first one that is not a valid 2020-12 schema. */
    compileAll(): string[] {
      const names = Object.keys(doc.components.schemas);
      for (const name of names) compile(`component ${name}`, { $ref: `#/components/schemas/${name}` });
      return names;
    },
    /** Errors of `value` against a named component, or [] when it conforms. */
    componentErrors(name: string, value: unknown): string[] {
      const validate = compile(`component ${name}`, { $ref: `#/components/schemas/${name}` });
      return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    },
    /** Errors of a response body (of `contentType`) against what the document says `method path` answers with `status`. */
    responseErrors(method: string, path: string, status: number, body: unknown, contentType: string | null = 'application/json'): string[] {
      const operation = doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, Json> } | undefined;
      if (!operation) return [`${method} ${path} is not in the document`];
      const response = operation.responses?.[String(status)] as { content?: Record<string, { schema?: Json }> } | undefined;
      if (!response) return [`${method} ${path} does not document status ${status}`];
      const mediaType = contentType?.split(';')[0]?.trim();
      if (!mediaType) return body === undefined || body === '' ? [] : [`${method} ${path} ${status} sent a body without a content type`];
      const content = response.content?.[mediaType];
      if (!content) return [`${method} ${path} ${status} does not document ${mediaType}`];
      if (mediaType !== 'application/json') return []; // a documented text body (YAML, HTML, metrics)
      const validate = compile(`${method} ${path} ${status}`, content.schema ?? {});
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    },
  };
}
