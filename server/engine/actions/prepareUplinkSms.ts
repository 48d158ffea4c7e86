import type { UplinkCodes } from '../uplinkCodes.js';
import type { ActionHandler } from './actionHandler.js';

/** Reserves the code the user sends to the receiving number, for as long as the uplink step lasts. */
export function prepareUplinkSms(uplinkCodes: UplinkCodes, clock: () => number): ActionHandler<'prepareUplinkSms'> {
  return async ({ session, params }) => {
    const ttlMs = params.validitySeconds * 1000;
    const code = await uplinkCodes.reserve(session.record.id, params.receivingNumber, ttlMs);
    return { type: 'UPLINK_SMS_READY', code, receivingNumber: params.receivingNumber, expiresAt: clock() + ttlMs };
  };
}
