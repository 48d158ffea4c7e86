/**
 * A local emulator of an operator's CAMARA network APIs, written from the published specifications
 * (kept in tests/fixtures/camara with their licence and source):
 *
 * - Number Verification v2 (`number-verification.yaml`, 2.1.0): `POST /number-verification/v2/verify`
 *   (`phoneNumber` or `hashedPhoneNumber`, exactly one) → `{devicePhoneNumberVerified}`;
 *   `GET /number-verification/v2/device-phone-number` → `{devicePhoneNumber}`. Both want a
 *   three-legged token obtained by network (or SIM) authentication.
 * - SIM Swap v2 (`sim-swap.yaml`, 2.1.0): `POST /sim-swap/v2/retrieve-date` → `{latestSimChange, monitoredPeriod?}`;
 *   `POST /sim-swap/v2/check` `{phoneNumber?, maxAge?}` → `{swapped}`. A three-legged token names the
 *   number (a `phoneNumber` then is 422 UNNECESSARY_IDENTIFIER); a two-legged one needs `phoneNumber`
 *   (else 422 MISSING_IDENTIFIER).
 * - An OAuth 2.0 token endpoint `POST /oauth2/token` for two-legged tokens (`client_credentials`, client
 *   authenticated with HTTP Basic), as an operator's authorization server gives them to an API consumer.
 *
 * Errors are the specs' `{status, code, message}`: 400 INVALID_ARGUMENT / OUT_OF_RANGE, 401 UNAUTHENTICATED,
 * 403 PERMISSION_DENIED / NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK, 404 NOT_FOUND /
 * IDENTIFIER_NOT_FOUND, 422 MISSING_IDENTIFIER / UNNECESSARY_IDENTIFIER / SERVICE_NOT_APPLICABLE,
 * 429 TOO_MANY_REQUESTS / QUOTA_EXCEEDED. `x-correlator` is checked against its pattern and echoed.
 *
 * Three-legged tokens come from `issueAccessToken` (what the operator's authorization server hands the
 * device after network authentication); tests and `POST /emulator/device-token` use it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { bearerToken, camaraErrorHandler, camaraErrors, camaraUnknownRoute, CamaraError, xCorrelator } from '../../server/camara/camaraError.js';
import { camaraPhoneNumberPattern, parseCamaraBody } from '../../server/camara/camaraInput.js';
// The spec's NumberVerificationRequestBody, as numberflow's own facade validates it.
import { numberVerificationRequestSchema } from '../../server/http/routes/camaraNumberVerificationRoutes.js';

/** How the user was authenticated when the token was issued (the token's `amr`). */
export type AuthenticationMethod = 'network' | 'sim' | 'sms' | 'password';

export interface EmulatedSubscriber {
  /** E.164 with `+`. */
  phoneNumber: string;
  /** When a SIM was first associated with the number (epoch ms); `null`: never associated with a SIM. */
  activatedAt: number | null;
  /** The latest SIM swap (epoch ms), if any. */
  swappedAt?: number;
  /** False for lines the SIM Swap service does not cover (e.g. IoT): 422 SERVICE_NOT_APPLICABLE. */
  simSwapApplicable?: boolean;
}

export interface IssueTokenRequest {
  /** The number a three-legged token is bound to; omit for a two-legged token. */
  phoneNumber?: string;
  scopes: string[];
  authenticatedBy?: AuthenticationMethod;
  expiresInSeconds?: number;
  clientId?: string;
}

interface IssuedToken {
  clientId: string;
  phoneNumber?: string;
  scopes: Set<string>;
  authenticatedBy: AuthenticationMethod;
  expiresAt: number;
}

export interface CamaraEmulatorOptions {
  /** The operator's clock (token expiry, SIM swap ages). Defaults to `Date.now`. */
  now?: () => number;
  /** API consumers allowed at the token endpoint. */
  clients?: { clientId: string; clientSecret: string }[];
  /** The monitored period of SIM Swap, in days, as a local regulation limits it; unlimited when omitted. */
  monitoredPeriodDays?: number;
  /** Requests per access token per minute before 429 TOO_MANY_REQUESTS; unlimited when omitted. */
  requestsPerTokenPerMinute?: number;
  /** Calls per API consumer in the emulator's lifetime before 429 QUOTA_EXCEEDED; unlimited when omitted. */
  quotaPerClient?: number;
  /** Loopback port to listen on; a free one when omitted. */
  port?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  correlator?: string;
  status: number;
}

