import { maskPhoneNumber, type DeviceSignals, type RiskAssessment } from '../../machines/index.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import { describeHit, scoreDeviceSignals, scoreOf, type SchemeIdentity, type WeightedSignal } from './deviceSignalScore.js';
import { describeRule, evaluateRules, FrequencyCounters, type DimensionValues, type RuleOutcome, type WindowCounts } from './frequencyRules.js';
import type { PhoneListMatch } from './phoneListRepository.js';
import { scorePhoneRange } from './phoneRangeScore.js';
import { noRecycledNumbers, type RecycledNumbers } from './recycledNumbers.js';
import type { EndpointRiskRequest, PhoneRiskRequest, RiskAssessor, RiskRules } from './riskAssessor.js';
import type { SimSwapSignal } from './simSwapSignal.js';

export interface PolicyRiskAssessorDependencies {
  kv: KeyValueStore;
  /** The scheme registry: a device's app identity is compared with its scheme's. */
  schemes: { get(code: string): Promise<SchemeIdentity | null> };
  /** Deny and allow lists per scheme. */
  phoneLists: { match(schemeCode: string, phoneNumber: string): Promise<PhoneListMatch> };
  recycledNumbers?: RecycledNumbers;
  /** The operator's SIM Swap API; without it a policy's SIM swap window is noted in the reasons and not checked. */
  simSwap?: SimSwapSignal;
}

/** Every number starts a little above 0: nothing is known to be safe. */
export const phoneBaseScore = 5;

/** Phone signals beyond the range, and their weights. */
export const phoneSignalWeights = {
  recycled: 60,
  /** Another session asked for this number within the policy's send interval. */
  withinSendInterval: 30,
  hourlyVelocity: 15,
  dailyVelocity: 15,
} as const;

/** Sessions per number that count as a velocity signal (more than this many). */
export const phoneVelocityLimits = { perHour: 10, perDay: 50 } as const;

/**
 * Risk from the policy's settings, the device signals, the scheme's lists and counters in the
 * key-value store. Every assessment lists why in `reasons`, the strings an operator reads in a
 * session's trace: each signal with its weight (`emulator +60`), each rule hit with its count
 * (`rule device>2/60s hit (3)`), a list match, and last the score against the threshold; an empty
 * list when nothing raised the score.
 *
 * Lists: a deny-listed number scores 100 and counts as a rule hit, so it is risky whatever the
 * threshold. An allow-listed number scores 0 and no rule applies to it (allow wins over ranges,
 * velocity and rules; its events still count toward the per-IP/device/scheme counters). A
 * number on both lists is denied.
 */
export class PolicyRiskAssessor implements RiskAssessor {
  private readonly endpointCounters: FrequencyCounters;
  private readonly phoneCounters: FrequencyCounters;
  private readonly recycled: RecycledNumbers;

  constructor(private readonly deps: PolicyRiskAssessorDependencies) {
    this.endpointCounters = new FrequencyCounters(deps.kv, 'endpoint');
    this.phoneCounters = new FrequencyCounters(deps.kv, 'phone');
    this.recycled = deps.recycledNumbers ?? noRecycledNumbers;
  }

  async assessEndpoint({ device, schemeCode, platform, policy }: EndpointRiskRequest): Promise<RiskAssessment> {
    const scheme = await this.deps.schemes.get(schemeCode);
    const hits = scoreDeviceSignals(device, scheme ? { ...scheme, platform: scheme.platform ?? platform } : { platform });
    const values = deviceDimensions(device, schemeCode);
    const rules = evaluateRules(policy?.rules ?? [], values, await this.endpointCounters.count(values, policy?.rules ?? []));
    return assessment(scoreOf(hits), hits.map(describeHit), rules, policy);
  }

