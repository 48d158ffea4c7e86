import { createMemoryStorage } from '../../server/stores/memory/createMemoryStorage.js';
import { describeModelSuite } from './modelSuite.js';
import { policyVariantMachines } from './modelSubjects.js';

/**
 * The same model-based checks for policies that switch on what the defaults leave off (CAPTCHA,
 * blocking, other carrier-error routes, number check, uplink only), so every policy node and
 * route runs somewhere. On the in-memory storage, which passes the same store contract as Redis.
 */
describeModelSuite({
  machines: policyVariantMachines,
  storage: (clock) => createMemoryStorage({ now: clock }),
  storageLabel: 'memory',
  schemeCodeBase: 9_200_000_000,
});
