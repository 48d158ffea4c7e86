import type { Request } from 'express';
import type { SchemeRepository } from '../schemes/schemeRepository.js';
import { schemeCodeSchema, type Scheme } from '../schemes/schemeSchema.js';
import { ApiError } from './apiError.js';

export const schemeNotFound = (code: string) => new ApiError(404, 'SCHEME_NOT_FOUND', `scheme ${code} does not exist`);
export const schemeDisabled = (code: string) =>
  new ApiError(403, 'SCHEME_DISABLED', `scheme ${code} is disabled: it issues no auth tokens, and its auth tokens open and step no sessions`);

/** The `:code` path parameter as a scheme code; a malformed one answers 404 like a missing scheme. */
export function parseSchemeCode(req: Request): string {
  const parsed = schemeCodeSchema.safeParse(req.params.code);
  if (!parsed.success) throw schemeNotFound(String(req.params.code));
  return parsed.data;
}

/** The scheme the `:code` path parameter names; 404 SCHEME_NOT_FOUND otherwise. */
export async function existingScheme(schemes: Pick<SchemeRepository, 'get'>, req: Request): Promise<Scheme> {
  const code = parseSchemeCode(req);
  const scheme = await schemes.get(code);
  if (!scheme) throw schemeNotFound(code);
  return scheme;
}

/** The code of an existing scheme the `:code` path parameter names, for routes that only need to know it exists. */
export async function existingSchemeCode(schemes: { get(code: string): Promise<unknown> }, req: Request): Promise<string> {
  const code = parseSchemeCode(req);
  if (!(await schemes.get(code))) throw schemeNotFound(code);
  return code;
}
