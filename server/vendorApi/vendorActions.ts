import { randomUUID } from 'node:crypto';
import { CarrierError, type CarrierFailureKind } from '../../adapters/carrier/carrierGateway.js';
import type { SmsCodeType } from '../../adapters/sms/smsVerification.js';
import { platforms } from '../../machines/index.js';
import type { AccessKey } from '../accessKeys/accessKeyRepository.js';
import type { Services } from '../http/services.js';
import { normalizePhoneNumber } from '../phone/phoneNumber.js';
import { schemeInputSchema, type Scheme } from '../schemes/schemeSchema.js';
import { issueFusionAuthToken, redeemVerifyToken } from '../verification/fusionAuth.js';
import { checkPlainCode, getMobile, sendPlainCode, verifyMobile } from '../verification/plainVerification.js';
import { invalidParameter, VendorError } from './vendorError.js';
import { VendorParams } from './vendorParams.js';

export interface VendorCall {
  services: Services;
  params: VendorParams;
  /** The access key that signed the request. */
  key: AccessKey;
}

/** A reply body without `RequestId` (added by the endpoint); `Code: "OK"` unless the action says otherwise. */
export type VendorReply = Record<string, unknown>;

interface VendorAction {
  /** Scheme management needs a key allowed to manage schemes (as a RAM policy would grant it). */
  managesSchemes?: boolean;
  run(call: VendorCall): Promise<VendorReply>;
}

const ok = (body: VendorReply): VendorReply => ({ Code: 'OK', Message: 'OK', ...body });
const business = (code: string, message: string, extra: VendorReply = {}): VendorReply => ({ Code: code, Message: message, ...extra });

/** The vendor's default SchemeName of SendSmsVerifyCode / CheckSmsVerifyCode. */
const defaultSmsSchemeName = '默认方案';

/** H5 GetAuthToken lifetimes (reference §3): AccessToken 10 min, JwtToken 1 h, both reusable within them. */
const h5AccessTokenSeconds = 600;
const h5JwtTokenSeconds = 3600;

const codeTypes: Record<number, SmsCodeType> = {
  1: 'digits',
  2: 'upper',
  3: 'lower',
  4: 'mixedCase',
  5: 'digitsUpper',
  6: 'digitsLower',
  7: 'any',
};

/** The Dypnsapi 2017-05-25 actions numberflow answers, each mapped onto numberflow's own services. */
export const vendorActions: Record<string, VendorAction> = {
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

  SendSmsVerifyCode: {
    async run({ services, params, key }) {
      const phoneNumber = smsNumber(params);
      const signName = params.text('SignName', { required: true, max: 64 });
      // numberflow has no template registry: the message is built from the sign name and TemplateParam.
      params.text('TemplateCode', { required: true, max: 64 });
      const template = smsTemplate(signName, params.text('TemplateParam', { required: true, max: 1024 }));
      const schemeName = params.text('SchemeName', { max: 20 }) ?? defaultSmsSchemeName;
      const input = {
        schemeName,
        codeLength: params.int('CodeLength', { min: 4, max: 8, fallback: 4 }),
        codeType: codeTypes[params.int('CodeType', { min: 1, max: 7, fallback: 1 })]!,
        // numberflow's security rules cap a code's life at 10 minutes.
        validitySeconds: params.int('ValidTime', { min: 30, max: 600, fallback: 300 }),
        resendIntervalSeconds: params.int('Interval', { min: 0, max: 3600, fallback: 60 }),
        duplicatePolicy: params.int('DuplicatePolicy', { min: 1, max: 2, fallback: 1 }) === 1 ? ('replace' as const) : ('keep' as const),
        maxWrongTries: 5,
        template,
        returnCode: params.bool('ReturnVerifyCode', false),
      };
      const outId = params.text('OutId', { max: 64 });
      if (!phoneNumber) return illegalNumber({ Success: false });
      const result = await sendPlainCode(services, { ...input, phoneNumber }, `plain:${key.id}`);
      if (!result.sent) {
        switch (result.reason) {
          case 'TOO_SOON':
            return business('biz.FREQUENCY', 'check frequency failed', { Success: false });
          case 'LIMITED':
          case 'DAILY_LIMIT':
            return business('isv.BUSINESS_LIMIT_CONTROL', '触发号码流控', { Success: false });
          case 'UNDELIVERABLE':
            return illegalNumber({ Success: false });
          case 'DELIVERY_FAILED':
            throw new VendorError(503, 'ServiceUnavailable', 'The SMS could not be delivered now; try again later.');
        }
      }
      return ok({
        Message: '成功',
        Success: true,
        Model: {
          BizId: result.bizId,
          RequestId: randomUUID().toUpperCase(),
          ...(outId ? { OutId: outId } : {}),
          ...(result.code ? { VerifyCode: result.code } : {}),
        },
      });
    },
  },

  CheckSmsVerifyCode: {
    async run({ services, params }) {
      const phoneNumber = smsNumber(params);
      const code = params.text('VerifyCode', { required: true, max: 8 });
      const schemeName = params.text('SchemeName', { max: 20 }) ?? defaultSmsSchemeName;
      const caseSensitive = params.int('CaseAuthPolicy', { min: 1, max: 2, fallback: 1 }) === 2;
      const outId = params.text('OutId', { max: 64 });
      if (!phoneNumber) return illegalNumber({ Success: false });
      const result = /^[0-9A-Za-z]{4,8}$/.test(code) ? await checkPlainCode(services, { phoneNumber, code, schemeName, caseSensitive }) : null;
      // A wrong, expired, superseded or locked code: the vendor's 400 isv.ValidateFail, one answer for all.
      if (result?.result !== 'PASS') throw new VendorError(400, 'isv.ValidateFail', '验证失败');
      return ok({ Message: '成功', Success: true, Model: { VerifyResult: 'PASS', ...(outId ? { OutId: outId } : {}) } });
    },
  },

  CreateSchemeConfig: {
    managesSchemes: true,
    async run({ services, params }) {
      const scheme = await createScheme(services, params, {
        name: 'SchemeName',
        appName: 'AppName',
        platform: 'Platform',
        packageName: 'AndroidPackageName',
        packageSign: 'AndroidPackageSign',
        bundleId: 'IosBundleId',
        url: 'H5Url',
        origin: 'H5Origin',
      });
      return ok({ Success: true, Model: { SchemeCode: scheme.code } });
    },
  },

  CreateVerifyScheme: {
    managesSchemes: true,
    async run({ services, params }) {
      params.text('AppName', { required: true, max: 64 });
      const scheme = await createScheme(services, params, {
        name: 'SchemeName',
        appName: 'AppName',
        platform: 'OsType',
        packageName: 'PackName',
        packageSign: 'PackSign',
        bundleId: 'BundleId',
        url: 'Url',
        origin: 'Origin',
      });
      return ok({ Success: true, HttpStatusCode: 200, GateVerifySchemeDTO: { SchemeCode: scheme.code } });
    },
  },

  DescribeVerifyScheme: {
    managesSchemes: true,
    async run({ services, params }) {
      const scheme = await services.schemes.get(params.text('SchemeCode', { required: true, max: 64 }));
      if (!scheme) throw schemeNotFound();
      return ok({ SchemeQueryResultDTO: { AppEncryptInfo: appEncryptInfo(scheme) } });
    },
  },

  DeleteVerifyScheme: {
    managesSchemes: true,
    async run({ services, params }) {
      const code = params.text('SchemeCode', { required: true, max: 64 });
      if (!(await services.schemes.delete(code))) throw schemeNotFound();
      return ok({ Result: true });
    },
  },
};

