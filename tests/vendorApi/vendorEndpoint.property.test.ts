import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vendorActions } from '../../server/vendorApi/vendorActions.js';
import { signedV1Params } from '../support/dypnsSdk.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * Correctly signed requests reach the actions themselves: whatever parameters they carry, the
 * answer is the vendor's shape and never a 500 (a 503 only when an upstream could not answer).
 */
const ctx = useTestServer({ store: 'memory' });
const key = { accessKeyId: testCredentials.accessKeyId, accessKeySecret: testCredentials.accessKeySecret };

const parameterNames = [
  'SchemeCode',
  'Platform',
  'DurationSeconds',
  'PackageName',
  'PackageSign',
  'BundleId',
  'AppId',
  'Origin',
  'Url',
  'SceneCode',
  'VerifyToken',
  'AccessToken',
  'AccessCode',
  'SpToken',
  'PhoneNumber',
  'OutId',
  'SignName',
  'TemplateCode',
  'TemplateParam',
  'SchemeName',
  'CountryCode',
  'CodeLength',
  'CodeType',
  'ValidTime',
  'Interval',
  'DuplicatePolicy',
  'ReturnVerifyCode',
  'VerifyCode',
  'CaseAuthPolicy',
  'AppName',
  'OsType',
  'PackName',
  'PackSign',
  'AndroidPackageName',
  'AndroidPackageSign',
  'IosBundleId',
  'H5Url',
  'H5Origin',
  'Version',
  'Format',
];
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer({ min: -5, max: 100_000 }).map(String),
  fc.constantFrom('Android', 'iOS', 'H5', 'true', 'false', '13800138000', '+8613800138000', '{"code":"##code##"}', '{}', '[]', '默认方案', ''),
);
const signedCall = fc.record({
  method: fc.constantFrom('GET' as const, 'POST' as const),
  action: fc.constantFrom(...Object.keys(vendorActions)),
  params: fc.dictionary(fc.constantFrom(...parameterNames), value, { maxKeys: 8 }),
});

describe('the vendor-compatible endpoint under arbitrary signed parameters', () => {
  it('answers every action in the vendor shape, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(signedCall, async ({ method, action, params }) => {
        const { Version: _version, ...rest } = params;
        const query = new URLSearchParams(signedV1Params(method, action, rest, key));
        const response = await ctx.server.api.request(method, `/?${query}`);
        const what = `${method} ${action} ${JSON.stringify(params)} → ${response.status} ${JSON.stringify(response.body)}`;
        expect(response.status === 503 || response.status < 500, what).toBe(true);
        expect(response.body, what).toMatchObject({ RequestId: expect.any(String), Code: expect.any(String), Message: expect.any(String) });
        if (response.status !== 200) expect(response.body.Code, what).not.toBe('OK');
      }),
      { numRuns: 300 },
    );
  });
});
