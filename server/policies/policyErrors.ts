import { describeIssue, type PolicyIssue } from './policyValidation.js';

/** A save the checks refused: every error (each naming its node and setting) and every warning. */
export class PolicyRejected extends Error {
  constructor(
    readonly errors: PolicyIssue[],
    readonly warnings: PolicyIssue[] = [],
  ) {
    super(`the policy is not valid: ${errors.map(describeIssue).join('; ')}`);
    this.name = 'PolicyRejected';
  }
}

/** The caller expected another version of the policy document (someone else changed it). */
export class PolicyConflict extends Error {
  constructor(
    readonly expectedNumber: number,
    readonly currentNumber: number,
  ) {
    super(`the policy is at version ${currentNumber}, not ${expectedNumber}`);
    this.name = 'PolicyConflict';
  }
}

/** The scheme inherits the global policy: it has no policy of its own to change. */
export class PolicyInherited extends Error {
  constructor(
    readonly schemeCode: string,
    readonly sceneCode: string,
  ) {
    super(`scheme ${schemeCode} inherits the global policy of scene ${sceneCode}: turn inheritance off first`);
    this.name = 'PolicyInherited';
  }
}

export class PolicyVersionNotFound extends Error {
  constructor(readonly number: number) {
    super(`policy version ${number} does not exist`);
    this.name = 'PolicyVersionNotFound';
  }
}
