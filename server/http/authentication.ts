import type { Request, RequestHandler, Response } from 'express';
import type { AccessKey, AccessKeyRepository } from '../accessKeys/accessKeyRepository.js';
import { constantTimeEqual } from '../accessKeys/accessKeyRepository.js';
import { bootstrapOperator, type Operator, type OperatorRepository } from '../operators/operatorRepository.js';
import { requiredRole, roleAllows } from '../operators/operatorRoles.js';
import type { AuthTokenClaims, AuthTokens } from '../tokens/authTokens.js';
import { ApiError } from './apiError.js';

function credentialsOf(req: Request, scheme: 'Basic' | 'Bearer'): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [kind, value] = header.split(' ', 2);
  return kind?.toLowerCase() === scheme.toLowerCase() && value ? value.trim() : null;
}

/** App backends: HTTP Basic with an access key `id:secret`. */
export async function authenticateAccessKey(req: Request, accessKeys: AccessKeyRepository): Promise<AccessKey> {
  const encoded = credentialsOf(req, 'Basic');
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const key = separator > 0 ? await accessKeys.authenticate(decoded.slice(0, separator), decoded.slice(separator + 1)) : null;
  if (!key) throw new ApiError(401, 'ACCESS_KEY_INVALID', 'HTTP Basic credentials of an enabled access key are required');
  return key;
}

/** Clients: Bearer auth token from the app backend. */
export async function authenticateClient(req: Request, authTokens: AuthTokens, now: number): Promise<AuthTokenClaims> {
  const token = credentialsOf(req, 'Bearer');
  const claims = token ? await authTokens.verify(token, now) : null;
  if (!claims) throw new ApiError(401, 'AUTH_TOKEN_INVALID', 'a valid, unexpired auth token is required (Authorization: Bearer <authToken>)');
  return claims;
}

/** Operators: Bearer `ADMIN_TOKEN` (the bootstrap admin) or an operator's own token. */
export async function authenticateOperator(req: Request, deps: { operators: OperatorRepository; adminToken: string }): Promise<Operator> {
  const token = credentialsOf(req, 'Bearer');
  if (token && constantTimeEqual(token, deps.adminToken)) return bootstrapOperator;
  const operator = token ? await deps.operators.authenticate(token) : null;
  if (!operator) throw new ApiError(401, 'ADMIN_UNAUTHORIZED', 'an operator token is required (Authorization: Bearer <ADMIN_TOKEN or an operator token>)');
  return operator;
}

/**
 * Every `/v1/admin` route: the caller must be an operator whose role allows the route
 * (`requiredRole`), or it gets 401 / 403 before the route runs. Routes read who it is with `operatorOf`.
 */
export function operatorAccess(deps: { operators: OperatorRepository; adminToken: string }): RequestHandler {
  return async (req, res, next) => {
    const operator = await authenticateOperator(req, deps);
    const needed = requiredRole(req.method, req.baseUrl + req.path);
    if (!roleAllows(operator.role, needed))
      throw new ApiError(403, 'OPERATOR_ROLE_REQUIRED', `operator ${operator.name} is a ${operator.role}; this needs the ${needed} role`);
    res.locals.operator = operator;
    next();
  };
}

/** The operator `operatorAccess` let through. */
export function operatorOf(res: Response): Operator {
  const operator = res.locals.operator as Operator | undefined;
  if (!operator) throw new Error('operator route without operatorAccess in front of it');
  return operator;
}

/** Prometheus: Bearer `METRICS_TOKEN`, only when one is configured. */
export function authenticateMetrics(req: Request, metricsToken: string | undefined): void {
  if (metricsToken === undefined) return;
  const token = credentialsOf(req, 'Bearer');
  if (!token || !constantTimeEqual(token, metricsToken))
    throw new ApiError(401, 'METRICS_UNAUTHORIZED', 'the metrics token is required (Authorization: Bearer <METRICS_TOKEN>)');
}
