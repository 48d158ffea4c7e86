import { $OpenApiUtil } from '@alicloud/openapi-core';
import { randomUUID } from 'node:crypto';
import { rpcV1Signature } from '../../server/vendorApi/popSignature.js';

import { Dypns, type DypnsClient } from '../../adapters/alicloud/dypnsClient.js';

export interface SdkOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** `host:port`, as an app backend would configure the SDK to reach numberflow. */
  endpoint: string;
  /** The legacy HMAC-SHA1 signature (`signatureAlgorithm: 'v2'`) instead of ACS3-HMAC-SHA256. */
  v2?: boolean;
}

/** The official SDK, configured exactly as the README tells an app backend to. */
export function dypnsClient(options: SdkOptions): DypnsClient {
  return new Dypns(
    new $OpenApiUtil.Config({
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      endpoint: options.endpoint,
      protocol: 'http',
      readTimeout: 5000,
      connectTimeout: 5000,
      ...(options.v2 ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
}

/** Runs `fn`, expecting it to throw; returns the thrown value. */
export async function thrown(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The parameters of a HMAC-SHA1 v1 signed RPC call, as the SDK's legacy path sends them, signed for `method`. */
export function signedV1Params(
  method: 'GET' | 'POST',
  action: string,
  params: Record<string, string>,
  key: { accessKeyId: string; accessKeySecret: string },
  timestamp = new Date(),
): Record<string, string> {
  const all: Record<string, string> = {
    Action: action,
    Format: 'json',
    Version: '2017-05-25',
    Timestamp: timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    SignatureNonce: randomUUID(),
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: key.accessKeyId,
    ...params,
  };
  return { ...all, Signature: rpcV1Signature(method, all, key.accessKeySecret) };
}
