import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createSessionMachine, defaultPolicy, type SessionEvent } from '../../machines/index.js';
import { replaySession, ReplayLogError } from '../../server/replay/index.js';
import type { SessionLogEntry } from '../../server/stores/sessionStore.js';
import { LogRecorder, sessionInput } from './support/logRecorder.js';

const lowRisk = { score: 5, reasons: [] as string[], ruleHit: false };
const machine100001 = createSessionMachine(defaultPolicy('100001'));

/** A one-click session of scene 100001, recorded as the engine logs it. */
function oneClickLog(accessToken = 'carrier-token-1'): LogRecorder {
  return new LogRecorder(machine100001, sessionInput('100001'))
    .advance(10)
    .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
    .advance(1500)
    .send({ type: 'NUMBER_AUTH_TOKEN', accessToken })
    .advance(200)
    .send({ type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: '13800000001' })
    .advance(20)
    .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
    .advance(20)
    .send({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'vt_secret', expiresAt: Date.UTC(2025, 0, 1, 9, 10) });
}

/** Every string `[redacted]` in a log replaced by another value. */
function unredacted(entries: SessionLogEntry[], value: string): SessionLogEntry[] {
  return JSON.parse(JSON.stringify(entries).replaceAll('"[redacted]"', JSON.stringify(value))) as SessionLogEntry[];
}

