import { z } from 'zod';
import { policySchema } from '../../machines/index.js';

/**
 * A session as a file: the policy it ran and its event log, enough to replay it anywhere without
 * the server or its store (a tester keeps one as a fixture next to the bug it shows). The log is
 * the one the engine wrote: secrets are already redacted.
 */
export const sessionRecordingFormat = 'numberflow-recording/v1';

const logEntrySchema = z.object({
  version: z.number().int().min(1),
  at: z.number().int().describe('epoch milliseconds'),
  kind: z.enum(['init', 'event', 'effect']),
  payload: z.record(z.string(), z.unknown()),
  state: z.unknown().describe('the state value after the entry, as XState stores it'),
});

export const sessionRecordingSchema = z.object({
  format: z.literal(sessionRecordingFormat),
  sessionId: z.string(),
  schemeCode: z.string(),
  sceneCode: z.string(),
  /** How the session ended (or `pending`), from its stored snapshot. */
  status: z.string(),
  recordedAt: z.string().describe('when the recording was taken, ISO 8601'),
  policyVersion: z.string(),
  policy: policySchema,
  entries: z.array(logEntrySchema).min(1),
});

export type SessionRecording = z.infer<typeof sessionRecordingSchema>;
