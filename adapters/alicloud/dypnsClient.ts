/**
 * Builds the official Dypnsapi (2017-05-25) SDK client: static AccessKey credentials when both halves are given,
 * the SDK's default credential chain (env `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`, profile file, ECS RAM role, …)
 * otherwise. Explicit timeouts; the SDK makes no retries (reference §2).
 */
import DypnsModule from '@alicloud/dypnsapi20170525';
import CredentialModule from '@alicloud/credentials';
import { $OpenApiUtil } from '@alicloud/openapi-core';

// CommonJS packages: under tsc's NodeNext typing and native Node ESM the default import is `module.exports`
// (the class is its `default`); vitest's interop hands the class itself. Accept both.
export const Dypns = ((DypnsModule as unknown as { default?: typeof DypnsModule.default }).default ?? DypnsModule) as typeof DypnsModule.default;
const Credential = ((CredentialModule as unknown as { default?: typeof CredentialModule.default }).default ??
  CredentialModule) as typeof CredentialModule.default;

export type DypnsClient = InstanceType<typeof Dypns>;

export interface DypnsClientOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** STS token, with temporary AccessKeys. */
  securityToken?: string;
  /** Host[:port]; default `dypnsapi.aliyuncs.com`. */
  endpoint?: string;
  /** Default `https`; `http` for a local emulator. */
  protocol?: 'http' | 'https';
  /** The SDK uses this as the socket idle timeout too, so it bounds the whole wait (reference §2). */
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

export const DYPNS_DEFAULT_ENDPOINT = 'dypnsapi.aliyuncs.com';

export function createDypnsClient(options: DypnsClientOptions): DypnsClient {
  const base = {
    endpoint: options.endpoint || DYPNS_DEFAULT_ENDPOINT,
    protocol: options.protocol ?? 'https',
    connectTimeout: options.connectTimeoutMs,
    readTimeout: options.readTimeoutMs,
  };
  const config =
    options.accessKeyId && options.accessKeySecret
      ? new $OpenApiUtil.Config({
          ...base,
          accessKeyId: options.accessKeyId,
          accessKeySecret: options.accessKeySecret,
          ...(options.securityToken ? { securityToken: options.securityToken } : {}),
        })
      : new $OpenApiUtil.Config({ ...base, credential: new Credential() });
  return new Dypns(config);
}
