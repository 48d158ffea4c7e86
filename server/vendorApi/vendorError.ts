import { ProtocolError } from '../http/protocolError.js';

/**
 * An error in the vendor's protocol: HTTP status plus the `Code` and `Message` the official SDK
 * turns into `ClientError` (4xx), `ThrottlingError` (a `Code` with "Throttling") or `ServerError` (5xx).
 */
export class VendorError extends ProtocolError {}

export const missingParameter = (name: string) => new VendorError(400, `Missing${name}`, `${name} is mandatory for this action.`);
export const invalidParameter = (name: string, why?: string) =>
  new VendorError(400, 'InvalidParameters', `Specified parameter ${name} is not valid${why ? `: ${why}` : ''}.`);
export const incompleteSignature = () => new VendorError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
export const throttled = (retryAfterSeconds: number) =>
  new VendorError(400, 'Throttling.User', 'Request was denied due to user flow control.', retryAfterSeconds);
