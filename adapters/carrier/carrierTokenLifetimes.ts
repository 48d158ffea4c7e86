import type { Carrier } from './carrierGateway.js';

/** How long a carrier token lives after the carrier SDK issued it on the device. */
export const carrierTokenLifetimeSeconds: Readonly<Record<Carrier, number>> = {
  mobile: 120,
  unicom: 1800,
  telecom: 600,
};
