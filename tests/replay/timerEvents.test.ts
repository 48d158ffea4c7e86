import { describe, expect, it } from 'vitest';
import { createSessionMachine, defaultPolicy } from '../../machines/index.js';
import { activeTimersOf, matchTimerEvent, parseTimerEventType, summarizeActions, type ActiveTimer } from '../../server/replay/index.js';
import { LogRecorder, sessionInput } from './support/logRecorder.js';

describe('timer events', () => {
  it('parses XState v5 delayed event names: xstate.after.<delay>.<state id>', () => {
    expect(parseTimerEventType('xstate.after.sessionTtl.session')).toEqual({ delay: 'sessionTtl', stateId: 'session' });
    expect(parseTimerEventType('xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken')).toEqual({
      delay: 'numberAuthFallback',
      stateId: 'session.proveNumber.numberAuth.awaitingToken',
    });
    expect(parseTimerEventType('xstate.after.1500.session.a')).toEqual({ delay: '1500', stateId: 'session.a' });
    expect(parseTimerEventType('SMS_CODE')).toBeNull();
    expect(parseTimerEventType('xstate.after.sessionTtl')).toBeNull();
    expect(parseTimerEventType('xstate.after.sessionTtl.')).toBeNull();
  });

  it('lists the delays of the states a snapshot is in, with their state ids and paths', () => {
    const machine = createSessionMachine(defaultPolicy('100001'));
    const uplink = new LogRecorder(machine, sessionInput('100001')).send({ type: 'ENDPOINT_RISK_RESULT', score: 99, reasons: [], ruleHit: true });
    expect(activeTimersOf(machine, uplink.snapshot)).toEqual([
      { eventType: 'xstate.after.sessionTtl.session', delay: 'sessionTtl', stateId: 'session', statePath: '' },
      // The uplink state has an id of its own, so its event carries that id, not the machine id.
      {
        eventType: 'xstate.after.uplinkValidity.proveNumber.uplinkSms',
        delay: 'uplinkValidity',
        stateId: 'proveNumber.uplinkSms',
        statePath: 'proveNumber.uplinkSms',
      },
    ]);
  });

  it('matches a recorded timer onto the candidate by event, by state path under another machine id, or by a unique delay', () => {
    const active: ActiveTimer[] = [
      { eventType: 'xstate.after.sessionTtl.v2', delay: 'sessionTtl', stateId: 'v2', statePath: '' },
      {
        eventType: 'xstate.after.numberAuthFallback.v2.proveNumber.numberAuth.awaitingToken',
        delay: 'numberAuthFallback',
        stateId: 'v2.proveNumber.numberAuth.awaitingToken',
        statePath: 'proveNumber.numberAuth.awaitingToken',
      },
      {
        eventType: 'xstate.after.uplinkValidity.proveNumber.uplinkSms',
        delay: 'uplinkValidity',
        stateId: 'proveNumber.uplinkSms',
        statePath: 'proveNumber.uplinkSms',
      },
    ];
    expect(matchTimerEvent('xstate.after.uplinkValidity.proveNumber.uplinkSms', active)).toEqual({ timer: active[2], by: 'sameEvent' });
    expect(matchTimerEvent('xstate.after.sessionTtl.session', active)).toEqual({ timer: active[0], by: 'statePath' });
    expect(matchTimerEvent('xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken', active)).toEqual({
      timer: active[1],
      by: 'statePath',
    });
    // The state moved (another path), but the candidate has exactly one delay of that name.
    expect(matchTimerEvent('xstate.after.numberAuthFallback.session.proveBoundNumber.numberAuth.awaitingToken', active)).toEqual({
      timer: active[1],
      by: 'delayOnly',
    });
    expect(matchTimerEvent('xstate.after.smsCodeValidity.session.proveNumber.sms.awaitingCode', active)).toBeNull();
    expect(matchTimerEvent('CANCEL', active)).toBeNull();
  });

  it('summarizes actions: named effects as they are, delayed raises and cancels as timers', () => {
    expect(
      summarizeActions([
        { type: 'xstate.raise', params: { event: { type: 'xstate.after.sessionTtl.session' }, id: 'xstate.after.sessionTtl.session', delay: 600000 } },
        { type: 'xstate.cancel', params: { sendId: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken' } },
        { type: 'xstate.raise', params: { event: { type: 'PING' } } },
        { type: 'xstate.cancel', params: { sendId: 'custom' } },
        { type: 'sendSmsCode', params: { phoneNumber: '13800000001' } },
      ]),
    ).toEqual(['timer:sessionTtl', 'timerCancelled:numberAuthFallback', 'raise:PING', 'xstate.cancel', 'sendSmsCode']);
  });
});
