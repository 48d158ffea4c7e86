import type { SessionTimelineEntry } from '../../visualizations/index.js';

export const start = Date.UTC(2025, 0, 15, 9, 30, 0);

/** A session's log as the engine writes it: one-click fails over to an SMS code, secrets redacted. */
export const smsFallbackLog: SessionTimelineEntry[] = [
  {
    version: 1,
    at: start,
    kind: 'init',
    payload: {
      input: { sessionId: 's1', schemeCode: 'FA000001', sceneCode: '100001', platform: 'Android', device: { ip: '10.0.0.1' } },
      policyVersion: 'pv-1',
    },
    state: 'endpointRisk',
  },
  {
    version: 2,
    at: start + 350,
    kind: 'event',
    payload: { type: 'ENDPOINT_RISK_RESULT', score: 12, reasons: ['new device'], ruleHit: false, at: start + 350 },
    state: { proveNumber: { numberAuth: 'awaitingToken' } },
  },
  {
    version: 3,
    at: start + 1_200,
    kind: 'event',
    payload: { type: 'NUMBER_AUTH_TOKEN', accessToken: '[redacted]', at: start + 1_200 },
    state: { proveNumber: { numberAuth: 'exchanging' } },
  },
  {
    version: 4,
    at: start + 2_000,
    kind: 'event',
    payload: { type: 'CARRIER_RESULT', outcome: 'error', providerCode: 'isv.<carrier> & "down"', at: start + 2_000 },
    state: { proveNumber: 'enterPhone' },
  },
  {
    version: 5,
    at: start + 9_000,
    kind: 'event',
    payload: { type: 'PHONE_NUMBER', phoneNumber: '13812345678', at: start + 9_000 },
    state: { proveNumber: 'phoneRisk' },
  },
  {
    version: 6,
    at: start + 9_300,
    kind: 'event',
    payload: { type: 'PHONE_RISK_RESULT', score: 3, reasons: [], ruleHit: false, at: start + 9_300 },
    state: { proveNumber: { sms: 'sending' } },
  },
  {
    version: 7,
    at: start + 10_100,
    kind: 'event',
    payload: { type: 'SMS_SENT', expiresAt: start + 310_100, resendAvailableAt: start + 70_100, bizId: 'biz-42', suppressed: 'deny list', at: start + 10_100 },
    state: { proveNumber: { sms: 'awaitingCode' } },
  },
  {
    version: 8,
    at: start + 40_000,
    kind: 'event',
    payload: { type: 'SMS_CODE', result: 'WRONG', code: '[redacted]', at: start + 40_000 },
    state: { proveNumber: { sms: 'awaitingCode' } },
  },
  {
    version: 9,
    at: start + 65_000,
    kind: 'event',
    payload: { type: 'SMS_CODE', result: 'PASS', code: '[redacted]', at: start + 65_000 },
    state: 'issuingVerifyToken',
  },
  {
    version: 10,
    at: start + 65_400,
    kind: 'event',
    payload: { type: 'VERIFY_TOKEN_ISSUED', verifyToken: '[redacted]', expiresAt: start + 365_400, at: start + 65_400 },
    state: 'verified',
  },
  { version: 11, at: start + 66_000, kind: 'effect', payload: { action: 'notifyApp', id: 's1-10-0' }, state: 'verified' },
];

/** A session that timed out waiting for the carrier token. */
export const timeoutLog: SessionTimelineEntry[] = [
  {
    version: 1,
    at: start,
    kind: 'init',
    payload: { input: { sceneCode: '100003', platform: 'iOS', boundPhoneNumber: '13900001111' } },
    state: { proveBoundNumber: { numberAuth: 'awaitingToken' } },
  },
  {
    version: 2,
    at: start + 30_000,
    kind: 'event',
    payload: { type: 'xstate.after.numberAuthFallback.session.proveBoundNumber.numberAuth.awaitingToken', at: start + 30_000 },
    state: { proveBoundNumber: { sms: 'sending' } },
  },
  {
    version: 3,
    at: start + 600_000,
    kind: 'event',
    payload: { type: 'xstate.after.sessionTtl.session', at: start + 600_000 },
    state: 'expired',
  },
];
