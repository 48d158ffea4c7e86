import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { JsonSchema } from './servedOperations.js';

/** Strings that have broken parsers, validators, templates and logs before. */
const nastyStrings = [
  '',
  ' ',
  '0',
  '-1',
  '1e999',
  'NaN',
  'null',
  'undefined',
  'true',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '%s%s%s%n',
  '${process.exit()}',
  '{{7*7}}',
  "'; DROP TABLE sessions; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  '\r\n\r\nX-Injected: 1',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  '13800138000',
  '+8613800138000',
  '138****8000',
  '000000',
  'FA000000000000001',
  '100001',
  'A'.repeat(5_000),
];

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...nastyStrings) },
);

const anyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, -1, 2 ** 53, -(2 ** 53) - 1, 1e308, 5e-324, 12_345_678_901_234_567_890),
);

/** Any JSON value, small. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  anyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(anyString, { maxLength: 3 }),
  fc.dictionary(anyString, anyString, { maxKeys: 3 }),
);

/**
 * Values shaped by a JSON Schema, and mistyped: each place takes either something the schema
 * describes (enum and const values, properties by name, arrays of items) or any JSON at all, so
 * bodies reach past the first check into the route's own logic as often as they fail it.
 */
export function schemaShaped(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return anyJson;
  const alternatives: fc.Arbitrary<unknown>[] = [];
  if (Array.isArray(schema.enum)) alternatives.push(fc.constantFrom(...(schema.enum as unknown[])));
  if ('const' in schema) alternatives.push(fc.constant(schema.const));
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const)
    if (Array.isArray(schema[key])) alternatives.push(...(schema[key] as JsonSchema[]).map((s) => schemaShaped(s, depth + 1)));
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  if (types.includes('object') || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const known = fc.record(Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, schemaShaped(s, depth + 1)])), { requiredKeys: [] });
    alternatives.push(
      fc
        .tuple(known, fc.option(fc.dictionary(anyString, anyJson, { maxKeys: 2 }), { nil: undefined }))
        .map(([object, extra]) => ({ ...(extra ?? {}), ...object })),
    );
  }
  if (types.includes('array') || schema.items) alternatives.push(fc.array(schemaShaped((schema.items ?? {}) as JsonSchema, depth + 1), { maxLength: 3 }));
  if (types.includes('string')) alternatives.push(anyString);
  if (types.includes('integer') || types.includes('number')) alternatives.push(anyNumber);
  if (types.includes('boolean')) alternatives.push(fc.boolean());
  if (types.includes('null')) alternatives.push(fc.constant(null));
  return alternatives.length ? fc.oneof({ weight: 4, arbitrary: fc.oneof(...alternatives) }, { weight: 1, arbitrary: anyJson }) : anyJson;
}

const pollutionKeys = ['__proto__', 'constructor', 'prototype'];