describe('replaySession', () => {
  it('replays a one-click log: states, actions, outcome', () => {
    const recorder = oneClickLog();
    const report = replaySession(machine100001, recorder.entries);
    const start = recorder.entries[0]!.at;
    expect(report).toStrictEqual({
      sessionId: 'sess-100001',
      recordedPolicyVersion: 'test-policy',
      matches: true,
      firstMismatch: null,
      steps: [
        {
          version: 1,
          at: start,
          kind: 'init',
          eventType: 'xstate.init',
          recordedState: 'endpointRisk',
          replayedState: 'endpointRisk',
          match: true,
          actions: ['timer:sessionTtl', 'assessEndpointRisk'],
        },
        {
          version: 2,
          at: start + 10,
          kind: 'event',
          eventType: 'ENDPOINT_RISK_RESULT',
          recordedState: { proveNumber: { numberAuth: 'awaitingToken' } },
          replayedState: { proveNumber: { numberAuth: 'awaitingToken' } },
          match: true,
          actions: ['timer:numberAuthFallback'],
        },
        {
          version: 3,
          at: start + 1510,
          kind: 'event',
          eventType: 'NUMBER_AUTH_TOKEN',
          recordedState: { proveNumber: { numberAuth: 'exchanging' } },
          replayedState: { proveNumber: { numberAuth: 'exchanging' } },
          match: true,
          actions: ['timerCancelled:numberAuthFallback', 'exchangeCarrierToken'],
        },
        {
          version: 4,
          at: start + 1710,
          kind: 'event',
          eventType: 'CARRIER_RESULT',
          recordedState: { proveNumber: 'phoneRisk' },
          replayedState: { proveNumber: 'phoneRisk' },
          match: true,
          actions: ['assessPhoneRisk'],
        },
        {
          version: 5,
          at: start + 1730,
          kind: 'event',
          eventType: 'PHONE_RISK_RESULT',
          recordedState: 'issuingVerifyToken',
          replayedState: 'issuingVerifyToken',
          match: true,
          actions: ['issueVerifyToken'],
        },
        {
          version: 6,
          at: start + 1750,
          kind: 'event',
          eventType: 'VERIFY_TOKEN_ISSUED',
          recordedState: 'verified',
          replayedState: 'verified',
          match: true,
          actions: ['notifyApp', 'timerCancelled:sessionTtl'],
        },
        {
          version: 7,
          at: start + 1750,
          kind: 'effect',
          eventType: null,
          effect: { action: 'notifyApp', id: 'effect-1' },
          recordedState: 'verified',
          replayedState: 'verified',
          match: true,
          actions: [],
        },
      ],
      finalState: 'verified',
      finalStatus: 'verified',
      finalFailureReason: null,
      issues: [],
    });
  });

  it('redacted secrets only reach action params: the replay does not depend on them', () => {
    const entries = oneClickLog('the-real-carrier-token').entries;
    expect(entries[2]!.payload).toMatchObject({ type: 'NUMBER_AUTH_TOKEN', accessToken: '[redacted]' });
    expect(entries[5]!.payload).toMatchObject({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: '[redacted]' });

    const report = replaySession(machine100001, entries);
    expect(report.matches).toBe(true);
    // The same log with any other values in place of the redacted ones replays identically.
    expect(replaySession(machine100001, unredacted(entries, 'tok-A'))).toEqual(report);
    expect(replaySession(machine100001, unredacted(entries, ''))).toEqual(report);

    // Where a redacted value goes: into the params of the carrier action, which a replay never carries out.
    const awaitingToken = new LogRecorder(machine100001, sessionInput('100001')).send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk }).snapshot;
    const [exchanging, actions] = transition(machine100001, awaitingToken, { type: 'NUMBER_AUTH_TOKEN', accessToken: '[redacted]', at: 1 } as SessionEvent);
    expect(exchanging.value).toEqual({ proveNumber: { numberAuth: 'exchanging' } });
    expect(actions.find((a) => a.type === 'exchangeCarrierToken')?.params).toEqual({ accessToken: '[redacted]', h5: false });
    expect(JSON.stringify(exchanging.context)).not.toContain('[redacted]');
  });

  it('an SMS fallback with a wrong then a right code, and a session locked by wrong codes', () => {
    const verified = new LogRecorder(machine100001, sessionInput('100001'))
      .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
      .send({ type: 'SWITCH_TO_SMS' })
      .send({ type: 'PHONE_NUMBER', phoneNumber: '13800000002' })
      .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
      .send({ type: 'SMS_SENT', expiresAt: 0, resendAvailableAt: 0 })
      .advance(5000)
      .send({ type: 'SMS_CODE', result: 'WRONG' })
      .send({ type: 'SMS_CODE', result: 'PASS' })
      .send({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'vt', expiresAt: 0 });
    const report = replaySession(machine100001, verified.entries);
    expect(report.matches).toBe(true);
    expect(report.steps.map((s) => s.replayedState)).toEqual([
      'endpointRisk',
      { proveNumber: { numberAuth: 'awaitingToken' } },
      { proveNumber: 'enterPhone' },
      { proveNumber: 'phoneRisk' },
      { proveNumber: { sms: 'sending' } },
      { proveNumber: { sms: 'awaitingCode' } },
      { proveNumber: { sms: 'awaitingCode' } },
      'issuingVerifyToken',
      'verified',
      'verified',
    ]);

    const machine100003 = createSessionMachine(defaultPolicy('100003'));
    const locked = new LogRecorder(machine100003, sessionInput('100003', { boundPhoneNumber: '13700000003' }))
      .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
      .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
      .send({ type: 'SMS_SENT', expiresAt: 0, resendAvailableAt: 0 });
    for (let i = 0; i < 5; i++) locked.send({ type: 'SMS_CODE', result: 'WRONG' });
    const lockedReport = replaySession(machine100003, locked.entries);
    expect(lockedReport).toMatchObject({ matches: true, finalState: 'failed', finalStatus: 'failed', finalFailureReason: 'too_many_wrong_codes' });
    expect(lockedReport.steps.at(-2)!.actions).toEqual(['timerCancelled:smsCodeValidity', 'notifyApp', 'timerCancelled:sessionTtl']);
  });

  it('timer-driven steps: the SMS code validity, then the session lifetime', () => {
    const machine = createSessionMachine(defaultPolicy('100005'));
    const recorder = new LogRecorder(machine, sessionInput('100005', { boundPhoneNumber: '13700000005' }))
      .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
      .send({ type: 'SMS_SENT', expiresAt: 0, resendAvailableAt: 0 })
      .fire('smsCodeValidity')
      .fire('sessionTtl');
    const report = replaySession(machine, recorder.entries);
    expect(report.steps.slice(3).map(({ eventType, replayedState, actions, match }) => ({ eventType, replayedState, actions, match }))).toEqual([
      {
        eventType: 'xstate.after.smsCodeValidity.session.proveBoundNumber.sms.awaitingCode',
        replayedState: { proveBoundNumber: { sms: 'codeExpired' } },
        // Leaving awaitingCode cancels its delay, the one that has just fired: XState's exit action, harmless.
        actions: ['timerCancelled:smsCodeValidity'],
        match: true,
      },
      { eventType: 'xstate.after.sessionTtl.session', replayedState: 'expired', actions: ['notifyApp', 'timerCancelled:sessionTtl'], match: true },
      { eventType: null, replayedState: 'expired', actions: [], match: true },
    ]);
    expect(report.steps[3]!.at - report.steps[2]!.at).toBe(300_000);
    expect(report).toMatchObject({ matches: true, finalStatus: 'expired', finalFailureReason: null });
  });

  it('a changed recorded state fails at exactly that step, an event entry or an effect entry', () => {
    const entries = oneClickLog().entries;
    const atEvent = structuredClone(entries);
    atEvent[3]!.state = { proveNumber: 'enterPhone' };
    const eventReport = replaySession(machine100001, atEvent);
    expect(eventReport.matches).toBe(false);
    expect(eventReport.firstMismatch).toBe(4);
    expect(eventReport.steps.map((s) => s.match)).toEqual([true, true, true, false, true, true, true]);
    expect(eventReport.steps[3]).toMatchObject({ recordedState: { proveNumber: 'enterPhone' }, replayedState: { proveNumber: 'phoneRisk' } });

    const atEffect = structuredClone(entries);
    atEffect[6]!.state = 'failed';
    const effectReport = replaySession(machine100001, atEffect);
    expect(effectReport).toMatchObject({ matches: false, firstMismatch: 7, finalStatus: 'verified' });
    expect(effectReport.steps[6]).toMatchObject({ kind: 'effect', recordedState: 'failed', replayedState: 'verified', match: false });

    // A changed event (a PASS made WRONG) is caught where the machine goes elsewhere.
    const machine100003 = createSessionMachine(defaultPolicy('100003'));
    const sms = new LogRecorder(machine100003, sessionInput('100003', { boundPhoneNumber: '13700000003' }))
      .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
      .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
      .send({ type: 'SMS_SENT', expiresAt: 0, resendAvailableAt: 0 })
      .send({ type: 'SMS_CODE', result: 'PASS' }).entries;
    sms[4]!.payload = { ...sms[4]!.payload, result: 'WRONG' };
    expect(replaySession(machine100003, sms)).toMatchObject({ matches: false, firstMismatch: 5, finalState: { proveBoundNumber: { sms: 'awaitingCode' } } });
  });

  it('notes events the state did not take and timers that were not set, without failing the match for them', () => {
    const entries = oneClickLog().entries.slice(0, 2);
    const at = entries[1]!.at + 1;
    entries.push(
      { version: 3, at, kind: 'event', payload: { type: 'SMS_CODE', result: 'PASS', at }, state: { proveNumber: { numberAuth: 'awaitingToken' } } },
      {
        version: 4,
        at,
        kind: 'event',
        payload: { type: 'xstate.after.smsCodeValidity.session.proveNumber.sms.awaitingCode', at },
        state: { proveNumber: { numberAuth: 'awaitingToken' } },
      },
    );
    const report = replaySession(machine100001, entries);
    expect(report.matches).toBe(true);
    expect(report.steps[2]!.note).toBe(`the state {"proveNumber":{"numberAuth":"awaitingToken"}} does not take SMS_CODE; it changes nothing`);
    expect(report.steps[3]!.note).toBe(
      `the state {"proveNumber":{"numberAuth":"awaitingToken"}} does not take xstate.after.smsCodeValidity.session.proveNumber.sms.awaitingCode; it changes nothing; no such timer was set at this point`,
    );
  });

  it('a log with a gap or a second init entry does not match; one without an init entry cannot be replayed', () => {
    const entries = oneClickLog().entries;
    const gap = entries.filter((e) => e.version !== 5);
    const gapReport = replaySession(machine100001, gap);
    expect(gapReport.matches).toBe(false);
    expect(gapReport.issues).toEqual(['entry 5 has version 6; version 5 was expected', 'entry 6 has version 7; version 6 was expected']);
    // Without PHONE_RISK_RESULT the machine stays in phoneRisk: the verify-token step no longer matches either.
    expect(gapReport.firstMismatch).toBe(6);

    const twice = [...entries, { ...entries[0]!, version: 8 }];
    const twiceReport = replaySession(machine100001, twice);
    expect(twiceReport).toMatchObject({ matches: false, firstMismatch: 8, issues: ['entry 8 (version 8) is a second init entry'] });
    expect(twiceReport.steps.at(-1)).toMatchObject({ kind: 'init', match: false, note: 'a second init entry: not replayed' });

    expect(() => replaySession(machine100001, [])).toThrow(new ReplayLogError('the log is empty'));
    expect(() => replaySession(machine100001, entries.slice(1))).toThrow(new ReplayLogError("the log's first entry is of kind event, not init"));
    const badInput = structuredClone(entries);
    badInput[0]!.payload = { input: { ...(badInput[0]!.payload.input as object), sceneCode: '999999' } };
    expect(() => replaySession(machine100001, badInput)).toThrow(new ReplayLogError('the machine input has an unknown scene 999999'));
    const noType = structuredClone(entries);
    noType[2]!.payload = { accessToken: '[redacted]', at: 1 };
    expect(() => replaySession(machine100001, noType)).toThrow(new ReplayLogError('the event of log entry 3 has no type'));
  });

  it('is deterministic and its report survives JSON', () => {
    const entries = oneClickLog().entries;
    const first = replaySession(machine100001, entries);
    expect(replaySession(createSessionMachine(defaultPolicy('100001')), structuredClone(entries))).toStrictEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toStrictEqual(first);
  });
});
