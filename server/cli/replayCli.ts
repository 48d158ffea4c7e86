/**
 * `npm run replay`: testers replay recorded sessions, from recording files (offline, no server)
 * or from a running server, against the policy they ran or, with `--against`, another one.
 * Shows progress; exits 1 when a replay does not give the recorded states again.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSessionMachine, dottedStatePath, policySchema, type Policy } from '../../machines/index.js';
import { replaySession, sessionRecordingSchema, whatIfReplay, type SessionRecording } from '../replay/index.js';
import type { SessionLogEntry } from '../stores/sessionStore.js';

const usage = `Replay recorded sessions.

  npm run replay -- <recording.json>...                 replay recording files (GET /v1/admin/sessions/{id}/recording)
  npm run replay -- --server <url> [--scene <code>] [--scheme <code>] [--limit <n>] [--save <dir>]
                                                        replay the newest sessions of a running server (ADMIN_TOKEN from the environment)
Options:
  --against <policy.json | policy version>              what-if: replay under another policy (a policy file, or a saved version on --server)
  --timers recorded|candidate                           what-if timers: as recorded (default) or by the other policy's delays
  --json                                                one JSON report on stdout instead of text
`;

interface Outcome {
  sessionId: string;
  label: string;
  ok: boolean;
  line: string;
  report: unknown;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      scene: { type: 'string' },
      scheme: { type: 'string' },
      limit: { type: 'string', default: '50' },
      save: { type: 'string' },
      against: { type: 'string' },
      timers: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || (!values.server && positionals.length === 0)) {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }
  if (values.timers !== undefined && values.timers !== 'recorded' && values.timers !== 'candidate') throw new UsageError('--timers is recorded or candidate');
  const timers = values.timers as 'recorded' | 'candidate' | undefined;
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit is 1 to 1000');

  const againstFile = values.against && (await isFile(values.against)) ? await readPolicy(values.against) : undefined;
  if (values.against && !againstFile && !values.server) throw new UsageError(`${values.against}: no such policy file (a policy version needs --server)`);
  const whatIfLocally = (recording: SessionRecording) =>
    describeWhatIf(recording, {
      candidateVersion: 'file',
      ...whatIfReplay(createSessionMachine(againstFile!), recording.entries as SessionLogEntry[], timers ? { timers } : {}),
    });

  const outcomes: Outcome[] = [];
  if (values.server) {
    const server = new ServerClient(values.server, process.env.ADMIN_TOKEN ?? '');
    const ids = await server.sessionIds({ limit, scene: values.scene, scheme: values.scheme });
    const progress = new Progress(ids.length, 'sessions');
    for (const id of ids) {
      const recording = await server.recording(id);
      if (values.save) await saveRecording(values.save, recording);
      if (againstFile) outcomes.push(whatIfLocally(recording));
      else if (values.against) outcomes.push(describeWhatIf(recording, await server.whatIf(id, values.against, timers)));
      else outcomes.push(replayRecording(recording));
      progress.tick();
    }
    progress.done();
  } else {
    const progress = new Progress(positionals.length, 'recordings');
    for (const file of positionals) {
      const recording = await readRecording(file);
      outcomes.push(againstFile ? whatIfLocally(recording) : replayRecording(recording));
      progress.tick();
    }
    progress.done();
  }

  const failed = outcomes.filter((o) => !o.ok);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ replayed: outcomes.length, failed: failed.length, sessions: outcomes.map((o) => ({ sessionId: o.sessionId, ok: o.ok, report: o.report })) }, null, 2)}\n`,
    );
  } else {
    for (const outcome of outcomes) process.stdout.write(`${outcome.ok ? '✓' : '✗'} ${outcome.label}  ${outcome.line}\n`);
    process.stdout.write(
      values.against
        ? `\n${outcomes.length} sessions replayed under the other policy: ${outcomes.length - failed.length} the same way, ${failed.length} another way\n`
        : `\n${outcomes.length} sessions replayed: ${outcomes.length - failed.length} give the recorded states again, ${failed.length} do not\n`,
    );
  }
  // A what-if that goes another way is an answer, not a failure; a replay that does not match is.
  return !values.against && failed.length > 0 ? 1 : 0;
}

function replayRecording(recording: SessionRecording): Outcome {
  const report = replaySession(createSessionMachine(recording.policy), recording.entries as SessionLogEntry[]);
  const label = `${recording.sessionId} (${recording.sceneCode}, ${recording.status})`;
  if (report.matches) return { sessionId: recording.sessionId, label, ok: true, line: `${report.steps.length} steps, ends ${report.finalStatus}`, report };
  const step = report.steps.find((s) => s.version === report.firstMismatch);
  const issue =
    report.issues[0] ??
    (step
      ? `step ${step.version} ${step.eventType}: recorded ${dottedStatePath(step.recordedState)}, replayed ${dottedStatePath(step.replayedState)}`
      : 'log incomplete');
  return { sessionId: recording.sessionId, label, ok: false, line: issue, report };
}

function describeWhatIf(
  recording: SessionRecording,
  report: { candidateVersion: string; firstDivergence: { version: number; eventType: string; cause: string } | null; candidateFinalStatus: string },
): Outcome {
  const label = `${recording.sessionId} (${recording.sceneCode}, ${recording.status})`;
  const divergence = report.firstDivergence;
  return {
    sessionId: recording.sessionId,
    label,
    ok: divergence === null,
    line: divergence
      ? `another way from step ${divergence.version} (${divergence.eventType}: ${divergence.cause}), would end ${report.candidateFinalStatus}`
      : `the same way, ends ${report.candidateFinalStatus}`,
    report,
  };
}

async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

async function readRecording(file: string): Promise<SessionRecording> {
  const parsed = sessionRecordingSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new UsageError(`${file} is not a numberflow recording: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** A policy file: a policy, or a policy document as the admin API shows it (`{policy: …}`). */
