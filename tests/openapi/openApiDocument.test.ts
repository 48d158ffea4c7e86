import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clientEventTypes, sceneCodes } from '../../machines/index.js';
import { buildOpenApiDocument, errorCodesOf } from '../../server/http/openapi/openApiDocument.js';
import { operations } from '../../server/http/openapi/operations.js';
import { tokenRequestSchema } from '../../server/http/routes/fusionAuthRoutes.js';
import { sendCodeSchema } from '../../server/http/routes/plainVerificationRoutes.js';
import { documentSchemas } from './documentSchemas.js';

type Json = Record<string, any>;
const document = buildOpenApiDocument() as Json;
const schemas = document.components.schemas as Record<string, Json>;
const requestSchemaOf = (method: string, path: string): Json => {
  const ref: string = document.paths[path][method].requestBody.content['application/json'].schema.$ref;
  return schemas[ref.replace('#/components/schemas/', '')]!;
};
const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
    expect(result.specification).toBe('OpenAPI');
    expect(result.warnings).toEqual([]);
  });

  it('the validator does refuse a broken document (so the check above means something)', async () => {
    const broken = structuredClone(document);
    broken.paths['/v1/sessions'].post.responses = 'none';
    delete broken.info.version;
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it('every component schema is a valid JSON Schema 2020-12 schema, and every $ref resolves', () => {
    expect(documentSchemas(document).compileAll().length).toBe(Object.keys(schemas).length);
  });

  it('names numberflow, its package version and a relative server', () => {
    expect(document.info).toMatchObject({ title: 'numberflow', version: packageVersion });
    expect(document.servers).toEqual([{ url: '/' }]);
  });

  it('has one operation per registry entry, with unique operation ids and declared security schemes', () => {
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    let count = 0;
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) {
        count++;
        for (const requirement of op.security as Json[])
          for (const name of Object.keys(requirement)) expect(document.components.securitySchemes).toHaveProperty(name);
        for (const param of path.match(/\{(\w+)\}/g) ?? [])
          expect(
            op.parameters.find((p: Json) => p.in === 'path' && `{${p.name}}` === param),
            `${method} ${path} ${param}`,
          ).toBeTruthy();
      }
    }
    expect(count).toBe(operations.length);
  });

  it('each credentialed operation documents its 401, and every error response lists its codes in the Error envelope', () => {
    for (const op of operations) {
      const responses = document.paths[op.path][op.method].responses as Record<string, Json>;
      if (op.vendorEnvelope) {
        // The vendor-compatible endpoint refuses a bad signature the vendor's way: 400 SignatureDoesNotMatch, in its own envelope.
        expect(responses['400']!.description, op.operationId).toContain('SignatureDoesNotMatch');
        for (const [status, codes] of errorCodesOf(op)) {
          const schema = responses[String(status)]!.content['application/json'].schema;
          expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/VendorError' });
          expect(schema.allOf[1].properties.Code.description).toBe(`one of ${codes.join(', ')}`);
        }
        continue;
      }
      if (op.security !== 'none') expect(Object.keys(responses), `${op.operationId}`).toContain('401');
      if (op.errorEnvelope) {
        // The CAMARA routes answer in CAMARA's `{status, code, message}` or, the authorization server, OAuth's `{error, error_description}`.
        for (const [status, codes] of errorCodesOf(op)) {
          const schema = responses[String(status)]!.content['application/json'].schema;
          expect(schema.allOf[0]).toEqual({ $ref: op.errorEnvelope === 'camara' ? '#/components/schemas/CamaraError' : '#/components/schemas/OAuthError' });
          expect(op.errorEnvelope === 'camara' ? schema.allOf[1].properties.code.enum : schema.allOf[1].properties.error.enum).toEqual(codes);
        }
        continue;
      }
      for (const [status, codes] of errorCodesOf(op)) {
        const schema = responses[String(status)]!.content['application/json'].schema;
        expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Error' });
        expect(schema.allOf[1].properties.error.properties.code.enum).toEqual(codes);
      }
    }
    expect(document.components.securitySchemes).toEqual({
      appBackend: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      client: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      admin: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      vendorSignature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }),
      metrics: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      camaraClient: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      camaraAccessToken: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(document.paths['/'].post.security).toEqual([{ vendorSignature: [] }]);
    expect(document.paths['/v1/fusion-auth/token'].post.security).toEqual([{ appBackend: [] }]);
    expect(document.paths['/v1/sessions/{id}'].get.security).toEqual([{ client: [] }]);
    expect(document.paths['/v1/admin/schemes'].get.security).toEqual([{ admin: [] }]);
    expect(document.paths['/healthz'].get.security).toEqual([]);
    expect(document.paths['/metrics'].get.security).toEqual([{}, { metrics: [] }]);
  });

  it('leaves out the simulator routes when the simulator is not mounted', () => {
    const withoutSimulator = buildOpenApiDocument({ simulator: false }) as Json;
    expect(Object.keys(withoutSimulator.paths).filter((p) => p.startsWith('/v1/simulator'))).toEqual([]);
    expect(Object.keys(document.paths).filter((p) => p.startsWith('/v1/simulator')).length).toBeGreaterThan(0);
  });
});

