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

/** How many events a subject (a dimension's value) had in a window of so many seconds. */
export type WindowCounts = (dimension: string, windowSeconds: number) => number;

/**
 * Frequency counters in the key-value store: per subject (the node, `endpoint` or `phone`, a
 * dimension and its value) one key holding a counter per window length, fixed windows that start
 * with the subject's first event after the last one ended. An event counts once per window however
 * many rules read it, and costs one store call per subject however many windows it has.
 */
export class FrequencyCounters {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly namespace: string,
  ) {}

  /**
   * Counts the event (unless `record` is false, which only reads) in every window the rules name for
   * a dimension with a value, and in `alsoCount`'s windows; a dimension without a value is not counted.
   */
  async count(
    values: DimensionValues,
    rules: readonly FrequencyRule[],
    alsoCount: Partial<Record<string, number[]>> = {},
    record = true,
  ): Promise<WindowCounts> {
    const windowsBySubject = new Map<string, Set<number>>();
    const add = (dimension: string, windowSeconds: number) => {
      const windows = windowsBySubject.get(dimension) ?? new Set<number>();
      windows.add(windowSeconds);
      windowsBySubject.set(dimension, windows);
    };
    for (const rule of rules) add(rule.dimension, rule.windowSeconds);
    for (const [dimension, windows] of Object.entries(alsoCount)) for (const window of windows ?? []) add(dimension, window);
    const counts = new Map<string, number>();
    await Promise.all(
      [...windowsBySubject].map(async ([dimension, windows]) => {
        const value = (values as Record<string, string | undefined>)[dimension];
        if (value === undefined || value === '') return;
        const seconds = [...windows];
        const got = await this.kv.countInWindows(
          this.keyOf(dimension, value),
          seconds.map((s) => s * 1000),
          record,
        );
        seconds.forEach((window, i) => counts.set(`${dimension}/${window}`, got[i] ?? 0));
      }),
    );
    return (dimension, windowSeconds) => counts.get(`${dimension}/${windowSeconds}`) ?? 0;
  }

  private keyOf(dimension: string, value: string): string {
    return `risk:${this.namespace}:${dimension}:${value}`;
  }
}

/** Every rule whose dimension has a value, with its count; a rule hits when its count is above `maxCount`. */
export function evaluateRules(rules: readonly FrequencyRule[], values: DimensionValues, counts: WindowCounts): RuleOutcome[] {
  return rules
    .filter((rule) => values[rule.dimension] !== undefined && values[rule.dimension] !== '')
    .map((rule) => {
      const count = counts(rule.dimension, rule.windowSeconds);
      return { rule, count, hit: count > rule.maxCount };
    });
}
