import { createSessionMachine, type Policy, type SessionMachine } from '../../machines/index.js';
import type { PolicyRepository } from '../policies/policyRepository.js';

export interface RegisteredMachine {
  machine: SessionMachine;
  policy: Policy;
  version: string;
}

/** Machines are built once per policy version and kept: building is the costly part, stepping is cheap. */
export class MachineRegistry {
  private readonly machines = new Map<string, RegisteredMachine>();

  constructor(private readonly policies: PolicyRepository) {}

  forPolicy(policy: Policy, version: string): RegisteredMachine {
    let entry = this.machines.get(version);
    if (!entry) {
      entry = { machine: createSessionMachine(policy), policy, version };
      this.machines.set(version, entry);
    }
    return entry;
  }

  async forVersion(version: string): Promise<RegisteredMachine | null> {
    const cached = this.machines.get(version);
    if (cached) return cached;
    const policy = await this.policies.byVersionId(version);
    return policy ? this.forPolicy(policy, version) : null;
  }
}
