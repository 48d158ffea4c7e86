import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createSessionMachine, defaultPolicy, type Policy, type SceneCode, type SessionMachine } from '../../machines/index.js';
import { whatIfReplay, type WhatIfReport } from '../../server/replay/index.js';
import { LogRecorder, sessionInput } from './support/logRecorder.js';

const lowRisk = { score: 5, reasons: [] as string[], ruleHit: false };

function machineOf(scene: SceneCode, change: (policy: Policy) => void = () => {}): SessionMachine {
  const policy = defaultPolicy(scene);
  change(policy);
  return createSessionMachine(policy);
}

/** The same chart under another machine id: its delayed events are named differently (`xstate.after.<delay>.<id>.<path>`). */
function withMachineId(machine: SessionMachine, id: string): SessionMachine {
  return createMachine({ ...machine.config, id } as never, machine.implementations as never) as unknown as SessionMachine;
}

const recorded100001 = machineOf('100001');

/** Scene 100001: the user waits for the carrier's fallback timer, then proves the number by SMS. */
function fallbackTimerLog(): LogRecorder {
  return new LogRecorder(recorded100001, sessionInput('100001'))
    .advance(10)
    .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
    .fire('numberAuthFallback')
    .advance(5000)
    .send({ type: 'PHONE_NUMBER', phoneNumber: '13800000002' })
    .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
    .send({ type: 'SMS_SENT', expiresAt: 0, resendAvailableAt: 0 })
    .advance(20_000)
    .send({ type: 'SMS_CODE', result: 'PASS' })
    .send({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'vt', expiresAt: 0 });
}

/** Scene 100001: the carrier token arrives 15 s after the number-auth page opened. */
function slowOneClickLog(): LogRecorder {
  return new LogRecorder(recorded100001, sessionInput('100001'))
    .advance(10)
    .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
    .advance(15_000)
    .send({ type: 'NUMBER_AUTH_TOKEN', accessToken: 'tok' })
    .send({ type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: '13800000001' })
    .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
    .send({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'vt', expiresAt: 0 });
}

const brief = (report: WhatIfReport) =>
  report.steps.map(({ origin, eventType, accepted, match, candidateState }) => ({ origin, eventType, accepted, match, candidateState }));

