import { randomUUID } from 'node:crypto';
import { CarrierError, type CarrierFailureKind } from '../../../adapters/carrier/carrierGateway.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import type { Scheme } from '../../schemes/schemeSchema.js';
import { getMobile, verifyMobile } from '../../verification/plainVerification.js';
import { business, illegalNumber, ok, schemeDisabled, schemeNotFound, type VendorAction, type VendorReply } from '../vendorAction.js';
import { invalidParameter, VendorError } from '../vendorError.js';

/** H5 GetAuthToken lifetimes (reference §3): AccessToken 10 min, JwtToken 1 h, both reusable within them. */
const h5AccessTokenSeconds = 600;
const h5JwtTokenSeconds = 3600;

/** Number verification, app (GetMobile, VerifyMobile) and H5 (GetAuthToken, GetPhoneWithToken, VerifyPhoneWithToken), over the carrier gateway. */
export const numberVerificationActions: Record<string, VendorAction> = {
  GetMobile: {
    async run({ services, params }) {
      const accessToken = params.text('AccessToken', { required: true, max: 4096 });
      const outId = params.text('OutId', { max: 64 });
      return carrierReply(async () => {
        const result = await getMobile(services, accessToken, { h5: false, ...(outId ? { outId } : {}) });
        return ok({ Message: '请求成功', GetMobileResultDTO: { Mobile: result.phoneNumber } });
      });
    },
  },

  VerifyMobile: {
    async run({ services, params }) {
      const accessCode = params.text('AccessCode', { required: true, max: 4096 });
      const phoneNumber = normalizePhoneNumber(params.text('PhoneNumber', { required: true, max: 32 }));
      const outId = params.text('OutId', { max: 64 });
      if (!phoneNumber) return illegalNumber();
      return carrierReply(async () => {
        const result = await verifyMobile(services, accessCode, phoneNumber, { h5: false, ...(outId ? { outId } : {}) });
        return ok({ GateVerifyResultDTO: { VerifyId: result.providerRef ?? randomUUID(), VerifyResult: result.verifyResult } });
      });
    },
  },

  GetAuthToken: {
    async run({ services, params }) {
      const url = params.text('Url', { required: true, max: 512 });
      const origin = params.text('Origin', { required: true, max: 512 });
      const sceneCode = params.text('SceneCode', { max: 64 });
      // The vendor's H5 pitfall, said plainly: the URL ends with "/", the origin does not.
      if (!url.endsWith('/')) throw invalidParameter('Url', 'it must end with /');
      if (origin.endsWith('/')) throw invalidParameter('Origin', 'it must not end with /');
      // A SceneCode naming one of our schemes picks it; anything else (the vendor's own codes) leaves the choice to Url and Origin.
      const named = sceneCode ? await services.schemes.get(sceneCode) : null;
      const candidates = named ? [named] : await services.schemes.list();
      const scheme = candidates.find((s): s is Scheme => s?.platform === 'H5' && s.url === url && s.origin === origin);
      if (!scheme) throw schemeNotFound();
      if (!scheme.enabled) throw schemeDisabled();
      const now = services.clock();
      const claims = { schemeCode: scheme.code, platform: scheme.platform };
      const [access, jwt] = await Promise.all([
        services.authTokens.issue(claims, h5AccessTokenSeconds, now),
        services.authTokens.issue(claims, h5JwtTokenSeconds, now),
      ]);
      return ok({ TokenInfo: { AccessToken: access.authToken, JwtToken: jwt.authToken } });
    },
  },

  GetPhoneWithToken: {
    async run({ services, params }) {
      const spToken = params.text('SpToken', { required: true, max: 4096 });
      return carrierReply(async () => {
        const result = await getMobile(services, spToken, { h5: true });
        return ok({ Data: { Mobile: result.phoneNumber } });
      });
    },
  },

  VerifyPhoneWithToken: {
    async run({ services, params }) {
      const spToken = params.text('SpToken', { required: true, max: 4096 });
      const phoneNumber = normalizePhoneNumber(params.text('PhoneNumber', { required: true, max: 32 }));
      if (!phoneNumber) return illegalNumber();
      return carrierReply(async () => {
        const result = await verifyMobile(services, spToken, phoneNumber, { h5: true });
        return ok({ GateVerify: { VerifyId: result.providerRef ?? randomUUID(), VerifyResult: result.verifyResult } });
      });
    },
  },
};

const carrierFailures: Record<CarrierFailureKind, () => VendorReply | VendorError> = {
  invalid: () => business('isv.TOKEN_INVALID', 'token无效或已过期'),
  mismatch: () => business('isv.CARRIER_NOT_MATCH', '验证号码与实际流量号码运营商不一致'),
  timeout: () => new VendorError(503, 'ServiceUnavailable', 'The carrier did not answer in time; try again later.'),
  error: () => new VendorError(503, 'ServiceUnavailable', 'The carrier answered with an error; try again later.'),
};

async function carrierReply(call: () => Promise<VendorReply>): Promise<VendorReply> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof CarrierError)) throw error;
    const failure = carrierFailures[error.kind]();
    if (failure instanceof VendorError) throw failure;
    return failure;
  }
}
