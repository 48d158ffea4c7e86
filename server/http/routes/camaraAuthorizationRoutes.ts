import { randomBytes } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { jwtVerify } from 'jose';
import { z } from 'zod';
import { CarrierError } from '../../../adapters/carrier/carrierGateway.js';
import { grantableScopes, type AccessGrant } from '../../camara/camaraTokens.js';
import { RateLimitedError } from '../../limits/rateLimited.js';
import { isStoreUnavailable } from '../../stores/storeUnavailable.js';
import { getMobile } from '../../verification/plainVerification.js';
import { clientIp } from '../clientIp.js';
import { requestBodyError } from '../requestBodyError.js';
import type { Services } from '../services.js';

/**
 * numberflow's authorization server for its CAMARA APIs, shaped as CAMARA's Identity and Consent
 * Management asks (OpenID Connect discovery, CIBA, JWT bearer): API consumers are numberflow access
 * keys (`client_id` / `client_secret`, HTTP Basic or in the form). A three-legged token is bound to
 * a number a carrier token proved (`operatortoken:<carrier token>`, exchanged once through the
 * carrier adapter); a two-legged one (`client_credentials`) names no one. Errors are OAuth's
 * `{error, error_description}`.
 */
export const camaraIssuerPath = '/camara';
const tokenPath = `${camaraIssuerPath}/oauth2/token`;
const cibaPath = `${camaraIssuerPath}/oauth2/bc-authorize`;
const jwksPath = `${camaraIssuerPath}/oauth2/jwks`;

export const grantTypes = {
  clientCredentials: 'client_credentials',
  ciba: 'urn:openid:params:grant-type:ciba',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
} as const;

/** How long an `auth_req_id` of CIBA may wait for its token request. */
const cibaRequestTtlSeconds = 120;
const operatorTokenHint = /^operatortoken:([\x21-\x7e]{1,4096})$/;

const clientFields = { client_id: z.string().min(1).max(64).optional(), client_secret: z.string().min(1).max(256).optional() };
const scope = z.string().max(512).optional();
export const cibaRequestSchema = z.object({ ...clientFields, scope, login_hint: z.string().min(1).max(4200) }).strict();
export const tokenRequestSchema = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal(grantTypes.clientCredentials), ...clientFields, scope }).strict(),
  z.object({ grant_type: z.literal(grantTypes.ciba), ...clientFields, auth_req_id: z.string().min(1).max(128) }).strict(),
  z.object({ grant_type: z.literal(grantTypes.jwtBearer), ...clientFields, scope, assertion: z.string().min(1).max(8192) }).strict(),
]);

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

const pendingRequestSchema = z.object({ clientId: z.string(), scopes: z.array(z.string()), phoneNumber: z.string() });

