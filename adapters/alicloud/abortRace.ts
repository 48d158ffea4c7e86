import { CarrierError } from '../carrier/carrierGateway.js';

/**
 * Settles with `call()` or rejects with `CarrierError('timeout')` as soon as `signal` aborts, whichever is first.
 * The SDK takes no AbortSignal, so the request itself runs on until its own read timeout; its late outcome is dropped.
 */
export function raceAbort<T>(action: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  const aborted = () => new CarrierError('timeout', `Dypnsapi ${action} abandoned: the caller's deadline passed`, 'Aborted');
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    call().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
