/**
 * A local emulator of Alibaba Cloud's Dypnsapi (2017-05-25) RPC endpoint, for tests that drive the official SDK
 * (`@alicloud/dypnsapi20170525` with `endpoint: emulator.endpoint, protocol: 'http'`) or raw HTTP.
 *
 * Follows /work/shared/reference/alicloud-dypnsapi.md: the action comes from `x-acs-action` or `Action`, parameters
 * from the query string or a form body; requests must carry a valid ACS3-HMAC-SHA256 (Authorization header) or
 * HMAC-SHA1 v1 (`Signature` parameter) signature for one of the configured credentials. Replies are PascalCase JSON
 * with `RequestId`, `Code`, `Message` and the payload keys of §1. Business outcomes are HTTP 200 with `Code != "OK"`;
 * gateway and validation errors are 4xx/5xx `{RequestId, Code, Message}` using the standard Alibaba POP gateway codes.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { acs3Signature, rpcV1Signature } from '../../server/vendorApi/popSignature.js';

export { acs3Signature, popEncode, rpcV1Signature } from '../../server/vendorApi/popSignature.js';

export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
}

export type Carrier = 'mobile' | 'unicom' | 'telecom';
export type TokenPurpose = 'login' | 'check';
/**
 * `slow`: the request waits `slowMs` before it is handled (nothing happens at the vendor until then);
 * `slowReply`: it is handled at once (a token is used, an SMS goes out) but its reply waits `slowMs`, as when a
 * reply is lost on the way back; `5xx`, `html`, `throttle`: answered at once with that error, nothing handled.
 */
export type DypnsFault = 'slow' | 'slowReply' | '5xx' | 'html' | 'throttle';
export type SignatureKind = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';

/** Single-use carrier token lifetimes (reference §3): China Mobile 2 min, Unicom 30 min, Telecom 10 min. */
export const CARRIER_TOKEN_TTL_MS: Readonly<Record<Carrier, number>> = { mobile: 2 * 60_000, unicom: 30 * 60_000, telecom: 10 * 60_000 };

export const SUPPORTED_ACTIONS = [
  'GetMobile',
  'VerifyMobile',
  'GetAuthToken',
  'GetPhoneWithToken',
  'VerifyPhoneWithToken',
  'SendSmsVerifyCode',
  'CheckSmsVerifyCode',
] as const;
export type DypnsAction = (typeof SUPPORTED_ACTIONS)[number];

export interface DypnsEmulatorOptions {
  credentials: EmulatorCredential[];
  /** Business clock (token lifetimes, SMS validity and intervals). Defaults to `Date.now`. */
  now?: () => number;
  /** Faults armed at start, as by `injectFault`. */
  faults?: { action: string; fault: DypnsFault; count?: number }[];
  /** How long a `slow` fault holds the request back before handling it (a `slowReply` its reply); default 5000 ms. */
  slowMs?: number;
  /** Allowed skew of `x-acs-date` / `Timestamp` against the signer's wall clock (`Date.now`, not `now`); default 15 min, `null` disables. */
  maxClockSkewMs?: number | null;
  /** Reject a signature nonce seen before (`SignatureNonceUsed`); default true. */
  checkNonce?: boolean;
  /** Per-action requests-per-second limits (wall clock); beyond them the reply is 400 `Throttling.User`. */
  qps?: Partial<Record<string, number>>;
}

export interface SentSms {
  phoneNumber: string;
  countryCode: string;
  /** The generated code, or `null` when the TemplateParam had no `##code##` (such a message cannot be checked). */
  code: string | null;
  signName: string;
  templateCode: string;
  /** TemplateParam with `##code##` replaced. */
  templateParam: Record<string, unknown>;
  schemeName: string;
  outId: string | undefined;
  bizId: string;
}

export interface RecordedRequest {
  method: string;
  action: string | undefined;
  params: Record<string, string>;
  signature: SignatureKind | null;
  accessKeyId: string | undefined;
  status: number;
  code: string | undefined;
  fault: DypnsFault | undefined;
}

