/**
 * XState state values (`'verified'`, `{ proveNumber: { sms: 'awaitingCode' } }`, or several
 * regions of a parallel state) as the paths of the states they name.
 */

export { dottedStatePath, stateValueLeafPaths } from '../machines/index.js';

/** A path of keys as one dotted string; the root is the empty string. */
export function dottedPath(path: readonly string[]): string {
  return path.join('.');
}

/** Whether `path` is `ancestor` itself or lies below it. */
export function isWithin(path: readonly string[], ancestor: readonly string[]): boolean {
  return ancestor.length <= path.length && ancestor.every((key, index) => path[index] === key);
}