describe('the request schemas are the ones the server validates with', () => {
  it('the event body is the client event union: its `type`s are exactly the client event types', () => {
    const events = requestSchemaOf('post', '/v1/sessions/{id}/events');
    const types = (events.oneOf as Json[]).map((variant) => variant.properties.type.const);
    expect(types).toEqual([...clientEventTypes]);
    const phoneNumber = (events.oneOf as Json[]).find((v) => v.properties.type.const === 'PHONE_NUMBER')!;
    expect(phoneNumber.required).toEqual(['type', 'phoneNumber']);
    expect(phoneNumber.additionalProperties).toBe(false);
  });

  it('the token request requires durationSeconds, 900 to 43200, and is exactly tokenRequestSchema', () => {
    const token = requestSchemaOf('post', '/v1/fusion-auth/token');
    expect(token.required).toContain('durationSeconds');
    expect(token.properties.durationSeconds).toMatchObject({ type: 'integer', minimum: 900, maximum: 43_200 });
    const { $schema: _, ...generated } = z.toJSONSchema(tokenRequestSchema, { target: 'draft-2020-12', io: 'input' });
    expect(token).toEqual(generated);
  });

  it('a session start takes a scene code of the machine and the device signals by reference', () => {
    const start = requestSchemaOf('post', '/v1/sessions');
    expect(start.properties.sceneCode.enum).toEqual([...sceneCodes]);
    expect(start.required).toEqual(['sceneCode']);
    expect(start.properties.device.$ref).toBe('#/components/schemas/Device');
    expect(schemas.Device!.properties).toHaveProperty('cellularAvailable', { type: 'boolean' });
  });

  it('requests are zod input: a field with a default is optional (send-code codeLength defaults to 6)', () => {
    const sendCode = requestSchemaOf('post', '/v1/sms-verification/send-code');
    expect(sendCode.required).toEqual(['phoneNumber']);
    expect(sendCode.properties.codeLength).toMatchObject({ default: 6, minimum: 4, maximum: 8 });
    expect(sendCodeSchema.parse({ phoneNumber: '13800000000' }).codeLength).toBe(6);
  });

  it('what the zod schema refuses for its shape, the document refuses too, and the other way round', () => {
    const check = documentSchemas(document);
    const name = 'GetFusionAuthTokenRequest';
    const good = { schemeCode: 'FA000000000000001', platform: 'Android', durationSeconds: 900 };
    for (const body of [good, { ...good, durationSeconds: 43_200 }, { ...good, phoneNumber: '13800000000' }]) {
      expect(tokenRequestSchema.safeParse(body).success).toBe(true);
      expect(check.componentErrors(name, body)).toEqual([]);
    }
    for (const body of [
      { ...good, durationSeconds: 899 },
      { ...good, durationSeconds: 900.5 },
      { ...good, platform: 'Windows' },
      { ...good, extra: 1 },
      { schemeCode: 'x' },
    ]) {
      expect(tokenRequestSchema.safeParse(body).success).toBe(false);
      expect(check.componentErrors(name, body).length, JSON.stringify(body)).toBeGreaterThan(0);
    }
  });

  it('path parameters carry the patterns the routes check (session id, scheme code)', () => {
    const sessionId = document.paths['/v1/sessions/{id}'].get.parameters[0];
    expect(sessionId).toMatchObject({ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' } });
    const code = document.paths['/v1/admin/schemes/{code}'].get.parameters[0];
    expect(code.schema.pattern).toBe('^FA\\d{6,20}$');
  });
});