export interface DypnsEmulator {
  /** `127.0.0.1:<port>`, for the SDK's `endpoint` (with `protocol: 'http'`). */
  endpoint: string;
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** A token as the carrier SDK would hand to the app: `login` for GetMobile/GetPhoneWithToken, `check` for VerifyMobile/VerifyPhoneWithToken. */
  issueCarrierToken(input: { phoneNumber: string; carrier?: Carrier; purpose: TokenPurpose }): string;
  smsSent: SentSms[];
  requests: RecordedRequest[];
  /** Arms a fault for the next `count` (default 1; `Infinity` allowed) requests of `action` (or of any action with `'*'`). */
  injectFault(action: string, fault: DypnsFault, count?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const API_VERSION = '2017-05-25';
const DEFAULT_SCHEME = '默认方案';

interface CarrierToken {
  phoneNumber: string;
  carrier: Carrier;
  purpose: TokenPurpose;
  expiresAt: number;
  used: boolean;
}

interface PendingCode {
  code: string;
  expiresAt: number;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

class EmulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function requestId(): string {
  return randomUUID().toUpperCase();
}

const CODE_ALPHABETS: Record<string, string> = {
  '1': '0123456789',
  '2': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '3': 'abcdefghijklmnopqrstuvwxyz',
  '4': 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  '5': '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '6': '0123456789abcdefghijklmnopqrstuvwxyz',
  '7': '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
};

function generateCode(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function required(params: Record<string, string>, ...names: string[]): void {
  for (const name of names) {
    if (params[name] === undefined || params[name] === '') throw new EmulatorError(400, `Missing${name}`, `${name} is mandatory for this action.`);
  }
}

function intParam(params: Record<string, string>, name: string, fallback: number, min: number, max: number): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new EmulatorError(400, 'InvalidParameters', `Specified parameter ${name} is not valid.`);
  return n;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export async function startDypnsEmulator(options: DypnsEmulatorOptions): Promise<DypnsEmulator> {
  const now = options.now ?? Date.now;
  const slowMs = options.slowMs ?? 5000;
  const maxSkew = options.maxClockSkewMs === undefined ? 15 * 60_000 : options.maxClockSkewMs;
  const checkNonce = options.checkNonce ?? true;
  const secrets = new Map(options.credentials.map((c) => [c.accessKeyId, c.accessKeySecret]));
  const tokens = new Map<string, CarrierToken>();
  const smsCodes = new Map<string, PendingCode[]>();
  const lastSmsAt = new Map<string, number>();
  const nonces = new Set<string>();
  const qpsWindows = new Map<string, { second: number; count: number }>();
  const faults: { action: string; fault: DypnsFault; remaining: number }[] = [];
  const smsSent: SentSms[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const injectFault = (action: string, fault: DypnsFault, count = 1): void => {
    if (count > 0) faults.push({ action, fault, remaining: count });
  };
  for (const f of options.faults ?? []) injectFault(f.action, f.fault, f.count);

  function takeFault(action: string | undefined): DypnsFault | undefined {
    const i = faults.findIndex((f) => f.action === '*' || f.action === action);
    const f = i >= 0 ? faults[i] : undefined;
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) faults.splice(i, 1);
    return f.fault;
  }

  /** Verifies the signature; returns the access key id used. Throws EmulatorError with a POP gateway code. */
  function verifySignature(method: string, req: IncomingMessage, query: Record<string, string>, params: Record<string, string>, body: Buffer) {
    const authorization = headerValue(req, 'authorization');
    if (authorization !== undefined) {
      const m = /^(\S+)\s+Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-fA-F]+)$/.exec(authorization.trim());
      if (!m || m[1] !== 'ACS3-HMAC-SHA256') throw new EmulatorError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
      const accessKeyId = m[2] ?? '';
      const signedHeaders = (m[3] ?? '').split(';');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const mustSign = Object.keys(headers).filter((h) => h === 'host' || h.startsWith('x-acs-'));
      const sorted = [...signedHeaders].sort();
      if (mustSign.some((h) => !signedHeaders.includes(h)) || sorted.join(';') !== signedHeaders.join(';')) {
        throw new EmulatorError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
      }
      checkFreshness(headers['x-acs-date'], headers['x-acs-signature-nonce'], accessKeyId);
      const secret = secrets.get(accessKeyId);
      if (secret === undefined) throw new EmulatorError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      const expected = acs3Signature({
        method,
        query,
        headers,
        signedHeaders,
        bodySha256Hex: createHash('sha256').update(body).digest('hex'),
        secret,
      });
      if (!safeEqual(expected, (m[4] ?? '').toLowerCase())) {
        throw new EmulatorError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      }
      rememberNonce(headers['x-acs-signature-nonce'], accessKeyId);
      return { accessKeyId, signature: 'ACS3-HMAC-SHA256' as const };
    }
    if (params.Signature !== undefined) {
      required(params, 'AccessKeyId', 'Timestamp', 'SignatureNonce');
      if ((params.SignatureMethod ?? 'HMAC-SHA1') !== 'HMAC-SHA1' || (params.SignatureVersion ?? '1.0') !== '1.0') {
        throw new EmulatorError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
      }
      const accessKeyId = params.AccessKeyId ?? '';
      checkFreshness(params.Timestamp, params.SignatureNonce, accessKeyId);
      const secret = secrets.get(accessKeyId);
      if (secret === undefined) throw new EmulatorError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      if (!safeEqual(rpcV1Signature(method, params, secret), params.Signature)) {
        throw new EmulatorError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      }
      rememberNonce(params.SignatureNonce, accessKeyId);
      return { accessKeyId, signature: 'HMAC-SHA1' as const };
    }
    throw new EmulatorError(400, 'MissingSignature', 'Signature is mandatory for this action.');
  }

  function checkFreshness(date: string | undefined, nonce: string | undefined, accessKeyId: string): void {
    if (!date) throw new EmulatorError(400, 'MissingTimestamp', 'Timestamp is mandatory for this action.');
    if (!nonce) throw new EmulatorError(400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(date)) {
      throw new EmulatorError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    }
    if (maxSkew !== null && Math.abs(Date.parse(date) - Date.now()) > maxSkew) {
      throw new EmulatorError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }
    if (checkNonce && nonces.has(`${accessKeyId}\n${nonce}`)) {
      throw new EmulatorError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    }
  }

  function rememberNonce(nonce: string | undefined, accessKeyId: string): void {
    if (checkNonce && nonce) nonces.add(`${accessKeyId}\n${nonce}`);
  }

  function checkQps(action: string): void {
    const limit = options.qps?.[action];
    if (limit === undefined) return;
    const second = Math.floor(Date.now() / 1000);
    const w = qpsWindows.get(action);
    if (!w || w.second !== second) {
      qpsWindows.set(action, { second, count: 1 });
      return;
    }
    w.count += 1;
    if (w.count > limit) throw new EmulatorError(400, 'Throttling.User', 'Request was denied due to user flow control.');
  }

  /** Looks a carrier token up and consumes it; returns a business-code reply instead when it cannot be used. */
  function useToken(token: string, purpose: TokenPurpose): CarrierToken | Reply {
    const t = tokens.get(token);
    if (!t || t.used || now() >= t.expiresAt) {
      if (t) t.used = true;
      return ok({ Code: 'isv.TOKEN_INVALID', Message: 'token无效或已过期' });
    }
    if (purpose === 'login' && t.purpose === 'check') {
      return ok({ Code: 'isv.TOKEN_UNAUTHORIZED_USED', Message: '号码认证token不可用于一键登录' });
    }
    t.used = true;
    return t;
  }

  function ok(body: Record<string, unknown>): Reply {
    return { status: 200, body: { Code: 'OK', Message: 'OK', ...body } };
  }

  function handleAction(action: DypnsAction, p: Record<string, string>): Reply {
    switch (action) {
      case 'GetMobile': {
        required(p, 'AccessToken');
        const t = useToken(p.AccessToken ?? '', 'login');
        if ('status' in t) return t;
        return ok({ Message: '请求成功', GetMobileResultDTO: { Mobile: t.phoneNumber } });
      }
      case 'VerifyMobile': {
        required(p, 'AccessCode', 'PhoneNumber');
        const t = useToken(p.AccessCode ?? '', 'check');
        if ('status' in t) return t;
        return ok({ GateVerifyResultDTO: { VerifyId: randomUUID(), VerifyResult: t.phoneNumber === p.PhoneNumber ? 'PASS' : 'REJECT' } });
      }
      case 'GetAuthToken':
        required(p, 'Url', 'Origin');
        return ok({ TokenInfo: { AccessToken: `at-${randomBytes(12).toString('hex')}`, JwtToken: `jwt-${randomBytes(24).toString('hex')}` } });
      case 'GetPhoneWithToken': {
        required(p, 'SpToken');
        const t = useToken(p.SpToken ?? '', 'login');
        if ('status' in t) return t;
        return ok({ Data: { Mobile: t.phoneNumber } });
      }
      case 'VerifyPhoneWithToken': {
        required(p, 'PhoneNumber', 'SpToken');
        const t = useToken(p.SpToken ?? '', 'check');
        if ('status' in t) return t;
        return ok({ GateVerify: { VerifyId: randomUUID(), VerifyResult: t.phoneNumber === p.PhoneNumber ? 'PASS' : 'REJECT' } });
      }
      case 'SendSmsVerifyCode':
        return sendSms(p);
      case 'CheckSmsVerifyCode':
        return checkSms(p);
    }
  }

  function smsKey(p: Record<string, string>): { key: string; schemeName: string; countryCode: string } {
    const schemeName = p.SchemeName || DEFAULT_SCHEME;
    const countryCode = p.CountryCode || '86';
    return { key: `${schemeName}\n${countryCode}\n${p.PhoneNumber ?? ''}`, schemeName, countryCode };
  }

  function sendSms(p: Record<string, string>): Reply {
    required(p, 'PhoneNumber', 'SignName', 'TemplateCode', 'TemplateParam');
    const codeLength = intParam(p, 'CodeLength', 4, 4, 8);
    const validTime = intParam(p, 'ValidTime', 300, 1, 86_400);
    const interval = intParam(p, 'Interval', 60, 0, 86_400);
    const codeType = intParam(p, 'CodeType', 1, 1, 7);
    const duplicatePolicy = intParam(p, 'DuplicatePolicy', 1, 1, 2);
    let templateParam: unknown;
    try {
      templateParam = JSON.parse(p.TemplateParam ?? '');
    } catch {
      throw new EmulatorError(400, 'InvalidParameters', 'Specified parameter TemplateParam is not valid JSON.');
    }
    if (typeof templateParam !== 'object' || templateParam === null || Array.isArray(templateParam)) {
      throw new EmulatorError(400, 'InvalidParameters', 'Specified parameter TemplateParam is not valid.');
    }
    const { key, schemeName, countryCode } = smsKey(p);
    const t = now();
    const last = lastSmsAt.get(key);
    if (last !== undefined && t - last < interval * 1000) {
      return { status: 200, body: { Code: 'biz.FREQUENCY', Message: 'check frequency failed', Success: false } };
    }
    const usesCode = Object.values(templateParam).some((v) => typeof v === 'string' && v.includes('##code##'));
    const code = usesCode ? generateCode(codeLength, CODE_ALPHABETS[String(codeType)] ?? '0123456789') : null;
    const rendered = Object.fromEntries(
      Object.entries(templateParam).map(([k, v]) => [k, typeof v === 'string' && code !== null ? v.replaceAll('##code##', code) : v]),
    );
    if (code !== null) {
      const pending = duplicatePolicy === 1 ? [] : (smsCodes.get(key) ?? []).filter((c) => c.expiresAt > t);
      pending.push({ code, expiresAt: t + validTime * 1000 });
      smsCodes.set(key, pending);
    }
    lastSmsAt.set(key, t);
    const bizId = `${Date.now()}^${randomBytes(6).toString('hex')}`;
    smsSent.push({
      phoneNumber: p.PhoneNumber ?? '',
      countryCode,
      code,
      signName: p.SignName ?? '',
      templateCode: p.TemplateCode ?? '',
      templateParam: rendered,
      schemeName,
      outId: p.OutId,
      bizId,
    });
    const model: Record<string, unknown> = { BizId: bizId, RequestId: requestId() };
    if (p.OutId !== undefined) model.OutId = p.OutId;
    if (p.ReturnVerifyCode === 'true' && code !== null) model.VerifyCode = code;
    return ok({ Message: '成功', Success: true, Model: model });
  }

  function checkSms(p: Record<string, string>): Reply {
    required(p, 'PhoneNumber', 'VerifyCode');
    const caseAuthPolicy = intParam(p, 'CaseAuthPolicy', 1, 1, 2);
    const { key } = smsKey(p);
    const t = now();
    const pending = (smsCodes.get(key) ?? []).filter((c) => c.expiresAt > t);
    const given = p.VerifyCode ?? '';
    const match = pending.some((c) => (caseAuthPolicy === 2 ? c.code === given : c.code.toLowerCase() === given.toLowerCase()));
    if (!match) {
      smsCodes.set(key, pending);
      throw new EmulatorError(400, 'isv.ValidateFail', '验证失败');
    }
    smsCodes.delete(key);
    const model: Record<string, unknown> = { VerifyResult: 'PASS' };
    if (p.OutId !== undefined) model.OutId = p.OutId;
    return ok({ Message: '成功', Success: true, Model: model });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const params: Record<string, string> = { ...query };
    const contentType = headerValue(req, 'content-type') ?? '';
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
    }
    const action = headerValue(req, 'x-acs-action') ?? params.Action;
    const record: RecordedRequest = { method, action, params, signature: null, accessKeyId: undefined, status: 0, code: undefined, fault: undefined };
    requests.push(record);

    const send = (status: number, payload: Record<string, unknown> | string, type = 'application/json;charset=utf-8'): void => {
      record.status = status;
      if (typeof payload !== 'string') record.code = typeof payload.Code === 'string' ? payload.Code : undefined;
      if (closed || res.destroyed) return;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const headers: Record<string, string> = { 'content-type': type };
      if (typeof payload !== 'string' && typeof payload.RequestId === 'string') headers['x-acs-request-id'] = payload.RequestId;
      res.writeHead(status, headers).end(text);
    };

    const fault = takeFault(action);
    record.fault = fault;
    if (fault === '5xx') {
      return send(500, { RequestId: requestId(), Code: 'SystemError', Message: 'A system error occurred. Please try again later.' });
    }
    if (fault === 'html') {
      return send(
        502,
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>Tengine</center></body></html>',
        'text/html',
      );
    }
    if (fault === 'throttle') {
      return send(400, { RequestId: requestId(), Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' });
    }
    const holdBack = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, slowMs);
        timers.add(timer);
      });
    if (fault === 'slow') {
      await holdBack();
      if (closed) return;
    }

    const rid = requestId();
    try {
      if (method !== 'GET' && method !== 'POST') throw new EmulatorError(400, 'UnsupportedHTTPMethod', `Specified HTTP method ${method} is not supported.`);
      if (!action) throw new EmulatorError(400, 'MissingAction', 'Action is mandatory for this action.');
      const version = headerValue(req, 'x-acs-version') ?? params.Version;
      if (version !== undefined && version !== API_VERSION) throw new EmulatorError(400, 'InvalidVersion', `Specified parameter Version is not valid.`);
      const signed = verifySignature(method, req, query, params, body);
      record.signature = signed.signature;
      record.accessKeyId = signed.accessKeyId;
      if (!(SUPPORTED_ACTIONS as readonly string[]).includes(action)) {
        throw new EmulatorError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
      }
      checkQps(action);
      const reply = handleAction(action as DypnsAction, params);
      if (fault === 'slowReply') await holdBack();
      send(reply.status, { RequestId: rid, ...reply.body });
    } catch (err) {
      if (fault === 'slowReply') await holdBack();
      if (err instanceof EmulatorError) return send(err.status, { RequestId: rid, Code: err.code, Message: err.message });
      send(500, { RequestId: rid, Code: 'InternalError', Message: `The request processing has failed due to some unknown error. ${String(err)}` });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/`,
    issueCarrierToken({ phoneNumber, carrier = 'mobile', purpose }) {
      const token = `${purpose === 'login' ? 'lt' : 'ct'}-${carrier}-${randomBytes(16).toString('hex')}`;
      tokens.set(token, { phoneNumber, carrier, purpose, expiresAt: now() + CARRIER_TOKEN_TTL_MS[carrier], used: false });
      return token;
    },
    smsSent,
    requests,
    injectFault,
    clearFaults() {
      faults.length = 0;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment that points numberflow's Alibaba Cloud adapters (carrier and SMS) at an emulator, signing with `credential`. */
export function alicloudAdapterEnvironment(emulator: Pick<DypnsEmulator, 'endpoint'>, credential: EmulatorCredential): Record<string, string> {
  return {
    CARRIER_ADAPTER: 'alicloud',
    SMS_ADAPTER: 'alicloud',
    ALIBABA_CLOUD_ACCESS_KEY_ID: credential.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: credential.accessKeySecret,
    DYPNS_ENDPOINT: emulator.endpoint,
    DYPNS_PROTOCOL: 'http',
  };
}