/** A JSON text with prototype-pollution keys spliced into an object (JSON.stringify would drop a `__proto__` key). */
function withPollution(value: unknown, key: string): string {
  const payload = key === 'constructor' ? '{"prototype":{"polluted":"yes","isAdmin":true}}' : '{"polluted":"yes","isAdmin":true}';
  const text = JSON.stringify(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return text === '{}' ? `{"${key}":${payload}}` : `{"${key}":${payload},${text.slice(1)}`;
  return `{"${key}":${payload},"value":${text ?? 'null'}}`;
}

/** Texts that are not quite JSON. */
const malformedJson = fc.oneof(
  fc.constantFrom(
    '{',
    '{"type":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":01}',
    '{"a":"\\x41"}',
    '{"a":"\\ud800"}',
    '\ufeff{}',
    '{}\u0000',
    '{}{}',
    '[]',
    '"a string"',
    '42',
    'null',
    'true',
    '{"a":1}garbage',
    '{"__proto__":',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** Arrays nested as deep as 16 kB allows. */
const deepNesting = fc.integer({ min: 100, max: 7_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObjects = fc.integer({ min: 100, max: 2_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** A body text for an operation: shaped by its schema, polluted, huge, deep, unicode or malformed. */
export function bodyText(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const shaped = schema ? schemaShaped(schema) : anyJson;
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: fc.tuple(shaped, fc.constantFrom(...pollutionKeys)).map(([value, key]) => withPollution(value, key)) },
    { weight: 2, arbitrary: malformedJson },
    {
      weight: 1,
      arbitrary: fc
        .tuple(shaped, fc.integer({ min: 1_000, max: 40_000 }))
        .map(([value, size]) => JSON.stringify({ ...(typeof value === 'object' && value !== null ? value : {}), huge: 'x'.repeat(size) })),
    },
    { weight: 1, arbitrary: fc.oneof(deepNesting, deepObjects) },
  );
}

/** Content types a client might send, right, wrong or broken. */
export const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset="bogus"',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----x',
      'application/yaml',
      'text/yaml',
      'text/plain',
      'text/html',
      'application/octet-stream',
      'application/xml',
      '*/*',
      'garbage',
      'application/json;;;',
      '',
    ),
  },
);

type Encoding = { header?: string; encode: (body: Buffer) => Buffer };
const broken = (bytes: Buffer) => () => bytes;

/** Content encodings: none, each one done right, each one claimed for bytes that are not it, and unknown ones. */
export const contentEncoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Encoding>({ encode: (b) => b }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<Encoding>(
      { header: 'identity', encode: (b) => b },
      { header: 'gzip', encode: (b) => gzipSync(b) },
      { header: 'GZIP', encode: (b) => gzipSync(b) },
      { header: 'deflate', encode: (b) => deflateSync(b) },
      { header: 'br', encode: (b) => brotliCompressSync(b) },
      { header: 'gzip, gzip', encode: (b) => gzipSync(gzipSync(b)) },
      { header: 'gzip', encode: (b) => b },
      { header: 'deflate', encode: (b) => b },
      { header: 'br', encode: (b) => b },
      { header: 'gzip', encode: (b) => gzipSync(b).subarray(0, Math.max(1, gzipSync(b).length - 6)) },
      { header: 'gzip', encode: broken(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xff])) },
      { header: 'deflate', encode: (b) => gzipSync(b) },
      { header: 'br', encode: broken(Buffer.from('not brotli at all')) },
      { header: 'compress', encode: (b) => b },
      { header: 'x-unknown', encode: (b) => b },
      { header: 'gzip;q=1', encode: (b) => gzipSync(b) },
    ),
  },
);

/** Path segments no route expects: empty, traversal, percent-broken, huge, pollution names, unicode. */
export const oddPathSegment = fc.oneof(
  fc.constantFrom(
    '',
    '.',
    '..',
    '%2e%2e',
    '%2F',
    '%00',
    '%',
    '%ZZ',
    '%E0%A4%A',
    '%F0%9F%98%80',
    '%EF%BF%BF',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    '-1',
    '1e999',
    'null',
    'A'.repeat(3_000),
    'FA' + '9'.repeat(40),
    '100001%20',
    'x;y=z',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(Buffer.from(s).toString())),
);

/** A header value as it can travel on the wire: printable ASCII and Latin-1, never a line break. */
export const headerValue = fc.oneof(
  fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('', ' ', '"', 'W/"1"', '*', '-1', '999999999999999999999', 'caf\u00e9', 'A'.repeat(4_000)),
);

export const queryValue = fc.oneof(
  fc.constantFrom(...nastyStrings.filter((s) => s.length < 100)),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer().map(String),
);

type Path = (string | number)[];

/** Every place in a JSON value: object keys and array indexes, at every depth. */
function placesOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value))
    value.forEach((item, index) => {
      out.push([...path, index]);
      placesOf(item, [...path, index], out);
    });
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) {
      out.push([...path, key]);
      placesOf(item, [...path, key], out);
    }
  return out;
}

function changedAt(base: unknown, path: Path, change: { value: unknown } | 'delete'): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (change === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = change.value;
  return copy;
}

/**
 * A valid body with one thing changed: a field set to any value (a nasty string, a number where a
 * string goes, an object where a list goes), or removed. These pass most of a route's checks, so
 * they reach its deeper logic.
 */
export function mutatedBody(base: unknown): fc.Arbitrary<unknown> {
  const places = placesOf(base);
  if (places.length === 0) return fc.oneof(fc.constant(base), anyJson);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(base) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...places), anyJson).map(([path, value]) => changedAt(base, path, { value })) },
    { weight: 1, arbitrary: fc.constantFrom(...places).map((path) => changedAt(base, path, 'delete')) },
  );
}
