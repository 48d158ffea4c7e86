import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessKey, AccessKeyRepository } from '../accessKeys/accessKeyRepository.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';
import { acs3Signature, parseAcs3Authorization, rpcV1Signature } from './popSignature.js';
import { incompleteSignature, missingParameter, VendorError } from './vendorError.js';
import type { VendorRequest } from './vendorRequest.js';

export type SignatureKind = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';

export interface SignatureCheckDeps {
  accessKeys: AccessKeyRepository;
  /** Where used nonces are remembered, for as long as a request with them could still be fresh. */
  kv: KeyValueStore;
  clock: () => number;
  clockSkewMs: number;
}

/** What the ACS3 signature must cover besides `host`: every `x-acs-*` header the request carries must be signed too. */
const acs3RequiredHeaders = ['host', 'x-acs-action', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const noncePattern = /^[\x21-\x7e]{1,128}$/;

/**
 * Checks a request the way Alibaba Cloud's gateway does, against numberflow's access keys:
 * an ACS3-HMAC-SHA256 `Authorization` header or a HMAC-SHA1 v1 `Signature` parameter, a signed
 * time within the clock-skew window and a nonce not seen before. Returns the key that signed.
 */
export async function checkVendorSignature(request: VendorRequest, deps: SignatureCheckDeps): Promise<{ key: AccessKey; kind: SignatureKind }> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return checkAcs3(request, authorization, deps);
  if (request.params.Signature !== undefined) return checkRpcV1(request, deps);
  throw new VendorError(400, 'MissingSignature', 'Signature is mandatory for this action.');
}

async function checkAcs3(request: VendorRequest, authorization: string, deps: SignatureCheckDeps) {
  const parsed = parseAcs3Authorization(authorization);
  if (!parsed) throw incompleteSignature();
  const { signedHeaders } = parsed;
  const carried = Object.keys(request.headers).filter((h) => h.startsWith('x-acs-'));
  const sorted = [...signedHeaders].sort();
  if (
    sorted.join(';') !== signedHeaders.join(';') ||
    [...acs3RequiredHeaders, ...carried].some((h) => !signedHeaders.includes(h)) ||
    signedHeaders.some((h) => request.headers[h] === undefined)
  ) {
    throw incompleteSignature();
  }
  const nonce = request.headers['x-acs-signature-nonce'] ?? '';
  checkFreshness(request.headers['x-acs-date'], nonce, deps);
  const signing = await signingKey(parsed.accessKeyId, deps);
  const expected = acs3Signature({
    method: request.method,
    query: request.query,
    headers: request.headers,
    signedHeaders,
    bodySha256Hex: createHash('sha256').update(request.body).digest('hex'),
    secret: signing.secret,
  });
  if (!sameText(expected, parsed.signature)) throw signatureMismatch();
  await claimNonce(parsed.accessKeyId, nonce, deps);
  return { key: signing.key, kind: 'ACS3-HMAC-SHA256' as const };
}

async function checkRpcV1(request: VendorRequest, deps: SignatureCheckDeps) {
  const { params } = request;
  for (const name of ['AccessKeyId', 'Timestamp', 'SignatureNonce']) if (!params[name]) throw missingParameter(name);
  if ((params.SignatureMethod ?? 'HMAC-SHA1') !== 'HMAC-SHA1' || (params.SignatureVersion ?? '1.0') !== '1.0') throw incompleteSignature();
  const accessKeyId = params.AccessKeyId ?? '';
  const nonce = params.SignatureNonce ?? '';
  checkFreshness(params.Timestamp, nonce, deps);
  const signing = await signingKey(accessKeyId, deps);
  if (!sameText(rpcV1Signature(request.method, params, signing.secret), params.Signature ?? '')) throw signatureMismatch();
  await claimNonce(accessKeyId, nonce, deps);
  return { key: signing.key, kind: 'HMAC-SHA1' as const };
}

function checkFreshness(timestamp: string | undefined, nonce: string, deps: SignatureCheckDeps): void {
  if (!timestamp) throw missingParameter('Timestamp');
  if (!nonce) throw missingParameter('SignatureNonce');
  if (!noncePattern.test(nonce)) throw new VendorError(400, 'InvalidSignatureNonce', 'Specified signature nonce is not valid.');
  if (!timestampPattern.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    throw new VendorError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
  }
  if (Math.abs(Date.parse(timestamp) - deps.clock()) > deps.clockSkewMs) {
    throw new VendorError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
}

async function signingKey(accessKeyId: string, deps: SignatureCheckDeps) {
  const signing = accessKeyId.length <= 128 ? await deps.accessKeys.signingKeyOf(accessKeyId) : null;
  if (!signing) throw new VendorError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  if (!signing.key.enabled) throw new VendorError(400, 'InvalidAccessKeyId.Inactive', 'Specified access key is disabled.');
  return signing;
}

/**
 * A nonce is claimed only after its signature checked out, so nobody can burn someone else's.
 * It is kept for twice the skew window: longer than any request carrying it can be fresh.
 */
async function claimNonce(accessKeyId: string, nonce: string, deps: SignatureCheckDeps): Promise<void> {
  const key = `vendor-nonce:${createHash('sha256').update(`${accessKeyId}\n${nonce}`).digest('hex')}`;
  if (!(await deps.kv.set(key, '1', { ttlMs: 2 * deps.clockSkewMs, onlyIfAbsent: true }))) {
    throw new VendorError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
}

const signatureMismatch = () => new VendorError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
