import type { AccessKey } from '../accessKeys/accessKeyRepository.js';
import type { Services } from '../http/services.js';
import { VendorError } from './vendorError.js';
import type { VendorParams } from './vendorParams.js';

export interface VendorCall {
  services: Services;
  params: VendorParams;
  /** The access key that signed the request. */
  key: AccessKey;
}

/** A reply body without `RequestId` (added by the endpoint); `Code: "OK"` unless the action says otherwise. */
export type VendorReply = Record<string, unknown>;

/** One Dypnsapi action, answered by numberflow's own services. */
export interface VendorAction {
  /** Scheme management needs a key allowed to manage schemes (as a RAM policy would grant it). */
  managesSchemes?: boolean;
  run(call: VendorCall): Promise<VendorReply>;
}

export const ok = (body: VendorReply): VendorReply => ({ Code: 'OK', Message: 'OK', ...body });
/** A business outcome: HTTP 200 with a `Code` other than `OK`, which the SDK returns without throwing. */
export const business = (code: string, message: string, extra: VendorReply = {}): VendorReply => ({ Code: code, Message: message, ...extra });

export const schemeNotFound = () => new VendorError(400, 'VerifySchemeNotExist', 'The verify scheme does not exist.');
/** A scheme an operator disabled: the vendor's answer to a call it does not allow. */
export const schemeDisabled = () => new VendorError(403, 'UnauthorizedOperation', 'The verify scheme is disabled.');

export function illegalNumber(extra: VendorReply = {}): VendorReply {
  return business('isv.MOBILE_NUMBER_ILLEGAL', '号码格式错误', extra);
}