const schemeNotFound = () => new VendorError(400, 'VerifySchemeNotExist', 'The verify scheme does not exist.');

function illegalNumber(extra: VendorReply = {}): VendorReply {
  return business('isv.MOBILE_NUMBER_ILLEGAL', '号码格式错误', extra);
}

/** The number of an SMS action: mainland numbers by default, `CountryCode` for others. */
function smsNumber(params: VendorParams): string | null {
  const raw = params.text('PhoneNumber', { required: true, max: 32 });
  const countryCode = params.text('CountryCode', { max: 4 }) ?? '86';
  if (!/^\d{1,4}$/.test(countryCode)) throw invalidParameter('CountryCode', 'digits');
  return normalizePhoneNumber(countryCode === '86' || raw.startsWith('+') ? raw : `+${countryCode}${raw}`);
}

/**
 * The message of a SendSmsVerifyCode: the sign name, then the template's parameters with the code
 * where the app put `##code##`. numberflow only sends codes it can check, so `##code##` is required.
 */
function smsTemplate(signName: string, templateParam: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(templateParam);
  } catch {
    throw invalidParameter('TemplateParam', 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('TemplateParam', 'a JSON object');
  const values = Object.values(parsed).map(String);
  if (!values.some((v) => v.includes('##code##'))) throw invalidParameter('TemplateParam', 'a value must contain ##code##');
  return `【${signName}】${values.join(' ')}`.slice(0, 300);
}

/** A scheme from the parameters an action names its fields with (the vendor's two scheme calls name them differently). */
async function createScheme(
  services: Services,
  params: VendorParams,
  names: Record<'name' | 'appName' | 'platform' | 'packageName' | 'packageSign' | 'bundleId' | 'url' | 'origin', string>,
): Promise<Scheme> {
  const fields: Record<string, string | undefined> = {
    name: params.text(names.name, { required: true, max: 64 }),
    appName: params.text(names.appName, { max: 64 }),
    platform: params.oneOf(names.platform, platforms, { required: true }),
    packageName: params.text(names.packageName),
    packageSign: params.text(names.packageSign, { max: 64 }),
    bundleId: params.text(names.bundleId),
    url: params.text(names.url, { max: 512 }),
    origin: params.text(names.origin, { max: 512 }),
    // A numberflow extension: HarmonyOS schemes need their app id.
    appId: params.text('AppId', { max: 64 }),
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const parsed = schemeInputSchema.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VendorError(400, 'InvalidParameters', `Specified parameter is not valid: ${issue?.path.join('.') || 'scheme'}: ${issue?.message ?? 'invalid'}.`);
  }
  const scheme = await services.schemes.create(parsed.data);
  if (!scheme) throw new VendorError(503, 'ServiceUnavailable', 'Could not allocate a scheme code; try again.');
  return scheme;
}

/** What the vendor's client SDK is configured with; numberflow's clients need no secret, so it is the scheme's public identity. */
function appEncryptInfo(scheme: Scheme): string {
  const identity = { schemeCode: scheme.code, platform: scheme.platform, packageName: scheme.packageName, bundleId: scheme.bundleId, origin: scheme.origin };
  return Buffer.from(JSON.stringify(identity)).toString('base64');
}

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
