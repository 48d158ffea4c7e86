/**
 * XState state values (`'verified'`, `{ proveNumber: { sms: 'awaitingCode' } }`, or several
 * regions of a parallel state) as the paths of the states they name.
 */

/** The active leaf states of a state value, each as the keys from the root down. Anything else gives none. */
export function stateValueLeafPaths(value: unknown): string[][] {
  if (typeof value === 'string') return [[value]];
  if (!isPlainObject(value)) return [];
  const paths: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const below = stateValueLeafPaths(child);
    if (below.length === 0) paths.push([key]);
    else for (const path of below) paths.push([key, ...path]);
  }
  return paths;
}

/** `{ proveNumber: { sms: 'awaitingCode' } }` → `proveNumber.sms.awaitingCode`; parallel regions are joined by `, `. */
export function dottedStatePath(value: unknown): string {
  return stateValueLeafPaths(value)
    .map((path) => dottedPath(path))
    .join(', ');
}

/** A path of keys as one dotted string; the root is the empty string. */
export function dottedPath(path: readonly string[]): string {
  return path.join('.');
}

/** Whether `path` is `ancestor` itself or lies below it. */
export function isWithin(path: readonly string[], ancestor: readonly string[]): boolean {
  return ancestor.length <= path.length && ancestor.every((key, index) => path[index] === key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