export function camaraAuthorizationRoutes(services: Services): Router {
  const router = Router();
  const { camaraTokens: tokens, storage } = services;
  const issuerOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}${camaraIssuerPath}`;

  const discovery = (req: Request, res: Response) => {
    const issuer = issuerOf(req);
    res.json({
      issuer,
      token_endpoint: `${issuer}/oauth2/token`,
      backchannel_authentication_endpoint: `${issuer}/oauth2/bc-authorize`,
      jwks_uri: `${issuer}/oauth2/jwks`,
      grant_types_supported: Object.values(grantTypes),
      backchannel_token_delivery_modes_supported: ['poll'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...grantableScopes],
      response_types_supported: [],
      subject_types_supported: ['pairwise'],
      claims_supported: ['iss', 'sub', 'exp', 'iat', 'jti', 'scope', 'client_id', 'amr'],
      access_token_signing_alg_values_supported: ['ES256'],
    });
  };
  router.get(`${camaraIssuerPath}/.well-known/openid-configuration`, discovery);
  router.get(`${camaraIssuerPath}/.well-known/oauth-authorization-server`, discovery);
  router.get(jwksPath, (_req, res) => void res.json({ keys: [tokens.publicJwk] }));

  const forms = [express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb', strict: true })];
  router.use([tokenPath, cibaPath], async (req, _res, next) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    next();
  });

  router.post(cibaPath, ...forms, async (req, res) => {
    const body = parseForm(cibaRequestSchema, req.body);
    const clientId = await authenticateClient(services, req, body);
    const scopes = grantedScopes(body.scope);
    const phoneNumber = await proveByCarrier(services, body.login_hint, 'login_hint');
    const authReqId = randomBytes(24).toString('base64url');
    await storage.kv.set(cibaKey(authReqId), JSON.stringify({ clientId, scopes, phoneNumber }), { ttlMs: cibaRequestTtlSeconds * 1000 });
    res.json({ auth_req_id: authReqId, expires_in: cibaRequestTtlSeconds, interval: 1 });
  });

  router.post(tokenPath, ...forms, async (req, res) => {
    const body = parseForm(tokenRequestSchema, req.body);
    const clientId = await authenticateClient(services, req, body);
    let grant: AccessGrant;
    switch (body.grant_type) {
      case grantTypes.clientCredentials:
        grant = { clientId, scopes: grantedScopes(body.scope) };
        break;
      case grantTypes.ciba: {
        const raw = await storage.kv.getDel(cibaKey(body.auth_req_id));
        const pending = raw === null ? undefined : pendingRequestSchema.safeParse(JSON.parse(raw));
        // Another client's auth_req_id is as unknown as a used one.
        if (!pending?.success || pending.data.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'auth_req_id is unknown, used or expired');
        grant = { ...pending.data, amr: ['network'] };
        break;
      }
      case grantTypes.jwtBearer: {
        const subject = await assertionSubject(services, body.assertion, clientId, issuerOf(req));
        grant = { clientId, scopes: grantedScopes(body.scope), phoneNumber: await proveByCarrier(services, subject, 'assertion sub'), amr: ['network'] };
        break;
      }
    }
    const { accessToken, expiresIn } = await tokens.issue(grant, issuerOf(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: grant.scopes.join(' ') });
  });

  router.use([tokenPath, cibaPath, jwksPath, `${camaraIssuerPath}/.well-known`], oauthErrorHandler(services));
  return router;
}

const cibaKey = (authReqId: string) => `camara:ciba:${authReqId}`;

function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.path[0] === 'grant_type') throw new OAuthError(400, 'unsupported_grant_type', 'grant_type is missing or not supported');
  throw new OAuthError(400, 'invalid_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/** The access key behind the request: HTTP Basic (`client_secret_basic`) or `client_id`/`client_secret` in the form, not both. */
async function authenticateClient(
  services: Services,
  req: Request,
  body: { client_id?: string | undefined; client_secret?: string | undefined },
): Promise<string> {
  const basic = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(req.get('authorization') ?? '');
  let id = body.client_id;
  let secret = body.client_secret;
  if (basic?.[1]) {
    if (secret !== undefined) throw new OAuthError(400, 'invalid_request', 'authenticate the client one way only');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    try {
      [id, secret] = colon < 0 ? [undefined, undefined] : [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
    } catch {
      [id, secret] = [undefined, undefined];
    }
  }
  const key = id && secret ? await services.accessKeys.authenticate(id, secret) : null;
  if (!key) throw new OAuthError(401, 'invalid_client', 'client authentication failed');
  return key.id;
}

function grantedScopes(requested: string | undefined): string[] {
  const scopes = [...new Set((requested ?? '').split(' ').filter(Boolean))];
  const unknown = scopes.filter((s) => !grantableScopes.has(s));
  if (unknown.length) throw new OAuthError(400, 'invalid_scope', `not a scope of these APIs: ${unknown.join(' ')}`);
  return scopes;
}

/** `operatortoken:<carrier token>`: the carrier says whose device holds it (GetMobile); the token is used up. */
async function proveByCarrier(services: Services, hint: string, what: string): Promise<string> {
  const match = operatorTokenHint.exec(hint);
  if (!match?.[1]) throw new OAuthError(400, 'invalid_request', `${what} must be operatortoken:<carrier token>`);
  try {
    return (await getMobile(services, match[1], { h5: false })).phoneNumber;
  } catch (error) {
    if (!(error instanceof CarrierError)) throw error;
    if (error.kind === 'invalid' || error.kind === 'mismatch') throw new OAuthError(400, 'unknown_user_id', 'the carrier token is unknown, used or expired');
    throw new OAuthError(503, 'temporarily_unavailable', 'the carrier could not answer; try again');
  }
}

/** RFC 7523: an assertion signed with the client's secret (HS256), issued by the client for this issuer, its subject the operator token. */
async function assertionSubject(services: Services, assertion: string, clientId: string, issuer: string): Promise<string> {
  const signing = await services.accessKeys.signingKeyOf(clientId);
  try {
    const { payload } = await jwtVerify(assertion, new TextEncoder().encode(signing?.secret ?? randomBytes(32).toString('hex')), {
      algorithms: ['HS256'],
      issuer: clientId,
      audience: [issuer, `${issuer}/oauth2/token`],
      currentDate: new Date(services.clock()),
      requiredClaims: ['exp', 'sub'],
    });
    return payload.sub!;
  } catch {
    throw new OAuthError(400, 'invalid_grant', 'the assertion is not signed by the client for this issuer, or has expired');
  }
}

function oauthErrorHandler(services: Services): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const send = (status: number, code: string, description: string) => {
      if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="numberflow"');
      res.status(status).json({ error: code, error_description: description });
    };
    if (error instanceof OAuthError) return send(error.status, error.error, error.message);
    if (error instanceof RateLimitedError) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return send(429, 'slow_down', error.message);
    }
    const bodyError = requestBodyError(error);
    if (bodyError) return send(bodyError.status, 'invalid_request', bodyError.message);
    if (isStoreUnavailable(error)) return send(503, 'temporarily_unavailable', 'the store is unavailable; try again shortly');
    (req.log ?? services.logger).error({ err: error }, 'unhandled error in the CAMARA authorization server');
    send(500, 'server_error', 'internal error');
  };
}
