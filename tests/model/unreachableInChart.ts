/**
 * Parts of a policy's chart that no event sequence can reach: `createSessionMachine` builds them
 * whatever the policy says, but the policy leaves no route into them. They are defects of the
 * chart (dead states and branches in every rendered chart and in every coverage figure), listed
 * here per machine so the coverage tests can demand everything else. The coverage tests compare
 * these lists exactly, so a fix to the chart shows up as a list to shorten.
 */
export interface Unreachable {
  stateNodes: string[];
  transitions: string[];
}

type PhaseName = 'proveNumber' | 'proveBoundNumber' | 'proveNewNumber';

/** `noProofAvailable` is only targeted when both the SMS code and the uplink SMS are off; it is built always. */
const noProofState: Unreachable = { stateNodes: ['noProofAvailable'], transitions: ['noProofAvailable always#0'] };

/**
 * `phoneRiskCleared`'s `provedByCarrier` branch in a phase without number auth (phase `new`, or
 * number auth off): `provedByCarrier` is reset on phase entry and only number auth sets it.
 */
const carrierBranch = (phase: PhaseName): Unreachable => ({ stateNodes: [], transitions: [`${phase}.phoneRiskCleared always#0`] });

/**
 * `phoneRiskCleared`'s fallback branch where only a number proved by the carrier gets there (no
 * phone risk node, or no other way to a number): then the `provedByCarrier` branch always wins.
 */
const fallbackBranch = (phase: PhaseName): Unreachable => ({ stateNodes: [], transitions: [`${phase}.phoneRiskCleared always#1`] });

/** `phoneRiskCleared` as a whole, when neither phone risk nor number auth leads to it. */
const phoneRiskCleared = (phase: PhaseName): Unreachable => ({
  stateNodes: [`${phase}.phoneRiskCleared`],
  transitions: [`${phase}.phoneRiskCleared always#0`, `${phase}.phoneRiskCleared always#1`],
});

/** In `numberCheck` mode no CARRIER_RESULT leads to `confirmingNumber`, hence not to `middleDigits` either. */
const oneClickSteps = (phase: PhaseName): Unreachable => ({
  stateNodes: [`session.${phase}.numberAuth.confirmingNumber`, `session.${phase}.numberAuth.middleDigits`],
  transitions: [
    `session.${phase}.numberAuth.confirmingNumber always#0`,
    `session.${phase}.numberAuth.confirmingNumber always#1`,
    `session.${phase}.numberAuth.middleDigits MIDDLE_DIGITS#0`,
    `session.${phase}.numberAuth.middleDigits MIDDLE_DIGITS#1`,
    `session.${phase}.numberAuth.middleDigits MIDDLE_DIGITS#2`,
    `session.${phase}.numberAuth.middleDigits SWITCH_TO_SMS#0`,
  ],
});

/**
 * With the SMS code off, SWITCH_TO_SMS keeps its `smsAvailable` guard, which is then constantly
 * false, although its target (`smsRoute`) points at the uplink SMS or `noProofAvailable`.
 */
const switchWithoutSms = (phase: PhaseName, ...from: ('awaitingToken' | 'middleDigits')[]): Unreachable => ({
  stateNodes: [],
  transitions: from.map((state) => `session.${phase}.numberAuth.${state} SWITCH_TO_SMS#0`),
});

/**
 * With the SMS code off in scene 100001, `smsRoute` points at the uplink SMS, so nothing leads to
 * `enterPhone`; and `phoneRiskCleared` is then only reached with a number the carrier proved.
 */
const enterPhoneWithoutSms: Unreachable = {
  stateNodes: ['proveNumber.enterPhone'],
  transitions: ['proveNumber.enterPhone PHONE_NUMBER#0', 'proveNumber.phoneRiskCleared always#1'],
};

function all(...parts: Unreachable[]): Unreachable {
  return { stateNodes: parts.flatMap((part) => part.stateNodes), transitions: parts.flatMap((part) => part.transitions) };
}

export const unreachableInChart: Record<string, Unreachable> = {
  '100001-default': noProofState,
  '100002-default': all(noProofState, carrierBranch('proveBoundNumber'), carrierBranch('proveNewNumber')),
  '100003-default': all(noProofState, carrierBranch('proveBoundNumber')),
  '100004-default': all(noProofState, carrierBranch('proveNewNumber')),
  '100005-default': all(noProofState, phoneRiskCleared('proveBoundNumber')),

  '100001-captcha': noProofState,
  '100001-block': noProofState,
  '100001-carrierErrorUplink': noProofState,
  '100001-carrierErrorFail': noProofState,
  '100001-uplinkOnly': all(noProofState, switchWithoutSms('proveNumber', 'awaitingToken', 'middleDigits'), enterPhoneWithoutSms),
  '100002-numberCheck-captcha': all(noProofState, oneClickSteps('proveBoundNumber'), carrierBranch('proveNewNumber')),
  '100003-numberCheck': all(noProofState, oneClickSteps('proveBoundNumber')),
  '100004-captcha': all(noProofState, carrierBranch('proveNewNumber')),
  '100005-numberCheck': all(noProofState, oneClickSteps('proveBoundNumber'), fallbackBranch('proveBoundNumber')),
  '100005-numberCheckOnly': all(oneClickSteps('proveBoundNumber'), switchWithoutSms('proveBoundNumber', 'awaitingToken'), fallbackBranch('proveBoundNumber')),
};