  async assessPhoneNumber({ phoneNumber, schemeCode, device = {}, policy, record = true }: PhoneRiskRequest): Promise<RiskAssessment> {
    const values = { ...deviceDimensions(device, schemeCode), ...phoneDimensions(phoneNumber) };
    const sendIntervalSeconds = policy?.sendIntervalSeconds ?? 0;
    // The number's velocity windows are counted with the policy's rules: one store call per subject.
    const velocityWindows = [...(sendIntervalSeconds > 0 ? [sendIntervalSeconds] : []), 3_600, 86_400];
    const [lists, recycled, counts, simSwap] = await Promise.all([
      this.deps.phoneLists.match(schemeCode, phoneNumber),
      this.recycled.isRecycled(phoneNumber),
      this.phoneCounters.count(values, policy?.rules ?? [], { phoneNumber: velocityWindows }, record),
      this.simSwapFinding(phoneNumber, policy?.simSwapMaxAgeHours),
    ]);
    const rules = evaluateRules(policy?.rules ?? [], values, counts);
    const hits: WeightedSignal[] = [...scorePhoneRange(phoneNumber), ...velocityHits(counts, sendIntervalSeconds)];
    if (recycled) hits.unshift({ reason: 'number marked recycled by the carrier', weight: phoneSignalWeights.recycled });
    const notes = simSwap ? [simSwap.reason] : [];

    if (lists.deny !== undefined) {
      return assessment(100, [`number on the scheme's deny list (${maskEntry(lists.deny)})`, ...notes, ...hits.map(describeHit)], rules, policy, true);
    }
    if (lists.allow !== undefined) {
      const ignored = [...notes, ...hits.map(describeHit), ...rules.filter((r) => r.hit).map(describeOutcome)].map((reason) => `ignored: ${reason}`);
      return assessment(0, [`number on the scheme's allow list (${maskEntry(lists.allow)})`, ...ignored], [], policy);
    }
    return assessment(scoreOf(hits, phoneBaseScore), [...notes, ...hits.map(describeHit)], rules, policy, simSwap?.swapped === true);
  }

  /** A recent SIM swap forces the risky route; a check that could not be made is only noted. Undefined when the policy sets no window. */
  private async simSwapFinding(phoneNumber: string, maxAgeHours: number | undefined): Promise<{ swapped: boolean; reason: string } | undefined> {
    if (maxAgeHours === undefined) return undefined;
    if (!this.deps.simSwap) return { swapped: false, reason: `SIM swap window ${maxAgeHours}h set, but no SIM Swap API is configured: not checked` };
    const answer = await this.deps.simSwap.swappedWithin(phoneNumber, maxAgeHours);
    if ('unavailable' in answer) return { swapped: false, reason: `SIM swap check unavailable (${answer.unavailable}): not counted` };
    return answer.swapped
      ? { swapped: true, reason: `SIM swapped within the last ${maxAgeHours}h (operator's SIM Swap API)` }
      : { swapped: false, reason: `no SIM swap within the last ${maxAgeHours}h` };
  }
}

/** Sessions per number: within the send interval, per hour, per day. */
function velocityHits(counts: WindowCounts, sendIntervalSeconds: number): WeightedSignal[] {
  const inInterval = sendIntervalSeconds > 0 ? counts('phoneNumber', sendIntervalSeconds) : 0;
  const perHour = counts('phoneNumber', 3_600);
  const perDay = counts('phoneNumber', 86_400);
  const hits: WeightedSignal[] = [];
  if (inInterval > 1)
    hits.push({
      reason: `${inInterval} sessions for this number within the ${sendIntervalSeconds}s send interval`,
      weight: phoneSignalWeights.withinSendInterval,
    });
  if (perHour > phoneVelocityLimits.perHour)
    hits.push({ reason: `velocity ${perHour} sessions/1h for this number`, weight: phoneSignalWeights.hourlyVelocity });
  if (perDay > phoneVelocityLimits.perDay) hits.push({ reason: `velocity ${perDay} sessions/24h for this number`, weight: phoneSignalWeights.dailyVelocity });
  return hits;
}

function assessment(score: number, reasons: string[], rules: RuleOutcome[], policy: RiskRules | undefined, forceHit = false): RiskAssessment {
  const hits = rules.filter((r) => r.hit);
  const ruleHit = forceHit || hits.length > 0;
  const verdict =
    policy?.threshold === undefined
      ? `score ${score}`
      : score > policy.threshold
        ? `score ${score} > threshold ${policy.threshold}`
        : `score ${score} ≤ threshold ${policy.threshold}`;
  const why = [...reasons, ...hits.map(describeOutcome)];
  // Nothing raised the score: no reasons (a clean device or number reads as an empty list).
  return { score, reasons: why.length ? [...why, verdict] : [], ruleHit };
}

const describeOutcome = (outcome: RuleOutcome) => `rule ${describeRule(outcome.rule)} hit (${outcome.count})`;

function deviceDimensions(device: DeviceSignals, schemeCode: string): DimensionValues {
  return {
    scheme: schemeCode,
    ...(device.ip ? { ip: device.ip } : {}),
    ...(device.deviceId ? { device: device.deviceId } : {}),
  };
}

/** A number's prefix is its first seven digits (the mainland's H-code block), or the number itself for a shorter one. */
function phoneDimensions(phoneNumber: string): DimensionValues {
  const digits = phoneNumber.replace(/^\+/, '');
  return { phoneNumber, phonePrefix: digits.slice(0, 7) };
}

/** A whole number in a list is masked like any number the server writes down; a prefix is shown as it is. */
function maskEntry(entry: string): string {
  return entry.replace(/^\+/, '').length >= 11 ? maskPhoneNumber(entry) : entry;
}
