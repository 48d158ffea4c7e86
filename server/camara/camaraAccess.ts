import type { Request } from 'express';
import { bearerToken, camaraErrors } from './camaraError.js';
import type { CamaraTokens, VerifiedAccess } from './camaraTokens.js';

/** The grant behind the request's bearer token (401 UNAUTHENTICATED without a live one). */
export async function camaraAccess(req: Request, tokens: CamaraTokens): Promise<VerifiedAccess> {
  const access = await tokens.verify(bearerToken(req.get('authorization')));
  if (!access) throw camaraErrors.unauthenticated();
  return access;
}

/** 403 PERMISSION_DENIED unless the token was granted the scope. */
export function requireScope(access: VerifiedAccess, scope: string): void {
  if (!access.scopes.includes(scope)) throw camaraErrors.permissionDenied();
}
