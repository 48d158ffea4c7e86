import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionMachine, defaultPolicy, type Policy, type SceneCode } from '../../machines/index.js';
import { readRecordedSession, replaySession, whatIfReplay, type ReplayReport } from '../../server/replay/index.js';
import type { SessionLogEntry } from '../../server/stores/sessionStore.js';
import { RecordingServer, type RecordedLog } from './support/recordingServer.js';

/**
 * Sessions of every default scene, run by the real engine through the public API (in memory),
 * replayed from the log the engine wrote.
 */
type Scenario =
  | 'oneClickVerified'
  | 'smsFallbackWrongThenRight'
  | 'carrierTimeout'
  | 'fallbackTimerThenExpired'
  | 'riskyDeviceUplink'
  | 'h5MiddleDigits'
  | 'changeNumber'
  | 'resetPasswordLocked'
  | 'bindNewNumberCancelled'
  | 'verifyBoundCodeExpired';

type Recorded = RecordedLog & { storedState: unknown };

let recorder: RecordingServer;
const logs = new Map<Scenario, Recorded>();

function log(scenario: Scenario): Recorded {
  const found = logs.get(scenario);
  if (!found) throw new Error(`scenario ${scenario} was not recorded`);
  return found;
}

const wrongCodeFor = (code: string) => (code === '000000' ? '111111' : '000000');

async function codeFor(phoneNumber: string) {
  return recorder.flow.latestSmsCode(phoneNumber);
}

