import { z } from 'zod';
import { sceneCodes, type Policy } from '../../machines/index.js';
import { policySchema } from '../../machines/index.js';
import { schemeCodeSchema, schemeInputSchema, type Scheme, type SchemeInput } from '../schemes/schemeSchema.js';

/**
 * Policy as code: every scheme and every policy as one document a team keeps in git.
 *
 * ```yaml
 * apiVersion: numberflow/v1
 * kind: NumberflowConfig
 * schemes:                      # sorted by code; fields in a fixed order
 *   - code: FA000000000000001
 *     name: Demo Android
 *     platform: Android
 *     packageName: com.example.numberflow
 *     packageSign: 0123456789abcdef0123456789abcdef
 * policies:
 *   global:                     # one entry per scene, sorted by scene code
 *     "100001": { logging: true, policy: { sessionTtlSeconds: 600, nodes: {…} } }
 *   schemes:                    # per scheme code (sorted), per scene (sorted)
 *     FA000000000000001:
 *       "100001": { inherit: true }
 *       "100003": { inherit: false, policy: {…} }
 * ```
 *
 * An export is deterministic, so it diffs cleanly: schemes sorted by code, maps keyed by scene or
 * scheme code in sorted order, a policy's settings in the order of the policy model
 * (`sessionTtlSeconds`, then the nodes and their settings as `policySchema` declares them; arrays
 * such as frequency rules keep their order, which is part of the policy). A policy carries no
 * `sceneCode`: the key says which scene it is for (an import accepts one if it matches).
 *
 * What a document deliberately leaves out: timestamps (`createdAt`, `updatedAt`, who changed what
 * when), version numbers and version histories (an import makes new versions, as a console edit
 * does), and every secret or credential: no access keys, no webhook URLs or signing secrets, no
 * admin token, no server secret. Sessions, tokens and counters are runtime data, not configuration.
 */
export const configApiVersion = 'numberflow/v1';
export const configKind = 'NumberflowConfig';

/** The order of a scheme's fields in a document. */
export const schemeFieldOrder = ['code', 'name', 'appName', 'platform', 'packageName', 'packageSign', 'bundleId', 'appId', 'origin', 'url'] as const;

/** A scheme in a document: the scheme fields of the admin API, with the code required. */
export const configSchemeSchema = schemeInputSchema.superRefine((scheme, ctx) => {
  if (scheme.code === undefined) ctx.addIssue({ code: 'custom', path: ['code'], message: 'a scheme in the document needs its code' });
});

/**
 * A policy body: an object. Its settings are checked by the policy repository's own checks (the
 * same static checks a console save runs), which name the node and setting of each problem.
 */
const policyBodySchema = z.record(z.string(), z.unknown());

export const configGlobalSceneSchema = z
  .object({
    /** The scene's logging switch. */
    logging: z.boolean().optional(),
    policy: policyBodySchema.optional(),
  })
  .strict();

export const configSchemeSceneSchema = z.discriminatedUnion('inherit', [
  z.object({ inherit: z.literal(true) }).strict(),
  z.object({ inherit: z.literal(false), policy: policyBodySchema }).strict(),
]);

const sceneCodeSchema = z.enum(sceneCodes);

export const configPoliciesSchema = z
  .object({
    global: z.partialRecord(sceneCodeSchema, configGlobalSceneSchema).optional(),
    schemes: z.record(schemeCodeSchema, z.partialRecord(sceneCodeSchema, configSchemeSceneSchema)).optional(),
  })
  .strict();

/** The whole document. `schemes` and `policies` may be left out of an import (not with `prune=true`). */
export const configDocumentSchema = z
  .object({
    apiVersion: z.literal(configApiVersion),
    kind: z.literal(configKind),
    schemes: z.array(configSchemeSchema).optional(),
    policies: configPoliciesSchema.optional(),
  })
  .strict();

export type ConfigDocumentInput = z.output<typeof configDocumentSchema>;
export type ConfigSchemeScene = z.output<typeof configSchemeSceneSchema>;

/** A policy as a document holds it: the policy without its scene code. */
export type PolicyBody = Omit<Policy, 'sceneCode'>;

/** A document as an export writes it: every section present, every scene of every scheme named. */
export interface ConfigDocument {
  apiVersion: typeof configApiVersion;
  kind: typeof configKind;
  schemes: (SchemeInput & { code: string })[];
  policies: {
    global: Record<string, { logging: boolean; policy: PolicyBody }>;
    schemes: Record<string, Record<string, { inherit: true } | { inherit: false; policy: PolicyBody }>>;
  };
}

/** A problem with a document, at a dotted path into it (`schemes.2.packageSign`, `policies.global.100001.policy.nodes.smsCode`). */
export interface ConfigIssue {
  path: string;
  message: string;
  /** The policy checks' code (`UNKNOWN_NODE`, `SMS_VALIDITY_TOO_LONG`, …) where one applies. */
  code?: string;
}

/** A scheme's fields in document order, without timestamps. */
export function schemeEntryOf(scheme: Scheme | SchemeInput): SchemeInput & { code: string } {
  const entry: Record<string, unknown> = {};
  for (const field of schemeFieldOrder) {
    const value = (scheme as Record<string, unknown>)[field];
    if (value !== undefined) entry[field] = value;
  }
  return entry as SchemeInput & { code: string };
}

/** A policy without its scene code, its settings in the order of the policy model. */
export function policyBodyOf(policy: Policy): PolicyBody {
  const { sceneCode: _sceneCode, ...body } = policySchema.parse(policy);
  return body;
}

/** Zod's issues as document issues: one per path, unknown fields named one by one. */
export function documentIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: joinPath([...path, key]), message: `unknown field ${key}` }));
    if (issue.code === 'invalid_key') return [{ path: joinPath(path), message: `invalid key: ${issue.issues.map((i) => i.message).join('; ')}` }];
    return [{ path: joinPath(path), message: issue.message }];
  });
}

export function joinPath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}
