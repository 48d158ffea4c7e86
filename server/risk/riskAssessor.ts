import type { DeviceSignals, RiskAssessment } from '../../machines/index.js';

/**
 * The seam between the statechart and risk scoring: the machine asks for an assessment by
 * a named action and routes on the score that comes back. The rules behind it can grow
 * (frequency rules, lists, carrier data) without touching the chart.
 */
export interface RiskAssessor {
  assessEndpoint(request: { device: DeviceSignals; schemeCode: string; platform: string }): Promise<RiskAssessment>;
  assessPhoneNumber(request: { phoneNumber: string; schemeCode: string }): Promise<RiskAssessment>;
}
