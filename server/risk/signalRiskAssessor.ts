import type { DeviceSignals, RiskAssessment } from '../../machines/index.js';
import type { RiskAssessor } from './riskAssessor.js';

/** Weights of single device signals; a score is their sum, capped at 100. */
const deviceSignalWeights: { signal: keyof DeviceSignals; when: (value: unknown) => boolean; weight: number; reason: string }[] = [
  { signal: 'emulator', when: (v) => v === true, weight: 60, reason: 'emulator' },
  { signal: 'hooked', when: (v) => v === true, weight: 60, reason: 'hooking framework' },
  { signal: 'rooted', when: (v) => v === true, weight: 30, reason: 'rooted or jailbroken' },
  { signal: 'cellularAvailable', when: (v) => v === false, weight: 10, reason: 'no cellular data' },
];

/**
 * Mainland number ranges that carry more risk: virtual operators (170/171/162/165/167) are
 * favoured by SMS farms; 14x data-card and IoT ranges do not belong to people.
 */
const numberRangeWeights: { pattern: RegExp; weight: number; reason: string }[] = [
  { pattern: /^1(70|71|62|65|67)/, weight: 50, reason: 'virtual operator range' },
  { pattern: /^14[0-9]/, weight: 80, reason: 'data card or IoT range' },
];

/** Scores from what the request itself says. Frequency rules and lists come with the full risk engine. */
export class SignalRiskAssessor implements RiskAssessor {
  async assessEndpoint({ device }: { device: DeviceSignals }): Promise<RiskAssessment> {
    const hits = deviceSignalWeights.filter((w) => w.when(device[w.signal]));
    return {
      score: Math.min(
        100,
        hits.reduce((sum, w) => sum + w.weight, 0),
      ),
      reasons: hits.map((w) => w.reason),
      ruleHit: false,
    };
  }

  async assessPhoneNumber({ phoneNumber }: { phoneNumber: string }): Promise<RiskAssessment> {
    const hits = numberRangeWeights.filter((w) => w.pattern.test(phoneNumber));
    return { score: Math.min(100, 5 + hits.reduce((sum, w) => sum + w.weight, 0)), reasons: hits.map((w) => w.reason), ruleHit: false };
  }
}
