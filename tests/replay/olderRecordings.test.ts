import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSessionMachine } from '../../machines/index.js';
import { replaySession, sessionRecordingSchema } from '../../server/replay/index.js';

/**
 * Sessions recorded by the engine before actions ran in the request (each action was a job then):
 * kept as files, they replay unchanged, step for step, on today's machines.
 */
const folder = fileURLToPath(new URL('./recordings/', import.meta.url));
const files = readdirSync(folder).filter((file) => file.endsWith('.json'));

describe('recordings made by an earlier engine', () => {
  it('are kept here', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s replays, every step matching, to the outcome it recorded', (file) => {
    const recording = sessionRecordingSchema.parse(JSON.parse(readFileSync(folder + file, 'utf8')));
    const report = replaySession(createSessionMachine(recording.policy), recording.entries);
    expect(report.issues).toEqual([]);
    expect(report.firstMismatch).toBeNull();
    expect(report.matches).toBe(true);
    expect(report.finalStatus).toBe(recording.status);
  });
});
