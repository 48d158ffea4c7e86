import { z } from 'zod';
import { xCorrelatorPattern } from '../../camara/camaraError.js';
import { cibaRequestSchema, tokenRequestSchema } from '../routes/camaraAuthorizationRoutes.js';
import {
  numberVerificationBasePath,
  numberVerificationMatchSchema,
  numberVerificationRequestSchema,
  numberVerificationShareSchema,
} from '../routes/camaraNumberVerificationRoutes.js';
import { otpSmsBasePath, sendCodeAnswerSchema, sendCodeBodySchema, validateCodeBodySchema } from '../routes/camaraOtpSmsRoutes.js';
import type { Operation } from './operationTypes.js';

/** CAMARA's error body, `ErrorInfo` of its specifications. */
export const camaraErrorSchema = z.object({
  status: z.number().int().describe('the HTTP status, repeated'),
  code: z.string().describe("the specification's error code, e.g. INVALID_ARGUMENT, UNAUTHENTICATED"),
  message: z.string().describe('human text; never a stack trace'),
});
/** OAuth 2.0's error body (RFC 6749 §5.2). */
export const oauthErrorSchema = z.object({
  error: z.string().describe('the OAuth error code, e.g. invalid_client, invalid_grant'),
  error_description: z.string().describe('human text'),
});

const discoverySchema = z
  .object({
    issuer: z.string(),
    token_endpoint: z.string(),
    backchannel_authentication_endpoint: z.string(),
    jwks_uri: z.string(),
    grant_types_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
  })
  .loose();
const jwksSchema = z.object({ keys: z.array(z.object({ kty: z.string(), kid: z.string(), alg: z.string() }).loose()) });
const cibaAnswerSchema = z.object({ auth_req_id: z.string(), expires_in: z.number().int(), interval: z.number().int() });
const tokenAnswerSchema = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int(), scope: z.string() });

export const camaraSchemaNames: [z.ZodType, string][] = [
  [camaraErrorSchema, 'CamaraError'],
  [oauthErrorSchema, 'OAuthError'],
  [discoverySchema, 'CamaraAuthorizationServerMetadata'],
];

const xCorrelator = {
  'x-correlator': { schema: z.string().regex(xCorrelatorPattern), description: 'correlation id, echoed on the answer (errors included)' },
};
const correlated = { 'x-correlator': 'the request’s x-correlator, when it sent one' };
const form = { 'application/x-www-form-urlencoded': 'the same fields, form-encoded (what OAuth clients send)' };

const nvDescription =
  'A three-legged access token from `/camara/oauth2/token` (CIBA or JWT bearer with `operatortoken:<carrier token>`): the number the carrier proved. ' +
  'A two-legged token, or one without the scope, answers 403.';

