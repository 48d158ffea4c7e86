import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import type { Storage } from '../../server/stores/storage.js';
import { until } from '../support/until.js';
import { countByStatus, describeFigures, latencies, type FaultFigures } from './faultFigures.js';
import { SteadyLoad, type SeenSession } from './steadyLoad.js';

/** How long each phase lasts at least (load before, the outage, load after): FAULT_LOAD_SECONDS, 3 unless set. */
export const phaseMs = 1000 * Number(process.env.FAULT_LOAD_SECONDS ?? 3);
/** Clients running flows at once: FAULT_CLIENTS, 4 unless set. */
const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 4);
/** A test's time limit: three phases, starting the processes, and room for a slow machine. */
export const faultTestTimeoutMs = 3 * phaseMs + 180_000;
/** Generous on purpose (a busy two-core machine); the figures printed show the real latencies. */
const PROMPT_ANSWER_MS = 5_000;

/** The load comes from one address and many numbers: only the store may refuse it. */
export const loadEnvironment = {
  RATE_LIMIT_SESSION_STARTS_PER_IP: '1000000',
  RATE_LIMIT_EVENTS_PER_IP: '1000000',
  RATE_LIMIT_BACKEND_CALLS_PER_IP: '1000000',
  RATE_LIMIT_VERIFY_TOKEN_EXCHANGES_PER_KEY: '1000000',
  SMS_SENDS_PER_PREFIX_PER_HOUR: '1000000',
  SMS_DAILY_BUDGET_PER_SCHEME: '1000000',
  // A request waits for the work it caused (the SMS send) at most this long (5 s by default). Where
  // the job queue cannot be reached but the session can (a cluster with one master frozen), a
  // session start waits all of it and answers 201 with `wait`: here that stays under a second or two.
  SETTLE_TIMEOUT_MS: '1500',
};

/** A numberflow server process and a way to read its Redis directly. */
export interface FaultTarget {
  baseUrl: string;
  storage: Storage;
}

export interface Fault {
  name: string;
  /** Whether the whole store is gone (rather than part of a cluster): then readiness must say so. */
  total: boolean;
  /** The longest the outage may last whatever FAULT_LOAD_SECONDS says (see the cluster suite). */
  maxOutageMs?: number;
  begin(): Promise<void>;
  /** Brings Redis back; resolves when it is back (not when numberflow noticed). */
  end(): Promise<void>;
}

const elapsedSince = (start: number, ms: number) => async () => Date.now() - start >= ms;

export async function ready(baseUrl: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
  return response?.status === 200;
}

/**
 * Runs steady load through a fault: load, then the fault (at least a phase long and with answers
 * during it), then Redis back and load again until flows complete. Sessions left at the SMS code
 * step before the fault are finished afterwards; every session the load saw is checked in Redis.
 */