async function readPolicy(file: string): Promise<Policy> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const parsed = policySchema.safeParse('policy' in raw && !('nodes' in raw) ? raw.policy : raw);
  if (!parsed.success) throw new UsageError(`${file} is not a policy: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

async function saveRecording(dir: string, recording: SessionRecording): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `session-${recording.sessionId}.json`), `${JSON.stringify(recording, null, 2)}\n`);
}

class ServerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {
    if (!adminToken) throw new UsageError('set ADMIN_TOKEN to the server’s admin token');
  }

  async sessionIds(filter: { limit: number; scene?: string | undefined; scheme?: string | undefined }): Promise<string[]> {
    // The list is newest first; a filter looks further back to find `limit` matches.
    const look = filter.scene || filter.scheme ? 1000 : filter.limit;
    const { sessions } = (await this.request('GET', `/v1/admin/sessions?limit=${look}`)) as {
      sessions: { id: string; sceneCode: string; schemeCode: string }[];
    };
    return sessions
      .filter((s) => (!filter.scene || s.sceneCode === filter.scene) && (!filter.scheme || s.schemeCode === filter.scheme))
      .slice(0, filter.limit)
      .map((s) => s.id);
  }

  async recording(id: string): Promise<SessionRecording> {
    return sessionRecordingSchema.parse(await this.request('GET', `/v1/admin/sessions/${id}/recording`));
  }

  async whatIf(id: string, policyVersion: string, timers: string | undefined) {
    return (await this.request('POST', `/v1/admin/sessions/${id}/replay`, { policyVersion, ...(timers ? { timers } : {}) })) as Parameters<
      typeof describeWhatIf
    >[1];
  }

  private async request(method: string, pathname: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(pathname, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!response.ok) throw new UsageError(`${method} ${pathname}: ${response.status} ${json?.error?.code ?? ''} ${json?.error?.message ?? ''}`.trim());
    return json;
  }
}

/** A progress line on stderr: redrawn in place on a terminal, every tenth otherwise. */
class Progress {
  private done_ = 0;
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly what: string,
  ) {
    this.draw();
  }

  tick(): void {
    this.done_ += 1;
    this.draw();
  }

  done(): void {
    if (process.stderr.isTTY) process.stderr.write('\n');
  }

  private draw(): void {
    const width = 30;
    const filled = this.total ? Math.round((this.done_ / this.total) * width) : width;
    const line = `replaying ${this.what} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done_}/${this.total}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}`);
      return;
    }
    const decile = this.total ? Math.floor((this.done_ / this.total) * 10) : 10;
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      process.stderr.write(`${line}\n`);
    }
  }
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`replay: ${error instanceof UsageError || error instanceof SyntaxError ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