export const camaraOperations: Operation[] = [
  ...(['openid-configuration', 'oauth-authorization-server'] as const).map((name): Operation => ({
    method: 'get',
    path: `/camara/.well-known/${name}`,
    operationId: name === 'openid-configuration' ? 'camaraOpenIdConfiguration' : 'camaraAuthorizationServerMetadata',
    summary: name === 'openid-configuration' ? 'OpenID Connect discovery of the CAMARA authorization server' : 'The same metadata at its RFC 8414 address',
    tag: 'camara',
    security: 'none',
    storeFree: true,
    errorEnvelope: 'oauth',
    success: { status: 200, description: 'issuer, endpoints, grants and scopes; the issuer is this server’s `/camara`', schema: discoverySchema },
  })),
  {
    method: 'get',
    path: '/camara/oauth2/jwks',
    operationId: 'camaraJwks',
    summary: 'The public key the CAMARA access tokens are signed with (ES256)',
    tag: 'camara',
    security: 'none',
    storeFree: true,
    errorEnvelope: 'oauth',
    success: { status: 200, description: 'a JWK set', schema: jwksSchema },
  },
  {
    method: 'post',
    path: '/camara/oauth2/bc-authorize',
    operationId: 'camaraBackchannelAuthorize',
    summary: 'CIBA: authenticate a user by a carrier token (`login_hint=operatortoken:<carrier token>`)',
    description: 'The carrier token is exchanged at once through the carrier adapter (single use); the answer’s `auth_req_id` is ready for the token endpoint.',
    tag: 'camara',
    security: 'camaraClient',
    rateLimited: true,
    errorEnvelope: 'oauth',
    body: { schema: cibaRequestSchema, alternatives: form },
    success: { status: 200, description: 'the authentication request, ready to poll once', schema: cibaAnswerSchema },
    errors: { 400: ['invalid_request', 'invalid_scope', 'unknown_user_id'], 429: ['slow_down'], 503: ['temporarily_unavailable'] },
  },
  {
    method: 'post',
    path: '/camara/oauth2/token',
    operationId: 'camaraToken',
    summary: 'An access token: client credentials (two-legged), CIBA or JWT bearer (three-legged, bound to the proved number)',
    description:
      'JWT bearer: an HS256 assertion signed with the client secret, `iss` the client id, `aud` the issuer, `sub` `operatortoken:<carrier token>`, with `exp`.',
    tag: 'camara',
    security: 'camaraClient',
    rateLimited: true,
    errorEnvelope: 'oauth',
    body: { schema: tokenRequestSchema, alternatives: form },
    success: { status: 200, description: 'an ES256 JWT access token', schema: tokenAnswerSchema },
    errors: {
      400: ['invalid_request', 'unsupported_grant_type', 'invalid_grant', 'invalid_scope', 'unknown_user_id'],
      429: ['slow_down'],
      503: ['temporarily_unavailable'],
    },
  },
  {
    method: 'post',
    path: `${numberVerificationBasePath}/verify`,
    operationId: 'phoneNumberVerify',
    summary: 'Number Verification 2.1.0: does this number (plain or SHA-256 hashed E.164) match the device’s?',
    description: `${nvDescription} Scope \`number-verification:verify\`.`,
    tag: 'camara',
    security: 'camaraAccessToken',
    errorEnvelope: 'camara',
    headers: xCorrelator,
    body: { schema: numberVerificationRequestSchema },
    success: { status: 200, description: 'whether it matches', schema: numberVerificationMatchSchema, headers: correlated },
    errors: { 400: ['INVALID_ARGUMENT'], 403: ['PERMISSION_DENIED', 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK'], 404: ['NOT_FOUND'] },
  },
  {
    method: 'get',
    path: `${numberVerificationBasePath}/device-phone-number`,
    operationId: 'phoneNumberShare',
    summary: 'Number Verification 2.1.0: the device’s number',
    description: `${nvDescription} Scope \`number-verification:device-phone-number:read\`.`,
    tag: 'camara',
    security: 'camaraAccessToken',
    errorEnvelope: 'camara',
    headers: xCorrelator,
    success: { status: 200, description: 'the number in E.164', schema: numberVerificationShareSchema, headers: correlated },
    errors: { 400: ['INVALID_ARGUMENT'], 403: ['PERMISSION_DENIED', 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK'], 404: ['NOT_FOUND'] },
  },
  {
    method: 'post',
    path: `${otpSmsBasePath}/send-code`,
    operationId: 'sendCode',
    summary: 'One Time Password SMS 1.1.1: text a code in the given message (`{{code}}` marks its place)',
    description:
      'Scope `one-time-password-sms:send-validate` (a two-legged token will do). Six digits, valid 300 s; a new send for the number replaces the older code; at most one per 30 s per number.',
    tag: 'camara',
    security: 'camaraAccessToken',
    errorEnvelope: 'camara',
    rateLimited: true,
    headers: xCorrelator,
    body: { schema: sendCodeBodySchema },
    success: { status: 200, description: 'the attempt’s id', schema: sendCodeAnswerSchema, headers: correlated },
    errors: {
      400: ['INVALID_ARGUMENT'],
      403: [
        'PERMISSION_DENIED',
        'ONE_TIME_PASSWORD_SMS.MAX_OTP_CODES_EXCEEDED',
        'ONE_TIME_PASSWORD_SMS.PHONE_NUMBER_NOT_ALLOWED',
        'ONE_TIME_PASSWORD_SMS.PHONE_NUMBER_BLOCKED',
      ],
      404: ['NOT_FOUND'],
      429: ['TOO_MANY_REQUESTS'],
      503: ['UNAVAILABLE'],
    },
  },
  {
    method: 'post',
    path: `${otpSmsBasePath}/validate-code`,
    operationId: 'validateCode',
    summary: 'One Time Password SMS 1.1.1: check the code of an attempt (at most 3 wrong tries)',
    tag: 'camara',
    security: 'camaraAccessToken',
    errorEnvelope: 'camara',
    rateLimited: true,
    headers: xCorrelator,
    body: { schema: validateCodeBodySchema },
    success: { status: 204, description: 'the code is right; the attempt is used up', headers: correlated },
    errors: {
      400: ['INVALID_ARGUMENT', 'ONE_TIME_PASSWORD_SMS.VERIFICATION_FAILED', 'ONE_TIME_PASSWORD_SMS.VERIFICATION_EXPIRED', 'ONE_TIME_PASSWORD_SMS.INVALID_OTP'],
      403: ['PERMISSION_DENIED'],
      404: ['NOT_FOUND'],
      429: ['TOO_MANY_REQUESTS'],
    },
  },
];

export const camaraTags = [
  {
    name: 'camara',
    description:
      'numberflow as a CAMARA provider: an OAuth/OpenID authorization server for API consumers (numberflow access keys), Number Verification v2 and One Time Password SMS v1 at the specifications’ paths. Errors come in CAMARA’s `{status, code, message}` (the APIs) or OAuth’s `{error, error_description}` (the authorization server).',
  },
];
