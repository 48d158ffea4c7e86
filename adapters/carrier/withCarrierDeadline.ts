import { CarrierError } from './carrierGateway.js';

/**
 * Runs a carrier call under a deadline: at the deadline the call's signal is aborted and a
 * CarrierError('timeout') is thrown, whether or not the gateway honours the signal.
 */
export async function withCarrierDeadline<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CarrierError('timeout', `the carrier did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
