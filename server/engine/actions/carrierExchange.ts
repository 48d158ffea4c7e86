import { CarrierError, type CarrierGateway } from '../../../adapters/carrier/carrierGateway.js';
import { withCarrierDeadline } from '../../../adapters/carrier/withCarrierDeadline.js';
import type { ActionResult } from '../../../machines/actionCatalogue.js';
import type { ActionHandler } from './actionHandler.js';

type CarrierResult = ActionResult<'exchangeCarrierToken'>;

/** One-click: the carrier token for the number (GetMobile). A timeout or error is a CARRIER_RESULT the policy routes. */
export function exchangeCarrierToken(carrier: CarrierGateway, timeoutMs: number): ActionHandler<'exchangeCarrierToken'> {
  return async ({ params, action }) =>
    carrierResult(timeoutMs, async (signal) => {
      const result = await carrier.getMobile(params.accessToken, { signal, h5: params.h5, outId: action.id });
      return { type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: result.phoneNumber, ...(result.providerRef ? { providerRef: result.providerRef } : {}) };
    });
}

/** The mobile number check: whether the carrier token belongs to the number (VerifyMobile). */
export function verifyCarrierToken(carrier: CarrierGateway, timeoutMs: number): ActionHandler<'verifyCarrierToken'> {
  return async ({ params, action }) =>
    carrierResult(timeoutMs, async (signal) => {
      const result = await carrier.verifyMobile(params.accessToken, params.phoneNumber, { signal, h5: params.h5, outId: action.id });
      return { type: 'CARRIER_RESULT', outcome: 'ok', verifyResult: result.verifyResult, ...(result.providerRef ? { providerRef: result.providerRef } : {}) };
    });
}

async function carrierResult(timeoutMs: number, call: (signal: AbortSignal) => Promise<CarrierResult>): Promise<CarrierResult> {
  try {
    return await withCarrierDeadline(timeoutMs, call);
  } catch (error) {
    if (error instanceof CarrierError) {
      return { type: 'CARRIER_RESULT', outcome: error.kind, ...(error.providerCode ? { providerCode: error.providerCode } : {}) };
    }
    return { type: 'CARRIER_RESULT', outcome: 'error', providerCode: 'UNEXPECTED' };
  }
}
