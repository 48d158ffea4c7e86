import { platforms } from '../../../machines/index.js';
import type { AccessKey } from '../../accessKeys/accessKeyRepository.js';
import type { Services } from '../../http/services.js';
import { schemeInputSchema, type Scheme } from '../../schemes/schemeSchema.js';
import { ok, schemeNotFound, type VendorAction } from '../vendorAction.js';
import { VendorError } from '../vendorError.js';
import type { VendorParams } from '../vendorParams.js';

/** The vendor's scheme calls, mapped onto numberflow's schemes; they need a key allowed to manage schemes. */
export const schemeActions: Record<string, VendorAction> = {
  CreateSchemeConfig: {
    managesSchemes: true,
    async run({ services, params, key }) {
      const scheme = await createScheme(services, key, params, {
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
    async run({ services, params, key }) {
      params.text('AppName', { required: true, max: 64 });
      const scheme = await createScheme(services, key, params, {
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
    async run({ services, params, key }) {
      const code = params.text('SchemeCode', { required: true, max: 64 });
      const before = await services.schemes.get(code);
      if (!before || !(await services.schemes.delete(code))) throw schemeNotFound();
      await services.audit.record(accessKeyActor(key), { action: 'scheme.delete', target: `scheme ${code}`, before, after: null });
      return ok({ Result: true });
    },
  },
};

/** A scheme from the parameters an action names its fields with (the vendor's two scheme calls name them differently). */
async function createScheme(
  services: Services,
  key: AccessKey,
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
  await services.audit.record(accessKeyActor(key), { action: 'scheme.create', target: `scheme ${scheme.code}`, before: null, after: scheme });
  return scheme;
}

/** The vendor-compatible endpoint's scheme calls are made by an access key, not an operator. */
function accessKeyActor(key: AccessKey) {
  return { name: `access key ${key.id}`, role: 'accessKey' };
}

/** What the vendor's client SDK is configured with; numberflow's clients need no secret, so it is the scheme's public identity. */
function appEncryptInfo(scheme: Scheme): string {
  const identity = { schemeCode: scheme.code, platform: scheme.platform, packageName: scheme.packageName, bundleId: scheme.bundleId, origin: scheme.origin };
  return Buffer.from(JSON.stringify(identity)).toString('base64');
}