beforeAll(async () => {
  recorder = await RecordingServer.start();
  const { flow } = recorder;
  const clock = recorder.server.clock;

  {
    const s = await recorder.open('100001');
    await flow.sendOk(s.authToken, s.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await flow.carrierToken('13800000001') });
    logs.set('oneClickVerified', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100001');
    await flow.sendOk(s.authToken, s.id, { type: 'SWITCH_TO_SMS' });
    await flow.sendOk(s.authToken, s.id, { type: 'PHONE_NUMBER', phoneNumber: '13800000002' });
    const code = await codeFor('13800000002');
    expect((await flow.sendOk(s.authToken, s.id, { type: 'SMS_CODE', code: wrongCodeFor(code) })).nextAction.lastResult).toBe('WRONG');
    expect((await flow.sendOk(s.authToken, s.id, { type: 'SMS_CODE', code })).status).toBe('verified');
    logs.set('smsFallbackWrongThenRight', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100001');
    const after = await flow.sendOk(s.authToken, s.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await flow.carrierToken('13800000003', 'timeout') });
    expect(after.nextAction.type).toBe('enterPhone');
    logs.set('carrierTimeout', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100001');
    clock.advanceSeconds(31);
    expect((await flow.get(s.authToken, s.id)).body.nextAction.type).toBe('enterPhone');
    clock.advanceSeconds(600);
    expect((await flow.get(s.authToken, s.id)).body.status).toBe('expired');
    logs.set('fallbackTimerThenExpired', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100001', { device: { emulator: true, hooked: true } });
    expect(s.session.nextAction.type).toBe('uplinkSms');
    const { code, receivingNumber } = s.session.nextAction as { code: string; receivingNumber: string };
    await flow.sendOk(s.authToken, s.id, { type: 'UPLINK_SMS_SENT' });
    await recorder.server.api.post('/v1/simulator/uplink-sms', { from: '13800000005', to: receivingNumber, text: wrongCodeFor(code) });
    await recorder.server.api.post('/v1/simulator/uplink-sms', { from: '13800000005', to: receivingNumber, text: `验证 ${code}` });
    expect((await flow.get(s.authToken, s.id)).body.status).toBe('verified');
    logs.set('riskyDeviceUplink', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100001', { h5: true });
    await flow.sendOk(s.authToken, s.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await flow.carrierToken('13912345678') });
    await flow.sendOk(s.authToken, s.id, { type: 'MIDDLE_DIGITS', digits: '0000' });
    expect((await flow.sendOk(s.authToken, s.id, { type: 'MIDDLE_DIGITS', digits: '1234' })).status).toBe('verified');
    logs.set('h5MiddleDigits', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100002', { boundPhoneNumber: '13700000001' });
    await flow.sendOk(s.authToken, s.id, { type: 'SMS_CODE', code: await codeFor('13700000001') });
    await flow.sendOk(s.authToken, s.id, { type: 'PHONE_NUMBER', phoneNumber: '13700000002' });
    expect((await flow.sendOk(s.authToken, s.id, { type: 'SMS_CODE', code: await codeFor('13700000002') })).status).toBe('verified');
    logs.set('changeNumber', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100003', { boundPhoneNumber: '13700000003' });
    const wrong = wrongCodeFor(await codeFor('13700000003'));
    for (let i = 0; i < 5; i++) await flow.sendOk(s.authToken, s.id, { type: 'SMS_CODE', code: wrong });
    logs.set('resetPasswordLocked', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100004');
    await flow.sendOk(s.authToken, s.id, { type: 'PHONE_NUMBER', phoneNumber: '13700000004' });
    expect((await flow.sendOk(s.authToken, s.id, { type: 'CANCEL' })).status).toBe('failed');
    logs.set('bindNewNumberCancelled', await recorder.record(s.id));
  }
  {
    const s = await recorder.open('100005', { boundPhoneNumber: '13700000005' });
    clock.advanceSeconds(301);
    await flow.sendOk(s.authToken, s.id, { type: 'RESEND_SMS' });
    expect((await flow.sendOk(s.authToken, s.id, { type: 'SMS_CODE', code: await codeFor('13700000005') })).status).toBe('verified');
    logs.set('verifyBoundCodeExpired', await recorder.record(s.id));
  }
});

afterAll(() => recorder?.close());

const eventTypesOf = (report: ReplayReport) => report.steps.map((step) => step.eventType);
const actionsAt = (report: ReplayReport, eventType: string) => report.steps.filter((step) => step.eventType === eventType).map((step) => step.actions);

describe('replaySession on logs the engine wrote', () => {
  const expected: Record<Scenario, { scene: SceneCode; events: (string | null)[]; finalState: unknown; status: string; reason: string | null }> = {
    oneClickVerified: {
      scene: '100001',
      events: ['xstate.init', 'ENDPOINT_RISK_RESULT', 'NUMBER_AUTH_TOKEN', 'CARRIER_RESULT', 'PHONE_RISK_RESULT', 'VERIFY_TOKEN_ISSUED', null],
      finalState: 'verified',
      status: 'verified',
      reason: null,
    },
    smsFallbackWrongThenRight: {
      scene: '100001',
      events: [
        'xstate.init',
        'ENDPOINT_RISK_RESULT',
        'SWITCH_TO_SMS',
        'PHONE_NUMBER',
        'PHONE_RISK_RESULT',
        'SMS_SENT',
        'SMS_CODE',
        'SMS_CODE',
        'VERIFY_TOKEN_ISSUED',
        null,
      ],
      finalState: 'verified',
      status: 'verified',
      reason: null,
    },
    carrierTimeout: {
      scene: '100001',
      events: ['xstate.init', 'ENDPOINT_RISK_RESULT', 'NUMBER_AUTH_TOKEN', 'CARRIER_RESULT'],
      finalState: { proveNumber: 'enterPhone' },
      status: 'pending',
      reason: null,
    },
    fallbackTimerThenExpired: {
      scene: '100001',
      events: [
        'xstate.init',
        'ENDPOINT_RISK_RESULT',
        'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken',
        'xstate.after.sessionTtl.session',
        null,
      ],
      finalState: 'expired',
      status: 'expired',
      reason: null,
    },
    riskyDeviceUplink: {
      scene: '100001',
      events: ['xstate.init', 'ENDPOINT_RISK_RESULT', 'UPLINK_SMS_READY', 'UPLINK_SMS_SENT', 'UPLINK_SMS_RECEIVED', 'VERIFY_TOKEN_ISSUED', null],
      finalState: 'verified',
      status: 'verified',
      reason: null,
    },
    h5MiddleDigits: {
      scene: '100001',
      events: [
        'xstate.init',
        'ENDPOINT_RISK_RESULT',
        'NUMBER_AUTH_TOKEN',
        'CARRIER_RESULT',
        'MIDDLE_DIGITS',
        'MIDDLE_DIGITS',
        'PHONE_RISK_RESULT',
        'VERIFY_TOKEN_ISSUED',
        null,
      ],
      finalState: 'verified',
      status: 'verified',
      reason: null,
    },
    changeNumber: {
      scene: '100002',
      events: [
        'xstate.init',
        'ENDPOINT_RISK_RESULT',
        'PHONE_RISK_RESULT',
        'SMS_SENT',
        'SMS_CODE',
        'PHONE_NUMBER',
        'PHONE_RISK_RESULT',
        'SMS_SENT',
        'SMS_CODE',
        'VERIFY_TOKEN_ISSUED',
        null,
      ],
      finalState: 'verified',
      status: 'verified',
      reason: null,
    },
    resetPasswordLocked: {
      scene: '100003',
      events: ['xstate.init', 'ENDPOINT_RISK_RESULT', 'PHONE_RISK_RESULT', 'SMS_SENT', 'SMS_CODE', 'SMS_CODE', 'SMS_CODE', 'SMS_CODE', 'SMS_CODE', null],
      finalState: 'failed',
      status: 'failed',
      reason: 'too_many_wrong_codes',
    },
    bindNewNumberCancelled: {
      scene: '100004',
      events: ['xstate.init', 'ENDPOINT_RISK_RESULT', 'PHONE_NUMBER', 'PHONE_RISK_RESULT', 'SMS_SENT', 'CANCEL', null],
      finalState: 'failed',
      status: 'failed',
      reason: 'cancelled',
    },
    verifyBoundCodeExpired: {
      scene: '100005',
      events: [
        'xstate.init',
        'ENDPOINT_RISK_RESULT',
        'SMS_SENT',
        'xstate.after.smsCodeValidity.session.proveBoundNumber.sms.awaitingCode',
        'RESEND_SMS',
        'SMS_SENT',
        'SMS_CODE',
        'VERIFY_TOKEN_ISSUED',
        null,
      ],
      finalState: 'verified',
      status: 'verified',
      reason: null,
    },
  };

  it.each(Object.entries(expected) as [Scenario, (typeof expected)[Scenario]][])('%s replays step for step to where the engine stored it', (scenario, want) => {
    const recorded = log(scenario);
    expect(recorded.sceneCode).toBe(want.scene);
    const report = replaySession(recorded.machine, recorded.entries);
    expect(eventTypesOf(report)).toEqual(want.events);
    expect(report.steps.map((step) => step.version)).toEqual(recorded.entries.map((_, i) => i + 1));
    expect(report.steps.filter((step) => !step.match)).toEqual([]);
    expect(report).toMatchObject({ matches: true, firstMismatch: null, issues: [], sessionId: recorded.sessionId });
    expect(report.finalState).toEqual(want.finalState);
    expect(report.finalState).toEqual(recorded.storedState);
    expect(report.finalStatus).toBe(want.status);
    expect(report.finalFailureReason).toBe(want.reason);
    // Effect entries (the webhook) are checked too: the state they recorded is the one the machine is in.
    expect(report.steps.filter((step) => step.kind === 'effect').map((step) => step.effect?.action)).toEqual(want.events.includes(null) ? ['notifyApp'] : []);
  });

  it('reports the named actions and timers each step emitted', () => {
    const oneClick = replaySession(log('oneClickVerified').machine, log('oneClickVerified').entries);
    expect(oneClick.steps.map((step) => step.actions)).toEqual([
      ['timer:sessionTtl', 'assessEndpointRisk'],
      ['timer:numberAuthFallback'],
      ['timerCancelled:numberAuthFallback', 'exchangeCarrierToken'],
      ['assessPhoneRisk'],
      ['issueVerifyToken'],
      ['notifyApp', 'timerCancelled:sessionTtl'],
      [],
    ]);

    const sms = replaySession(log('smsFallbackWrongThenRight').machine, log('smsFallbackWrongThenRight').entries);
    expect(actionsAt(sms, 'SWITCH_TO_SMS')).toEqual([['timerCancelled:numberAuthFallback']]);
    expect(actionsAt(sms, 'PHONE_RISK_RESULT')).toEqual([['sendSmsCode']]);
    expect(actionsAt(sms, 'SMS_SENT')).toEqual([['timer:smsCodeValidity']]);
    // The wrong code stays in awaitingCode (a targetless transition: the timer keeps running); the right one leaves it.
    expect(actionsAt(sms, 'SMS_CODE')).toEqual([[], ['timerCancelled:smsCodeValidity', 'issueVerifyToken']]);
    expect(sms.steps.filter((step) => step.eventType === 'SMS_CODE').map((step) => step.replayedState)).toEqual([
      { proveNumber: { sms: 'awaitingCode' } },
      'issuingVerifyToken',
    ]);

    const timers = replaySession(log('fallbackTimerThenExpired').machine, log('fallbackTimerThenExpired').entries);
    expect(timers.steps.slice(2, 4).map(({ replayedState, actions }) => ({ replayedState, actions }))).toEqual([
      { replayedState: { proveNumber: 'enterPhone' }, actions: ['timerCancelled:numberAuthFallback'] },
      { replayedState: 'expired', actions: ['notifyApp', 'timerCancelled:sessionTtl'] },
    ]);

    const uplink = replaySession(log('riskyDeviceUplink').machine, log('riskyDeviceUplink').entries);
    expect(uplink.steps[1]).toMatchObject({ eventType: 'ENDPOINT_RISK_RESULT', replayedState: { proveNumber: { uplinkSms: 'preparing' } } });
    expect(uplink.steps[1]!.actions).toEqual(['timer:uplinkValidity', 'prepareUplinkSms']);
  });

  it('replays with the redacted secrets the engine logged', () => {
    const oneClick = log('oneClickVerified').entries;
    expect(oneClick.find((e) => e.payload.type === 'NUMBER_AUTH_TOKEN')!.payload.accessToken).toBe('[redacted]');
    expect(oneClick.find((e) => e.payload.type === 'VERIFY_TOKEN_ISSUED')!.payload.verifyToken).toBe('[redacted]');
    // The uplink code is kept: the uplink guard reads it on replay.
    const ready = log('riskyDeviceUplink').entries.find((e) => e.payload.type === 'UPLINK_SMS_READY')!;
    expect(ready.payload.code).toMatch(/^\d{6}$/);
    // SMS codes never reach the machine: the log holds the verdict.
    const codes = log('smsFallbackWrongThenRight').entries.filter((e) => e.payload.type === 'SMS_CODE');
    expect(codes.map((e) => e.payload)).toEqual([
      { type: 'SMS_CODE', result: 'WRONG', at: codes[0]!.at },
      { type: 'SMS_CODE', result: 'PASS', at: codes[1]!.at },
    ]);
  });

  it('gives the same report with the machine rebuilt from the stored policy version, or from the default policy', async () => {
    for (const [scenario, recorded] of logs) {
      const { policyVersion, input } = readRecordedSession(recorded.entries);
      expect(policyVersion, scenario).toMatch(/^[0-9a-f]{16}$/);
      const fromVersion = await recorder.machineOfVersion(policyVersion!);
      const fromDefault = createSessionMachine(defaultPolicy(input.sceneCode));
      const expectedReport = replaySession(recorded.machine, recorded.entries);
      expect(replaySession(fromVersion, recorded.entries), scenario).toEqual(expectedReport);
      expect(replaySession(fromDefault, recorded.entries), scenario).toEqual(expectedReport);
    }
  });

  it('a tampered log fails at exactly the changed step', () => {
    const recorded = log('smsFallbackWrongThenRight');
    const tampered: SessionLogEntry[] = structuredClone(recorded.entries);
    expect(tampered[6]).toMatchObject({ version: 7, payload: { type: 'SMS_CODE', result: 'WRONG' } });
    tampered[6]!.state = 'issuingVerifyToken';
    const report = replaySession(recorded.machine, tampered);
    expect(report.matches).toBe(false);
    expect(report.firstMismatch).toBe(7);
    expect(report.steps.filter((step) => !step.match).map((step) => step.version)).toEqual([7]);
    expect(report.steps[6]).toMatchObject({
      version: 7,
      eventType: 'SMS_CODE',
      recordedState: 'issuingVerifyToken',
      replayedState: { proveNumber: { sms: 'awaitingCode' } },
      match: false,
    });
    // The replay goes on from the machine's own state, so the rest of the log still matches.
    expect(report.finalStatus).toBe('verified');
  });

  it('every report survives JSON', () => {
    for (const recorded of logs.values()) {
      const report = replaySession(recorded.machine, recorded.entries);
      expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
    }
  });
});

describe('whatIfReplay on logs the engine wrote', () => {
  function candidate(scene: SceneCode, change: (policy: Policy) => void) {
    const policy = defaultPolicy(scene);
    change(policy);
    return createSessionMachine(policy);
  }

  it('against the policy each session ran on: no divergence, every event taken', () => {
    for (const [scenario, recorded] of logs) {
      const report = whatIfReplay(recorded.machine, recorded.entries);
      expect(report.firstDivergence, scenario).toBeNull();
      expect(
        report.steps.every((step) => step.accepted && step.match),
        scenario,
      ).toBe(true);
      const events = recorded.entries.filter((e) => e.kind === 'event').length;
      expect(report.counts, scenario).toEqual({
        recordedEvents: events,
        accepted: events,
        skipped: 0,
        timersMapped: 0,
        candidateTimers: 0,
        divergentSteps: 0,
        effectsIgnored: recorded.entries.filter((e) => e.kind === 'effect').length,
      });
      expect(report.candidateFinalState, scenario).toEqual(recorded.storedState);
      expect(report.candidateFinalStatus, scenario).toBe(replaySession(recorded.machine, recorded.entries).finalStatus);
    }
  });

  it('without the number-auth node the one-click session diverges after the endpoint check and the carrier events are skipped', () => {
    const recorded = log('oneClickVerified');
    const report = whatIfReplay(
      candidate('100001', (p) => (p.nodes.numberAuth.enabled = false)),
      recorded.entries,
    );
    expect(report.firstDivergence).toEqual({
      stepIndex: 1,
      version: 2,
      eventType: 'ENDPOINT_RISK_RESULT',
      cause: 'differentTarget',
      recordedState: { proveNumber: { numberAuth: 'awaitingToken' } },
      candidateState: { proveNumber: 'enterPhone' },
    });
    expect(report.steps.map(({ eventType, accepted, candidateState }) => ({ eventType, accepted, candidateState }))).toEqual([
      { eventType: 'xstate.init', accepted: true, candidateState: 'endpointRisk' },
      { eventType: 'ENDPOINT_RISK_RESULT', accepted: true, candidateState: { proveNumber: 'enterPhone' } },
      { eventType: 'NUMBER_AUTH_TOKEN', accepted: false, candidateState: { proveNumber: 'enterPhone' } },
      { eventType: 'CARRIER_RESULT', accepted: false, candidateState: { proveNumber: 'enterPhone' } },
      { eventType: 'PHONE_RISK_RESULT', accepted: false, candidateState: { proveNumber: 'enterPhone' } },
      { eventType: 'VERIFY_TOKEN_ISSUED', accepted: false, candidateState: { proveNumber: 'enterPhone' } },
    ]);
    expect(report.steps[3]!.note).toBe(`the candidate's state {"proveNumber":"enterPhone"} does not take CARRIER_RESULT`);
    expect(report.counts).toMatchObject({ recordedEvents: 5, accepted: 1, skipped: 4, divergentSteps: 5 });
    expect(report).toMatchObject({ recordedFinalState: 'verified', candidateFinalState: { proveNumber: 'enterPhone' }, candidateFinalStatus: 'pending' });
    expect(report.candidatePendingTimers.map((t) => t.delay)).toEqual(['sessionTtl']);
  });

  it('with carrier errors routed to failure, the carrier-timeout session fails where it went to SMS', () => {
    const recorded = log('carrierTimeout');
    const report = whatIfReplay(
      candidate('100001', (p) => (p.nodes.numberAuth.onCarrierError = 'fail')),
      recorded.entries,
    );
    expect(report.firstDivergence).toEqual({
      stepIndex: 3,
      version: 4,
      eventType: 'CARRIER_RESULT',
      cause: 'differentTarget',
      recordedState: { proveNumber: 'enterPhone' },
      candidateState: 'failed',
    });
    expect(report.steps[3]!.actions).toEqual(['notifyApp', 'timerCancelled:sessionTtl']);
    expect(report).toMatchObject({ candidateFinalStatus: 'failed', candidateFailureReason: 'carrier_error', candidatePendingTimers: [] });
  });

  it('what-if reports survive JSON', () => {
    for (const recorded of logs.values()) {
      const report = whatIfReplay(
        candidate(recorded.sceneCode, (p) => (p.nodes.smsCode.codeLength = 4)),
        recorded.entries,
      );
      expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
    }
  });
});