export async function runFault(target: FaultTarget, fault: Fault, numberPrefix: string): Promise<FaultFigures> {
  const load = new SteadyLoad(target.baseUrl, numberPrefix);
  const held = [await load.sessionAwaitingCode(), await load.sessionAwaitingCode(), await load.sessionAwaitingCode()];

  load.start(CLIENTS);
  const loadStart = Date.now();
  await until(async () => (await elapsedSince(loadStart, phaseMs)()) && load.flowsVerified >= 2, phaseMs + 60_000, 'flows to complete before the fault');

  const outageStart = Date.now();
  await fault.begin();
  const answersBefore = load.answers.length;
  const outageAnswers = () => load.answers.slice(answersBefore);
  const outageMs = Math.min(phaseMs, fault.maxOutageMs ?? Infinity);
  await until(
    async () => (await elapsedSince(outageStart, outageMs)()) && outageAnswers().length >= 8 && outageAnswers().some((a) => a.status === 503),
    phaseMs + 60_000,
    'answers during the outage, 503 among them',
  );
  const readinessStart = Date.now();
  const readinessStatus = (await fetch(`${target.baseUrl}/readyz`)).status;
  const readiness = { status: readinessStatus, ms: Date.now() - readinessStart };
  await fault.end();
  const backAt = Date.now();
  await until(() => ready(target.baseUrl), 30_000, 'readiness once Redis is back');
  const recoveredAt = Date.now();
  const verifiedAtRecovery = load.flowsVerified;
  await until(
    async () => (await elapsedSince(recoveredAt, phaseMs)()) && load.flowsVerified >= verifiedAtRecovery + 2,
    phaseMs + 60_000,
    'flows to complete after the fault',
  );
  await load.stop();

  // Sessions started before the fault are as they were, and can finish.
  for (const { session, authToken, code } of held) {
    const bearer = { bearer: authToken };
    const read = () => load.retrying(() => load.call('read', 'GET', `/v1/sessions/${session.id}`, undefined, bearer));
    const before = await read();
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'pending', version: session.version, nextAction: { type: 'smsCode' } });
    const done = await load.retrying(() => load.call('event', 'POST', `/v1/sessions/${session.id}/events`, { type: 'SMS_CODE', code }, bearer));
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await until(async () => (await read()).body?.status === 'verified', 10_000, 'a session from before the fault to be verified');
    const { verifyToken } = (await read()).body;
    const exchanged = await load.retrying(() => load.call('verify', 'POST', '/v1/fusion-auth/verify', { verifyToken }, 'accessKey'));
    expect(exchanged.body).toMatchObject({ verifyResult: 'PASS', phoneNumber: session.phoneNumber });
  }

  const integrity = await checkSessions(target.storage, [...load.sessions.values()]);
  // Every request the outage touched: started during it, or still waiting for its answer when it began.
  const during = load.answers.filter((a) => a.startedAt < recoveredAt && a.startedAt + a.ms >= outageStart);
  const result: FaultFigures = {
    fault: `${fault.name} (${phaseMs / 1000} s phases, ${CLIENTS} clients)`,
    requests: load.answers.length,
    byStatus: countByStatus(load.answers),
    outageMs: backAt - outageStart,
    recoveryMs: recoveredAt - backAt,
    readinessDuringOutage: readiness,
    duringOutage: latencies(during),
    flowsVerified: load.flowsVerified,
    flowsGivenUp: load.flowsGivenUp,
    sessionsChecked: integrity.checked,
    sessionsLost: integrity.lost.length,
    sessionsCorrupted: integrity.corrupted.length,
  };
  console.log(describeFigures(result));

  // Every answer is 2xx, 4xx or 503 with Retry-After: never a 500, never no answer.
  const unexpected = load.answers.filter((a) => !(a.status >= 200 && a.status < 500) && a.status !== 503);
  expect(unexpected, JSON.stringify(unexpected.slice(0, 5))).toEqual([]);
  const unavailable = load.answers.filter((a) => a.status === 503);
  expect(unavailable.filter((a) => a.retryAfter === null || a.errorCode !== 'STORE_UNAVAILABLE')).toEqual([]);
  expect(result.duringOutage.maxMs).toBeLessThan(PROMPT_ANSWER_MS);
  expect(readiness.ms).toBeLessThan(PROMPT_ANSWER_MS);
  if (fault.total) expect(readiness.status).toBe(503);
  expect(integrity.lost).toEqual([]);
  expect(integrity.corrupted).toEqual([]);
  return result;
}

/**
 * In Redis itself: every session a client was told about exists, has at least the version it
 * was told (no acknowledged write lost), and its log runs 1..version ending in the record's state.
 */
async function checkSessions(storage: Storage, sessions: SeenSession[]): Promise<{ checked: number; lost: string[]; corrupted: string[] }> {
  const lost: string[] = [];
  const corrupted: string[] = [];
  for (const seen of sessions) {
    const record = await storage.sessions.load(seen.id);
    if (!record || record.version < seen.version) {
      lost.push(seen.id);
      continue;
    }
    const log = await storage.sessions.readLog(seen.id);
    const versionsInOrder = log.length === record.version && log.every((entry, index) => entry.version === index + 1);
    const lastState = log.at(-1)?.state;
    if (!versionsInOrder || !isDeepStrictEqual(lastState, (record.snapshot as { value: unknown }).value)) corrupted.push(seen.id);
  }
  return { checked: sessions.length, lost, corrupted };
}
