import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solveAltchaChallenge } from '../../adapters/captcha/solveAltchaChallenge.js';
import { defaultPolicy } from '../../machines/index.js';
import { replaySession } from '../../server/replay/index.js';
import { FusionAuthFlow, androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/**
 * A secret a client sends (an SMS code, middle digits, a CAPTCHA answer) is checked once, at the
 * door; its verdict and the session's write then take effect together. Here a right answer races
 * wrong ones and events the state refuses, 200 at once on one session, against two server processes
 * on one Redis: the session ends verified every time, its log and version consistent.
 */
const keyPrefix = `t-${randomUUID()}:`;
const env = { RATE_LIMIT_CODE_CHECKS_PER_NUMBER: '1000' };
const captchaScheme = { ...androidScheme, code: 'FA900000000300001', name: 'race captcha' };
let servers: TestServer[];
let flows: FusionAuthFlow[];

beforeAll(async () => {
  // Two processes' worth of engine on one store: their writes race through the store's compare-and-set.
  servers = [await startTestServer({ keyPrefix, env }), await startTestServer({ keyPrefix, env })];
  flows = servers.map((server) => new FusionAuthFlow(server.api));
  await servers[0]!.api.post('/v1/admin/schemes', captchaScheme, 'admin');
  const policy = defaultPolicy('100001');
  policy.nodes.captcha = { enabled: true, difficulty: 'easy', maxTries: 3 };
  policy.nodes.endpointRisk.onRisk = 'captcha';
  await servers[0]!.numberflow.services.policies.setSchemePolicy(captchaScheme.code, policy, '100001');
});
afterAll(async () => {
  for (const server of servers ?? []) await server.close();
});

const rounds = 5;
const concurrent = 200;

/**
 * Sends `right` once, each of `wrong`, and fillers the state refuses or that change nothing, to
 * make `concurrent` events at once, shuffled, spread over both servers. Returns their statuses.
 */
async function race(authToken: string, sessionId: string, right: Record<string, unknown>, wrong: Record<string, unknown>[]): Promise<number[]> {
  // Events that none of the states on the way takes (or that change nothing, as a resend before its time).
  const fillers = [
    { type: 'RESEND_SMS' },
    { type: 'UPLINK_SMS_SENT' },
    { type: 'PHONE_NUMBER', phoneNumber: '13700000000' },
    { type: 'CANCEL', reason: 1 } /* malformed: 400 */,
  ];
  const events = [right, ...wrong];
  while (events.length < concurrent) events.push(fillers[events.length % fillers.length]!);
  events.sort(() => Math.random() - 0.5);
  const answers = await Promise.all(events.map((event, i) => flows[i % 2]!.send(authToken, sessionId, event)));
  return answers.map((answer) => answer.status);
}

/** The stored session and its log agree with each other and with a replay of the log. */
async function expectConsistent(sessionId: string) {
  const { storage, engine } = servers[0]!.numberflow.services;
  const record = (await storage.sessions.load(sessionId))!;
  const log = await storage.sessions.readLog(sessionId);
  expect(log.map((entry) => entry.version)).toEqual(log.map((_, i) => i + 1));
  expect(record.version).toBe(log.length);
  const machine = (await engine.machineForVersion(record.policyVersion))!;
  const replay = replaySession(machine.machine, log);
  expect(replay.matches, JSON.stringify(replay.issues)).toBe(true);
  expect(replay.finalStatus).toBe('verified');
  return log;
}

describe('a right answer racing wrong ones on one session, across two processes', () => {
  it(`an SMS code: ${rounds} rounds of ${concurrent} events (the code, four wrong codes, refused events), verified every time`, async () => {
    for (let round = 0; round < rounds; round++) {
      const phoneNumber = `1390010${String(round).padStart(4, '0')}`;
      const authToken = await flows[0]!.authToken(androidScheme, { phoneNumber });
      const session = await flows[0]!.openOk(authToken, '100003');
      expect(session.nextAction.type).toBe('smsCode');
      const code = await flows[0]!.latestSmsCode(phoneNumber);
      const wrongCodes = ['000001', '000002', '000003', '000004'].filter((c) => c !== code).slice(0, 4);

      const statuses = await race(
        authToken,
        session.id,
        { type: 'SMS_CODE', code },
        wrongCodes.map((c) => ({ type: 'SMS_CODE', code: c })),
      );
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(new Set(statuses)).toEqual(new Set(statuses.filter((status) => [200, 400, 409, 429].includes(status))));

      const final = (await flows[1]!.get(authToken, session.id)).body;
      expect(final.status).toBe('verified');
      const log = await expectConsistent(session.id);
      const results = log.filter((entry) => entry.payload.type === 'SMS_CODE').map((entry) => entry.payload.result);
      expect(results.filter((result) => result === 'PASS')).toHaveLength(1);
      expect(results.filter((result) => result === 'WRONG').length).toBeLessThanOrEqual(4);
      expect((await flows[0]!.verify(final.verifyToken)).body).toMatchObject({ verifyResult: 'PASS', phoneNumber });
    }
  });

  it(`the middle four digits on H5: ${rounds} rounds, the right digits and two wrong ones among ${concurrent} events`, async () => {
    for (let round = 0; round < rounds; round++) {
      const phoneNumber = `1380020${String(round).padStart(4, '0')}`;
      const authToken = await flows[0]!.authToken(h5Scheme);
      const session = await flows[0]!.openOk(authToken, '100001');
      const digits = await flows[0]!.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await flows[0]!.carrierToken(phoneNumber) });
      expect(digits.nextAction.type).toBe('middleDigits');
      const right = phoneNumber.slice(3, 7);
      const statuses = await race(authToken, session.id, { type: 'MIDDLE_DIGITS', digits: right }, [
        { type: 'MIDDLE_DIGITS', digits: '9999' },
        { type: 'MIDDLE_DIGITS', digits: '8888' },
      ]);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect((await flows[1]!.get(authToken, session.id)).body.status).toBe('verified');
      await expectConsistent(session.id);
    }
  });

  // A wrong answer that lands first replaces the challenge (so the right one no longer fits it): here the solution races refused events only.
  it(`a CAPTCHA solution: ${rounds} rounds, the solution among ${concurrent} events`, async () => {
    for (let round = 0; round < rounds; round++) {
      const authToken = await flows[0]!.authToken(captchaScheme);
      const session = await flows[0]!.openOk(authToken, '100001', { emulator: true, hooked: true });
      expect(session.nextAction.type).toBe('captcha');
      const solution = await solveAltchaChallenge(session.nextAction.challenge);
      const statuses = await race(authToken, session.id, { type: 'CAPTCHA_SOLUTION', solution }, []);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      const after = (await flows[1]!.get(authToken, session.id)).body;
      expect(after.nextAction.type).toBe('numberAuth');
      const verified = await flows[0]!.sendOk(authToken, session.id, {
        type: 'NUMBER_AUTH_TOKEN',
        accessToken: await flows[0]!.carrierToken(`1370030${String(round).padStart(4, '0')}`),
      });
      expect(verified.status).toBe('verified');
      await expectConsistent(session.id);
    }
  });
});
