import { fusionAuthActions } from './actions/fusionAuthActions.js';
import { numberVerificationActions } from './actions/numberVerificationActions.js';
import { schemeActions } from './actions/schemeActions.js';
import { smsVerificationActions } from './actions/smsVerificationActions.js';
import type { VendorAction } from './vendorAction.js';

export type { VendorAction, VendorCall, VendorReply } from './vendorAction.js';

/** The Dypnsapi 2017-05-25 actions numberflow answers, each mapped onto numberflow's own services. */
export const vendorActions: Readonly<Record<string, VendorAction>> = {
  ...fusionAuthActions,
  ...numberVerificationActions,
  ...smsVerificationActions,
  ...schemeActions,
};
