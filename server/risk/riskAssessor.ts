import type { DeviceSignals, FrequencyRule, RiskAssessment } from '../../machines/index.js';

/** The risk settings of a policy node that an assessment applies: the machine compares the score with the threshold itself. */
export interface RiskRules {
  /** Only for the reasons (`score 75 > threshold 70`): the machine routes on the threshold itself. */
  threshold?: number;
  /** Up to five frequency rules, OR-ed. */
  rules: readonly FrequencyRule[];
  /** Phone risk: at most one send per number within this many seconds, across sessions. */
  sendIntervalSeconds?: number;
  /** Phone risk: a SIM swap within this many hours is risky (the operator's SIM Swap API answers it). */
  simSwapMaxAgeHours?: number;
}

export interface EndpointRiskRequest {
  device: DeviceSignals;
  schemeCode: string;
  platform: string;
  /** The endpoint-risk node of the session's policy; without it no frequency rule applies. */
  policy?: RiskRules;
}

export interface PhoneRiskRequest {
  phoneNumber: string;
  schemeCode: string;
  /** The session's device signals, for rules per IP or device. */
  device?: DeviceSignals;
  /** The phone-risk node of the session's policy; without it no frequency rule applies. */
  policy?: RiskRules;
  /**
   * Count this look-up as an event (the phone-risk node does); false reads the counters only
   * (the scoring node's PhoneScore must not count a number twice).
   */
  record?: boolean;
}

/**
 * The seam between the statechart and risk scoring: the machine asks for an assessment by
 * a named action and routes on the score that comes back (risky = ruleHit or score above the
 * node's threshold). `reasons` say why, in words an operator reads in the session's trace.
 */
export interface RiskAssessor {
  assessEndpoint(request: EndpointRiskRequest): Promise<RiskAssessment>;
  assessPhoneNumber(request: PhoneRiskRequest): Promise<RiskAssessment>;
}
