/**
 * A state value as one readable string: `{ proveNumber: { sms: 'awaitingCode' } }` →
 * `proveNumber.sms.awaitingCode`, `'verified'` → `verified`; the regions of a parallel state
 * (the session charts have none) are joined by `, `.
 */
export function dottedStatePath(value: unknown): string {
  return stateValueLeafPaths(value)
    .map((path) => path.join('.'))
    .join(', ');
}

/** The active leaf states of a state value, each as the keys from the root down. Anything else gives none. */
export function stateValueLeafPaths(value: unknown): string[][] {
  if (typeof value === 'string') return [[value]];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const paths: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const below = stateValueLeafPaths(child);
    if (below.length === 0) paths.push([key]);
    else for (const path of below) paths.push([key, ...path]);
  }
  return paths;
}
