import type { DeviceSignals } from '../../machines/index.js';

/** The identity a scheme registered, as far as device signals can be compared with it. */
export interface SchemeIdentity {
  platform: string;
  packageName?: string;
  packageSign?: string;
  bundleId?: string;
}

/** One signal that raised the score, with its weight: the reason reads `emulator +60`. */
export interface WeightedSignal {
  reason: string;
  weight: number;
}

/** Weights of device signals. A score is their sum, capped at 100; absent signals weigh nothing. */
export const deviceSignalWeights = {
  emulator: 60,
  hooked: 60,
  rooted: 30,
  packageSignMismatch: 60,
  packageNameMismatch: 40,
  bundleIdMismatch: 40,
  platformMismatch: 20,
  foreignSim: 20,
  noCellular: 10,
} as const;

/** Mainland China's mobile network code: MCC 460 and a two-digit MNC (`46000`, `46011`…). */
const mainlandSimOperator = /^460\d{2}$/;

/**
 * What the device signals say on their own: emulator, hooking framework and root flags; an app
 * identity (package name, signature, bundle ID) other than the scheme's, i.e. a repackaged or
 * foreign app; a SIM from outside the mainland; no cellular data (one-click logon needs it).
 */
export function scoreDeviceSignals(device: DeviceSignals, scheme: SchemeIdentity | null): WeightedSignal[] {
  const w = deviceSignalWeights;
  const hits: WeightedSignal[] = [];
  if (device.emulator === true) hits.push({ reason: 'emulator', weight: w.emulator });
  if (device.hooked === true) hits.push({ reason: 'hooking framework', weight: w.hooked });
  if (device.rooted === true) hits.push({ reason: 'rooted or jailbroken', weight: w.rooted });
  if (scheme) {
    if (differs(device.packageName, scheme.packageName)) hits.push({ reason: 'package name differs from scheme', weight: w.packageNameMismatch });
    if (differs(device.packageSign, scheme.packageSign, true)) hits.push({ reason: 'package signature differs from scheme', weight: w.packageSignMismatch });
    if (differs(device.bundleId, scheme.bundleId)) hits.push({ reason: 'bundle ID differs from scheme', weight: w.bundleIdMismatch });
    if (differs(device.platform, scheme.platform, true)) hits.push({ reason: `platform ${device.platform} differs from scheme`, weight: w.platformMismatch });
  }
  if (device.simOperator !== undefined && device.simOperator !== '' && !mainlandSimOperator.test(device.simOperator))
    hits.push({ reason: `SIM operator ${device.simOperator} not a mainland carrier`, weight: w.foreignSim });
  if (device.cellularAvailable === false) hits.push({ reason: 'no cellular data', weight: w.noCellular });
  return hits;
}

/** Both sides are known and they differ; a signal the client did not send, or a field the scheme has not, compares as nothing. */
function differs(sent: string | undefined, registered: string | undefined, ignoreCase = false): boolean {
  if (sent === undefined || sent === '' || registered === undefined) return false;
  return ignoreCase ? sent.toLowerCase() !== registered.toLowerCase() : sent !== registered;
}

/** The sum of the weights, 0–100. */
export function scoreOf(hits: readonly WeightedSignal[], base = 0): number {
  return Math.max(
    0,
    Math.min(
      100,
      hits.reduce((sum, hit) => sum + hit.weight, base),
    ),
  );
}

/** `emulator +60` */
export const describeHit = (hit: WeightedSignal) => `${hit.reason} +${hit.weight}`;
