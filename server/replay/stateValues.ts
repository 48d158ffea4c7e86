import type { StateValue } from 'xstate';

/** A state value as a report carries it: plain JSON, e.g. `"verified"` or `{"proveNumber": {"sms": "awaitingCode"}}`. */
export type ReplayStateValue = string | { [key: string]: ReplayStateValue };

/** A plain copy of a snapshot's state value, detached from the snapshot it came from. */
export function toReplayStateValue(value: StateValue): ReplayStateValue {
  if (typeof value === 'string') return value;
  const copy: { [key: string]: ReplayStateValue } = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== undefined) copy[key] = toReplayStateValue(child);
  }
  return copy;
}

/** Structural equality of two JSON values (state values as replayed or as read back from a log); key order does not matter. */
export function stateValuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => stateValuesEqual(item, b[i]));
  }
  const aEntries = Object.entries(a).filter(([, value]) => value !== undefined);
  const bRecord = b as Record<string, unknown>;
  const bCount = Object.values(bRecord).filter((value) => value !== undefined).length;
  return aEntries.length === bCount && aEntries.every(([key, value]) => Object.hasOwn(bRecord, key) && stateValuesEqual(value, bRecord[key]));
}
