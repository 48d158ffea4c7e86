import { isSceneCode, platforms, type SessionEvent, type SessionInput } from '../../machines/index.js';
import type { SessionLogEntry } from '../stores/sessionStore.js';

/** A log that cannot be replayed at all: no init entry, a malformed input or event. */
export class ReplayLogError extends Error {
  override readonly name = 'ReplayLogError';
}

/** What a session's log says about how it started. */
export interface RecordedSession {
  sessionId: string;
  /** The machine input the session started with (the init entry's payload). */
  input: SessionInput;
  /** The policy version the session ran on, as its init entry recorded it. */
  policyVersion: string | null;
  init: SessionLogEntry;
  /** The entries after the init entry, in log order. */
  rest: readonly SessionLogEntry[];
}

/** A side effect the log records as done (e.g. the `notifyApp` webhook); it does not move the machine. */
export interface RecordedEffect {
  action: string;
  id: string;
}

/** Reads the init entry of a log. Throws `ReplayLogError` when the log does not start with a well-formed one. */
export function readRecordedSession(entries: readonly SessionLogEntry[]): RecordedSession {
  const [init, ...rest] = entries;
  if (!init) throw new ReplayLogError('the log is empty');
  if (init.kind !== 'init') throw new ReplayLogError(`the log's first entry is of kind ${init.kind}, not init`);
  const input = sessionInputOf(init.payload.input);
  const policyVersion = typeof init.payload.policyVersion === 'string' ? init.payload.policyVersion : null;
  return { sessionId: input.sessionId, input, policyVersion, init, rest };
}

/** The event an `event` entry records, as the machine saw it (secrets redacted). */
export function recordedEventOf(entry: SessionLogEntry): SessionEvent {
  const { type, at } = entry.payload;
  if (typeof type !== 'string' || type === '') throw new ReplayLogError(`the event of log entry ${entry.version} has no type`);
  // The engine stamps every event; a log entry's own time stands in should a payload lack it.
  return { ...entry.payload, type, at: typeof at === 'number' ? at : entry.at } as unknown as SessionEvent;
}

export function recordedEffectOf(entry: SessionLogEntry): RecordedEffect {
  const { action, id } = entry.payload;
  return { action: typeof action === 'string' ? action : 'unknown', id: typeof id === 'string' ? id : '' };
}

/** Gaps, repeats or a second init entry: a log like that lost or gained an entry, so its replay proves nothing. */
export function logIssuesOf(entries: readonly SessionLogEntry[]): string[] {
  const issues: string[] = [];
  entries.forEach((entry, index) => {
    const expected = (entries[0]?.version ?? 1) + index;
    if (entry.version !== expected) issues.push(`entry ${index + 1} has version ${entry.version}; version ${expected} was expected`);
    if (index > 0 && entry.kind === 'init') issues.push(`entry ${index + 1} (version ${entry.version}) is a second init entry`);
  });
  if (entries[0] && entries[0].version !== 1) issues.push(`the log starts at version ${entries[0].version}, not 1`);
  return issues;
}

function sessionInputOf(value: unknown): SessionInput {
  if (typeof value !== 'object' || value === null) throw new ReplayLogError('the init entry has no machine input');
  const input = value as Record<string, unknown>;
  const { sessionId, schemeCode, sceneCode, platform, device, boundPhoneNumber } = input;
  if (typeof sessionId !== 'string' || typeof schemeCode !== 'string') throw new ReplayLogError('the machine input lacks its session id or scheme');
  if (typeof sceneCode !== 'string' || !isSceneCode(sceneCode)) throw new ReplayLogError(`the machine input has an unknown scene ${String(sceneCode)}`);
  if (typeof platform !== 'string' || !(platforms as readonly string[]).includes(platform)) {
    throw new ReplayLogError(`the machine input has an unknown platform ${String(platform)}`);
  }
  if (typeof device !== 'object' || device === null) throw new ReplayLogError('the machine input lacks its device signals');
  if (boundPhoneNumber !== undefined && typeof boundPhoneNumber !== 'string') throw new ReplayLogError('the bound phone number is not a string');
  return input as unknown as SessionInput;
}
