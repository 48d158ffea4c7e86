import { canonicalJson } from './policyVersion.js';

/** One changed setting: where (`nodes.smsCode.codeLength`), what it was, what it became (undefined = absent). */
export interface PolicyDiffEntry {
  path: string;
  from: unknown;
  to: unknown;
}

/**
 * A structural diff of two JSON values: objects are compared key by key, anything else
 * (numbers, strings, arrays such as a node's frequency rules) as a whole.
 */
export function diffPolicies(from: unknown, to: unknown, path = ''): PolicyDiffEntry[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => diffPolicies(from[key], to[key], path ? `${path}.${key}` : key));
  }
  if (from === undefined && to === undefined) return [];
  if (from !== undefined && to !== undefined && canonicalJson(from) === canonicalJson(to)) return [];
  return [{ path, from, to }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