export const numberVerificationScopes = {
  verify: 'number-verification:verify',
  share: 'number-verification:device-phone-number:read',
} as const;
export const simSwapScopes = { check: 'sim-swap:check', retrieveDate: 'sim-swap:retrieve-date', any: 'sim-swap' } as const;

const hoursMs = 3_600_000;
const e164 = z.string().regex(camaraPhoneNumberPattern, 'must be E.164 with a leading +');

const retrieveDateBody = z.object({ phoneNumber: e164.optional() }).strict();
const checkBody = z
  .object({
    phoneNumber: e164.optional(),
    // Above 2400 is a range the client asked for, not a malformed value: OUT_OF_RANGE below.
    maxAge: z.number().int().min(1).optional(),
  })
  .strict();

export class CamaraEmulator {
  readonly calls: RecordedCall[] = [];
  private readonly subscribers = new Map<string, EmulatedSubscriber>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly tokenRequests = new Map<string, { windowStart: number; count: number }>();
  private readonly clientCalls = new Map<string, number>();
  private server?: Server;
  private baseUrl = '';

  constructor(private readonly options: CamaraEmulatorOptions = {}) {}

  /** The `apiRoot` of the specs' server URLs, e.g. `http://127.0.0.1:40123`. */
  get apiRoot(): string {
    return this.baseUrl;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/oauth2/token`;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  addSubscriber(subscriber: EmulatedSubscriber): void {
    if (!camaraPhoneNumberPattern.test(subscriber.phoneNumber)) throw new RangeError(`not E.164: ${subscriber.phoneNumber}`);
    this.subscribers.set(subscriber.phoneNumber, { ...subscriber });
  }

  /** Changes a known subscriber's SIM history; `swappedAt: undefined` means never swapped. */
  updateSubscriber(phoneNumber: string, change: Partial<Omit<EmulatedSubscriber, 'phoneNumber'>>): void {
    const subscriber = this.subscribers.get(phoneNumber);
    if (!subscriber) throw new RangeError(`unknown subscriber ${phoneNumber}`);
    Object.assign(subscriber, change);
    if ('swappedAt' in change && change.swappedAt === undefined) delete subscriber.swappedAt;
  }

  /** What the operator's authorization server would issue after authenticating the user. */
  issueAccessToken(request: IssueTokenRequest): string {
    const token = `emu_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, {
      clientId: request.clientId ?? 'emulator-client',
      ...(request.phoneNumber ? { phoneNumber: request.phoneNumber } : {}),
      scopes: new Set(request.scopes),
      authenticatedBy: request.authenticatedBy ?? 'network',
      expiresAt: this.now() + (request.expiresInSeconds ?? 3600) * 1000,
    });
    return token;
  }

  async start(): Promise<this> {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    // Recorded as the head goes out, so a caller that has its answer finds the call recorded.
    app.use((req, res, next) => {
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
      res.writeHead = ((...args: unknown[]) => {
        const correlator = req.get('x-correlator');
        this.calls.push({ method: req.method, path: req.originalUrl.split('?')[0]!, ...(correlator ? { correlator } : {}), status: res.statusCode });
        return writeHead(...args);
      }) as typeof res.writeHead;
      next();
    });
    app.use(xCorrelator);
    app.use(express.urlencoded({ extended: false, limit: '16kb' }));
    app.use(express.json({ limit: '16kb', strict: false }));
    app.use(this.tokenRoutes());
    app.use('/number-verification/v2', this.numberVerificationRoutes());
    app.use('/sim-swap/v2', this.simSwapRoutes());
    app.use(camaraUnknownRoute);
    app.use(camaraErrorHandler());
    this.server = app.listen(this.options.port ?? 0, '127.0.0.1');
    await new Promise<void>((resolve) => this.server!.once('listening', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private tokenRoutes(): Router {
    const router = Router();
    router.post('/oauth2/token', (req, res) => {
      const client = this.authenticateClient(req.get('authorization'));
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (client === undefined) {
        res.status(401).setHeader('WWW-Authenticate', 'Basic realm="emulator"').json({ error: 'invalid_client' });
        return;
      }
      if (body.grant_type !== 'client_credentials') {
        res.status(400).json({ error: 'unsupported_grant_type' });
        return;
      }
      const scopes = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [];
      const expiresIn = 3600;
      const token = this.issueAccessToken({ clientId: client, scopes, expiresInSeconds: expiresIn });
      res.setHeader('Cache-Control', 'no-store');
      res.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') });
    });
    // The device's side: what the operator issues after network authentication, for a standalone emulator.
    router.post('/emulator/device-token', (req, res) => {
      const body = parseCamaraBody(z.object({ phoneNumber: e164, scopes: z.array(z.string()).min(1).optional() }), req.body);
      if (!this.subscribers.has(body.phoneNumber)) throw camaraErrors.identifierNotFound();
      res.json({
        accessToken: this.issueAccessToken({
          phoneNumber: body.phoneNumber,
          scopes: body.scopes ?? [numberVerificationScopes.verify, numberVerificationScopes.share, simSwapScopes.any],
        }),
      });
    });
    return router;
  }

  private numberVerificationRoutes(): Router {
    const router = Router();
    router.post('/verify', (req, res) => {
      const token = this.authenticate(req);
      const body = parseCamaraBody(numberVerificationRequestSchema, req.body);
      const phoneNumber = this.networkAuthenticatedNumber(token, numberVerificationScopes.verify);
      const verified =
        body.phoneNumber !== undefined
          ? body.phoneNumber === phoneNumber
          : createHash('sha256').update(phoneNumber).digest('hex') === body.hashedPhoneNumber!.toLowerCase();
      res.json({ devicePhoneNumberVerified: verified });
    });
    router.get('/device-phone-number', (req, res) => {
      const token = this.authenticate(req);
      res.json({ devicePhoneNumber: this.networkAuthenticatedNumber(token, numberVerificationScopes.share) });
    });
    return router;
  }

  private simSwapRoutes(): Router {
    const router = Router();
    router.post('/retrieve-date', (req, res) => {
      const token = this.authenticate(req);
      const body = parseCamaraBody(retrieveDateBody, req.body);
      this.requireScope(token, [simSwapScopes.retrieveDate, simSwapScopes.any]);
      const subscriber = this.simSwapSubject(token, body.phoneNumber);
      const latest = subscriber.activatedAt === null ? null : (subscriber.swappedAt ?? subscriber.activatedAt);
      const period = this.options.monitoredPeriodDays;
      if (latest !== null && period !== undefined && latest < this.now() - period * 24 * hoursMs) {
        res.json({ latestSimChange: null, monitoredPeriod: period });
        return;
      }
      res.json({ latestSimChange: latest === null ? null : new Date(latest).toISOString() });
    });
    router.post('/check', (req, res) => {
      const token = this.authenticate(req);
      const body = parseCamaraBody(checkBody, req.body);
      const maxAge = body.maxAge ?? 240;
      if (maxAge > 2400) throw camaraErrors.outOfRange('maxAge must be at most 2400 hours.');
      const period = this.options.monitoredPeriodDays;
      if (period !== undefined && maxAge > period * 24) {
        throw camaraErrors.outOfRange(`Check monitor period could not exceed local regulations (${period} days).`);
      }
      this.requireScope(token, [simSwapScopes.check, simSwapScopes.any]);
      const subscriber = this.simSwapSubject(token, body.phoneNumber);
      // A new subscription is a SIM swap too (the spec's definition): the latest change is the swap or the activation.
      const latest = subscriber.swappedAt ?? subscriber.activatedAt;
      res.json({ swapped: latest !== null && this.now() - latest <= maxAge * hoursMs });
    });
    return router;
  }

  /** A live token, counted against the rate limit and its client's quota; 401 / 429 otherwise. */
  private authenticate(req: Request): IssuedToken {
    const raw = bearerToken(req.get('authorization'));
    const token = this.tokens.get(raw);
    if (!token || this.now() >= token.expiresAt) throw camaraErrors.unauthenticated();
    const limit = this.options.requestsPerTokenPerMinute;
    if (limit !== undefined) {
      const now = this.now();
      const window = this.tokenRequests.get(raw);
      const current = window && now - window.windowStart < 60_000 ? window : { windowStart: now, count: 0 };
      current.count += 1;
      this.tokenRequests.set(raw, current);
      if (current.count > limit) throw camaraErrors.tooManyRequests(Math.ceil((current.windowStart + 60_000 - now) / 1000));
    }
    const quota = this.options.quotaPerClient;
    if (quota !== undefined) {
      const used = (this.clientCalls.get(token.clientId) ?? 0) + 1;
      this.clientCalls.set(token.clientId, used);
      if (used > quota) throw camaraErrors.quotaExceeded();
    }
    return token;
  }

  private requireScope(token: IssuedToken, anyOf: string[]): void {
    if (!anyOf.some((scope) => token.scopes.has(scope))) throw camaraErrors.permissionDenied();
  }

  /** Number Verification answers only for a user the network (or the SIM) authenticated. */
  private networkAuthenticatedNumber(token: IssuedToken, scope: string): string {
    this.requireScope(token, [scope]);
    if (!token.phoneNumber || (token.authenticatedBy !== 'network' && token.authenticatedBy !== 'sim')) {
      throw new CamaraError(
        403,
        'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
        'Client must authenticate via the mobile network to use this service',
      );
    }
    return token.phoneNumber;
  }

  /** The number a SIM Swap call is about: from a three-legged token or else the body, never both. */
  private simSwapSubject(token: IssuedToken, bodyNumber: string | undefined): EmulatedSubscriber {
    if (token.phoneNumber !== undefined && bodyNumber !== undefined) throw camaraErrors.unnecessaryIdentifier();
    const phoneNumber = token.phoneNumber ?? bodyNumber;
    if (phoneNumber === undefined) throw camaraErrors.missingIdentifier();
    const subscriber = this.subscribers.get(phoneNumber);
    if (!subscriber) throw camaraErrors.identifierNotFound();
    if (subscriber.simSwapApplicable === false) throw camaraErrors.serviceNotApplicable();
    return subscriber;
  }

  private authenticateClient(authorization: string | undefined): string | undefined {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const [id, secret] = [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
    return (this.options.clients ?? []).some((c) => c.clientId === id && c.clientSecret === secret) ? id : undefined;
  }
}

/** An emulator listening on a free loopback port. */
export function startCamaraEmulator(options: CamaraEmulatorOptions = {}): Promise<CamaraEmulator> {
  return new CamaraEmulator(options).start();
}

/**
 * Standalone, for trying numberflow's CAMARA carrier adapter by hand (README "CAMARA, both ways"):
 * `npx tsx tests/emulator/camaraEmulator.ts` listens on 127.0.0.1:9091 with two subscribers (one whose
 * SIM was swapped five hours ago) and one API consumer.
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const hour = 3_600_000;
  const consumer = { clientId: 'numberflow', clientSecret: 'numberflow-demo-secret' };
  const emulator = await startCamaraEmulator({ port: Number(process.env.CAMARA_EMULATOR_PORT ?? 9091), clients: [consumer] });
  emulator.addSubscriber({ phoneNumber: '+8613812345678', activatedAt: Date.now() - 5000 * hour });
  emulator.addSubscriber({ phoneNumber: '+8613912345678', activatedAt: Date.now() - 5000 * hour, swappedAt: Date.now() - 5 * hour });
  console.log(
    `CAMARA emulator at ${emulator.apiRoot}: subscribers +8613812345678, +8613912345678 (SIM swapped 5 h ago); client ${consumer.clientId}:${consumer.clientSecret}`,
  );
}
