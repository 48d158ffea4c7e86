import { platforms } from '../../../machines/index.js';
import { issueFusionAuthToken, redeemVerifyToken } from '../../verification/fusionAuth.js';
import { business, ok, schemeDisabled, schemeNotFound, type VendorAction } from '../vendorAction.js';
import { VendorError } from '../vendorError.js';

/** GetFusionAuthToken and VerifyWithFusionAuthToken over numberflow's fusion-auth service. */
export const fusionAuthActions: Record<string, VendorAction> = {
  GetFusionAuthToken: {
    async run({ services, params }) {
      const schemeCode = params.text('SchemeCode', { required: true, max: 64 });
      const platform = params.oneOf('Platform', platforms, { required: true });
      const durationSeconds = params.int('DurationSeconds', { min: 900, max: 43_200, required: true });
      const outcome = await issueFusionAuthToken(services, {
        schemeCode,
        platform,
        durationSeconds,
        packageName: params.text('PackageName'),
        packageSign: params.text('PackageSign', { max: 128 }),
        bundleId: params.text('BundleId'),
        // numberflow extensions for platforms the vendor's model has no fields for, and for the bound number.
        appId: params.text('AppId', { max: 64 }),
        origin: params.text('Origin', { max: 512 }),
        phoneNumber: params.text('PhoneNumber', { max: 32 }),
      });
      if (!outcome.issued) {
        switch (outcome.reason) {
          case 'SCHEME_NOT_FOUND':
            throw schemeNotFound();
          case 'SCHEME_DISABLED':
            throw schemeDisabled();
          case 'APP_IDENTITY_MISMATCH':
            throw new VendorError(400, 'PackageSignedConflict', `The app identity does not match the scheme: ${outcome.fields.join(', ')}.`);
          case 'INVALID_PHONE_NUMBER':
            return business('isv.MOBILE_NUMBER_ILLEGAL', '号码格式错误', { Success: false });
        }
      }
      return ok({ Success: true, Model: outcome.authToken });
    },
  },

  VerifyWithFusionAuthToken: {
    async run({ services, params, key }) {
      const verifyToken = params.text('VerifyToken', { required: true, max: 512 });
      await services.limits.consume('verifyTokenExchangePerKey', key.id);
      const claim = await redeemVerifyToken(services, verifyToken);
      // The vendor's answer to a token that proves nothing: OK with VerifyResult UNKNOWN.
      if (!claim) return ok({ Success: true, Model: { VerifyResult: 'UNKNOWN' } });
      return ok({
        Success: true,
        Model: { VerifyResult: 'PASS', PhoneNumber: claim.phoneNumber, ...(claim.phoneScore === undefined ? {} : { PhoneScore: claim.phoneScore }) },
      });
    },
  },
};