describe('whatIfReplay', () => {
  it('a risky device sent to uplink SMS is blocked by a policy without uplink SMS; the rest of the session is skipped', () => {
    const recorded = new LogRecorder(recorded100001, sessionInput('100001', { device: { emulator: true } }))
      .send({ type: 'ENDPOINT_RISK_RESULT', score: 90, reasons: ['emulator'], ruleHit: false })
      .send({ type: 'UPLINK_SMS_READY', code: '482913', receivingNumber: '1069000000001', expiresAt: 0 })
      .send({ type: 'UPLINK_SMS_SENT' })
      .send({ type: 'UPLINK_SMS_RECEIVED', from: '13800000005', text: '482913' })
      .send({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'vt', expiresAt: 0 });
    expect(recorded.entries[1]!.state).toEqual({ proveNumber: { uplinkSms: 'preparing' } });

    const report = whatIfReplay(
      machineOf('100001', (p) => (p.nodes.uplinkSms.enabled = false)),
      recorded.entries,
    );
    expect(report.firstDivergence).toEqual({
      stepIndex: 1,
      version: 2,
      eventType: 'ENDPOINT_RISK_RESULT',
      cause: 'differentTarget',
      recordedState: { proveNumber: { uplinkSms: 'preparing' } },
      candidateState: 'failed',
    });
    expect(report.steps[1]!.actions).toEqual(['notifyApp', 'timerCancelled:sessionTtl']);
    expect(report.steps.slice(2).map(({ eventType, accepted, note }) => ({ eventType, accepted, note }))).toEqual(
      ['UPLINK_SMS_READY', 'UPLINK_SMS_SENT', 'UPLINK_SMS_RECEIVED', 'VERIFY_TOKEN_ISSUED'].map((eventType) => ({
        eventType,
        accepted: false,
        note: `the candidate's session has already ended (failed)`,
      })),
    );
    expect(report).toMatchObject({
      recordedFinalState: 'verified',
      candidateFinalState: 'failed',
      candidateFinalStatus: 'failed',
      candidateFailureReason: 'blocked',
      candidatePendingTimers: [],
      counts: { recordedEvents: 5, accepted: 1, skipped: 4, divergentSteps: 5, effectsIgnored: 1 },
    });
  });

  it('without the endpoint-risk node the candidate starts elsewhere, skips the risk result and then runs with the recording again', () => {
    const report = whatIfReplay(
      machineOf('100001', (p) => (p.nodes.endpointRisk.enabled = false)),
      slowOneClickLog().entries,
    );
    expect(report.firstDivergence).toEqual({
      stepIndex: 0,
      version: 1,
      eventType: 'xstate.init',
      cause: 'initialState',
      recordedState: 'endpointRisk',
      candidateState: { proveNumber: { numberAuth: 'awaitingToken' } },
    });
    expect(brief(report).slice(0, 3)).toEqual([
      { origin: 'recorded', eventType: 'xstate.init', accepted: true, match: false, candidateState: { proveNumber: { numberAuth: 'awaitingToken' } } },
      { origin: 'recorded', eventType: 'ENDPOINT_RISK_RESULT', accepted: false, match: true, candidateState: { proveNumber: { numberAuth: 'awaitingToken' } } },
      { origin: 'recorded', eventType: 'NUMBER_AUTH_TOKEN', accepted: true, match: true, candidateState: { proveNumber: { numberAuth: 'exchanging' } } },
    ]);
    expect(report.steps[0]!.actions).toEqual(['timer:sessionTtl', 'timer:numberAuthFallback']);
    expect(report).toMatchObject({ candidateFinalStatus: 'verified', counts: { skipped: 1, divergentSteps: 1 } });
  });

  it('another platform (the input changed for the what-if) asks for the middle digits where the recording went on', () => {
    const report = whatIfReplay(recorded100001, slowOneClickLog().entries, { input: { platform: 'H5', device: {} } });
    expect(report.inputChanges).toEqual(['platform']);
    expect(report.steps[0]!.note).toBe('input changed: platform');
    expect(report.firstDivergence).toMatchObject({
      version: 4,
      eventType: 'CARRIER_RESULT',
      cause: 'differentTarget',
      recordedState: { proveNumber: 'phoneRisk' },
      candidateState: { proveNumber: { numberAuth: 'middleDigits' } },
    });
    expect(report.candidateFinalState).toEqual({ proveNumber: { numberAuth: 'middleDigits' } });
    expect(report.counts).toMatchObject({ accepted: 3, skipped: 2 });
  });

  describe('timers', () => {
    it('recorded timers: a shorter fallback still takes the recorded timer event, with a note on when its own would have fired', () => {
      const recorded = fallbackTimerLog();
      const report = whatIfReplay(
        machineOf('100001', (p) => (p.nodes.numberAuth.fallbackAfterSeconds = 10)),
        recorded.entries,
      );
      expect(report.firstDivergence).toBeNull();
      expect(report.steps[2]).toEqual({
        origin: 'recorded',
        version: 3,
        at: recorded.entries[2]!.at,
        kind: 'event',
        eventType: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken',
        recordedState: { proveNumber: 'enterPhone' },
        candidateState: { proveNumber: 'enterPhone' },
        accepted: true,
        match: true,
        actions: ['timerCancelled:numberAuthFallback'],
        note: `the candidate's own numberAuthFallback timer would fall due 20000 ms earlier than the recorded one`,
      });
      expect(report.candidateFinalStatus).toBe('verified');
    });

    it('candidate timers: a shorter fallback fires before the slow carrier token, which is then skipped', () => {
      const recorded = slowOneClickLog();
      const start = recorded.entries[1]!.at;
      const report = whatIfReplay(
        machineOf('100001', (p) => (p.nodes.numberAuth.fallbackAfterSeconds = 10)),
        recorded.entries,
        { timers: 'candidate' },
      );
      expect(report.steps[2]).toEqual({
        origin: 'candidateTimer',
        version: 2,
        at: start + 10_000,
        kind: 'event',
        eventType: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken',
        recordedState: { proveNumber: { numberAuth: 'awaitingToken' } },
        candidateState: { proveNumber: 'enterPhone' },
        accepted: true,
        match: false,
        actions: ['timerCancelled:numberAuthFallback'],
        note: `the candidate's numberAuthFallback timer fell due`,
      });
      expect(report.firstDivergence).toEqual({
        stepIndex: 2,
        version: 2,
        eventType: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken',
        cause: 'candidateTimer',
        recordedState: { proveNumber: { numberAuth: 'awaitingToken' } },
        candidateState: { proveNumber: 'enterPhone' },
        note: `the candidate's numberAuthFallback timer fell due`,
      });
      expect(
        brief(report)
          .slice(3)
          .map(({ eventType, accepted }) => [eventType, accepted]),
      ).toEqual([
        ['NUMBER_AUTH_TOKEN', false],
        ['CARRIER_RESULT', false],
        ['PHONE_RISK_RESULT', false],
        ['VERIFY_TOKEN_ISSUED', false],
      ]);
      expect(report).toMatchObject({
        timers: 'candidate',
        candidateFinalState: { proveNumber: 'enterPhone' },
        candidateFinalStatus: 'pending',
        counts: { recordedEvents: 5, accepted: 1, skipped: 4, candidateTimers: 1 },
      });
      expect(report.candidatePendingTimers).toEqual([
        { eventType: 'xstate.after.sessionTtl.session', delay: 'sessionTtl', dueAt: recorded.entries[0]!.at + 600_000 },
      ]);

      // With the recorded timers the same candidate follows the recording: its timer never fires on its own.
      expect(
        whatIfReplay(
          machineOf('100001', (p) => (p.nodes.numberAuth.fallbackAfterSeconds = 10)),
          recorded.entries,
        ).firstDivergence,
      ).toBeNull();
    });

    it('candidate timers: the same delay fires as recorded; a longer one is not due yet, so the recorded timer is skipped', () => {
      const recorded = fallbackTimerLog();
      const same = whatIfReplay(recorded100001, recorded.entries, { timers: 'candidate' });
      expect(same.firstDivergence).toBeNull();
      expect(same.counts).toMatchObject({ candidateTimers: 0, skipped: 0, accepted: 7 });

      const longer = whatIfReplay(
        machineOf('100001', (p) => (p.nodes.numberAuth.fallbackAfterSeconds = 60)),
        recorded.entries,
        { timers: 'candidate' },
      );
      expect(longer.firstDivergence).toEqual({
        stepIndex: 2,
        version: 3,
        eventType: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken',
        cause: 'eventSkipped',
        recordedState: { proveNumber: 'enterPhone' },
        candidateState: { proveNumber: { numberAuth: 'awaitingToken' } },
        note: `timers follow the candidate's schedule: its numberAuthFallback timer falls due 30000 ms later than the recorded one`,
      });
      // The user typed a number while the candidate still waited for the carrier: nothing after that is taken.
      expect(longer.candidateFinalState).toEqual({ proveNumber: { numberAuth: 'awaitingToken' } });
      // The recording ends before the candidate's fallback was due (30 s later) — it would have fired then.
      const start = recorded.entries[1]!.at;
      expect(longer.candidatePendingTimers.map(({ delay, dueAt }) => ({ delay, dueAt }))).toEqual([
        { delay: 'numberAuthFallback', dueAt: start + 60_000 },
        { delay: 'sessionTtl', dueAt: recorded.entries[0]!.at + 600_000 },
      ]);
      expect(longer.counts).toMatchObject({ candidateTimers: 0, skipped: 6 });
    });

    it('maps recorded timer events onto a machine with another id by delay name and state path', () => {
      const recorded = new LogRecorder(recorded100001, sessionInput('100001'))
        .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
        .fire('numberAuthFallback')
        .fire('sessionTtl');
      const candidate = withMachineId(recorded100001, 'sessionV2');
      expect(candidate.id).toBe('sessionV2');

      const report = whatIfReplay(candidate, recorded.entries);
      expect(report.firstDivergence).toBeNull();
      expect(report.steps.slice(2).map(({ eventType, candidateEventType, candidateState }) => ({ eventType, candidateEventType, candidateState }))).toEqual([
        {
          eventType: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken',
          candidateEventType: 'xstate.after.numberAuthFallback.sessionV2.proveNumber.numberAuth.awaitingToken',
          candidateState: { proveNumber: 'enterPhone' },
        },
        { eventType: 'xstate.after.sessionTtl.session', candidateEventType: 'xstate.after.sessionTtl.sessionV2', candidateState: 'expired' },
      ]);
      expect(report.steps[3]!.note).toBe('delivered as xstate.after.sessionTtl.sessionV2 (the same delay on the state with the same path)');
      expect(report.counts).toMatchObject({ timersMapped: 2, skipped: 0 });
      expect(report.candidateFinalStatus).toBe('expired');

      // A state with its own id keeps its delayed event's name under any machine id.
      const uplink = new LogRecorder(recorded100001, sessionInput('100001'))
        .send({ type: 'ENDPOINT_RISK_RESULT', score: 90, reasons: [], ruleHit: true })
        .fire('uplinkValidity');
      expect(uplink.entries[2]!.payload.type).toBe('xstate.after.uplinkValidity.proveNumber.uplinkSms');
      const uplinkReport = whatIfReplay(candidate, uplink.entries);
      expect(uplinkReport).toMatchObject({ firstDivergence: null, candidateFailureReason: 'uplink_timeout', counts: { timersMapped: 0 } });
    });

    it('skips a recorded timer whose delay no state of the candidate has', () => {
      const recorded = new LogRecorder(recorded100001, sessionInput('100001')).send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk }).fire('numberAuthFallback');
      const report = whatIfReplay(
        machineOf('100001', (p) => (p.nodes.numberAuth.enabled = false)),
        recorded.entries,
      );
      expect(report.steps[2]).toMatchObject({
        accepted: false,
        match: true,
        candidateState: { proveNumber: 'enterPhone' },
        note: `no state the candidate is in ({"proveNumber":"enterPhone"}) has a numberAuthFallback timer`,
      });
      expect(report.firstDivergence).toMatchObject({ version: 2, cause: 'differentTarget' });
    });
  });

  it('a change that only alters action params (the code length) does not diverge', () => {
    const machine100003 = machineOf('100003');
    const recorded = new LogRecorder(machine100003, sessionInput('100003', { boundPhoneNumber: '13700000003' }))
      .send({ type: 'ENDPOINT_RISK_RESULT', ...lowRisk })
      .send({ type: 'PHONE_RISK_RESULT', ...lowRisk })
      .send({ type: 'SMS_SENT', expiresAt: 0, resendAvailableAt: 0 })
      .send({ type: 'SMS_CODE', result: 'WRONG' })
      .send({ type: 'SMS_CODE', result: 'PASS' })
      .send({ type: 'VERIFY_TOKEN_ISSUED', verifyToken: 'vt', expiresAt: 0 });
    const report = whatIfReplay(
      machineOf('100003', (p) => (p.nodes.smsCode.codeLength = 4)),
      recorded.entries,
    );
    expect(report.firstDivergence).toBeNull();
    expect(report.steps[2]!.actions).toEqual(['sendSmsCode']);
    expect(report).toMatchObject({ candidateFinalStatus: 'verified', counts: { accepted: 6, skipped: 0, divergentSteps: 0 } });

    // A lower limit of wrong codes does diverge: one wrong code locks the candidate.
    const strict = whatIfReplay(
      machineOf('100003', (p) => (p.nodes.smsCode.maxWrongTries = 1)),
      recorded.entries,
    );
    expect(strict.firstDivergence).toMatchObject({ version: 5, eventType: 'SMS_CODE', cause: 'differentTarget', candidateState: 'failed' });
    expect(strict).toMatchObject({ candidateFailureReason: 'too_many_wrong_codes', counts: { skipped: 2 } });
  });

  it('every report survives JSON', () => {
    const reports = [
      whatIfReplay(recorded100001, fallbackTimerLog().entries),
      whatIfReplay(
        machineOf('100001', (p) => (p.nodes.numberAuth.fallbackAfterSeconds = 10)),
        slowOneClickLog().entries,
        { timers: 'candidate' },
      ),
      whatIfReplay(withMachineId(recorded100001, 'other'), fallbackTimerLog().entries, { input: { platform: 'iOS' } }),
    ];
    for (const report of reports) expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
  });
});
