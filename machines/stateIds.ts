import type { ProofPhase } from './policy/scenes.js';

const phaseNames: Record<ProofPhase, string> = {
  user: 'proveNumber',
  bound: 'proveBoundNumber',
  new: 'proveNewNumber',
};

/** Ids of the states that are targeted across levels of the chart. */
export const stateIds = {
  root: 'session',
  captcha: 'captcha',
  issuingVerifyToken: 'issuingVerifyToken',
  noProof: 'noProofAvailable',
  verified: 'verified',
  failed: 'failed',
  expired: 'expired',
  phase(phase: ProofPhase) {
    const name = phaseNames[phase];
    return {
      phase: name,
      enterPhone: `${name}.enterPhone`,
      phoneRisk: `${name}.phoneRisk`,
      phoneRiskCleared: `${name}.phoneRiskCleared`,
      captcha: `${name}.captcha`,
      sms: `${name}.sms`,
      uplink: `${name}.uplinkSms`,
    };
  },
};
