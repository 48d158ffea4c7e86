import type { ChartInventory } from './chartInventory.js';

/** Coverage of a chart by a set of steps: which of its state nodes were active and which transitions taken. */
export class ChartCoverage {
  readonly stateNodes = new Set<string>();
  readonly transitions = new Set<string>();

  constructor(readonly inventory: ChartInventory) {}

  add(stateNodes: Iterable<string>, transitions: Iterable<string>): this {
    for (const id of stateNodes) this.stateNodes.add(id);
    for (const key of transitions) this.transitions.add(key);
    return this;
  }

  merge(other: ChartCoverage): this {
    return this.add(other.stateNodes, other.transitions);
  }

  missingStateNodes(): string[] {
    return this.inventory.stateNodes.filter((id) => !this.stateNodes.has(id));
  }

  /** Keys of the transitions not taken. */
  missingTransitions(): string[] {
    return this.inventory.transitions.filter((key) => !this.transitions.has(key));
  }

  /** What is missing, with guards and targets, for a failure message. */
  describeMissing(): string {
    const states = this.missingStateNodes().map((id) => `  state ${id}`);
    const transitions = this.missingTransitions().map((key) => `  transition ${this.inventory.describe.get(key) ?? key}`);
    return [...states, ...transitions].join('\n') || '  nothing';
  }

  summary(): string {
    const { stateNodes, transitions } = this.inventory;
    return `${this.stateNodes.size}/${stateNodes.length} states, ${this.transitions.size}/${transitions.length} transitions`;
  }
}
