import type { FrequencyRule } from '../../machines/index.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';

/** The values an event has per rule dimension; a dimension without a value is not counted and its rules cannot hit. */
export type DimensionValues = Partial<Record<FrequencyRule['dimension'], string>>;

export interface RuleOutcome {
  rule: FrequencyRule;
  count: number;
  hit: boolean;
}

/** `ip>5/60s` */
export const describeRule = (rule: FrequencyRule) => `${rule.dimension}>${rule.maxCount}/${rule.windowSeconds}s`;

/**
 * Frequency rules over counters in the key-value store: fixed windows that start with the first
 * event (the counter's TTL is set when it is created). Each counter is keyed by the node
 * (`endpoint`, `phone`), the dimension, its value and the window, so an event counts once per
 * counter however many rules read it. A rule hits when its count is above `maxCount`.
 */
export class FrequencyCounters {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly namespace: string,
  ) {}

  /** Counts the event (unless `record` is false, which only reads) and evaluates every rule whose dimension has a value. */
  async evaluate(rules: readonly FrequencyRule[], values: DimensionValues, record = true): Promise<RuleOutcome[]> {
    const counts = new Map<string, Promise<number>>();
    const outcomes: Promise<RuleOutcome | null>[] = rules.map(async (rule) => {
      const value = values[rule.dimension];
      if (value === undefined || value === '') return null;
      const key = this.keyOf(rule.dimension, value, rule.windowSeconds);
      let count = counts.get(key);
      if (!count) {
        count = record ? this.kv.increment(key, 1, rule.windowSeconds * 1000) : this.kv.get(key).then((raw) => Number(raw ?? 0) || 0);
        counts.set(key, count);
      }
      const n = await count;
      return { rule, count: n, hit: n > rule.maxCount };
    });
    return (await Promise.all(outcomes)).filter((o): o is RuleOutcome => o !== null);
  }

  /** One counter outside the policy's rules (velocity): counts unless `record` is false, and answers the count. */
  async count(name: string, value: string, windowSeconds: number, record = true): Promise<number> {
    const key = this.keyOf(name, value, windowSeconds);
    if (record) return this.kv.increment(key, 1, windowSeconds * 1000);
    return Number((await this.kv.get(key)) ?? 0) || 0;
  }

  private keyOf(dimension: string, value: string, windowSeconds: number): string {
    return `risk:${this.namespace}:${dimension}:${windowSeconds}:${value}`;
  }
}
