import { ApiError } from './apiError.js';

/** Session ids are 128 random bits in base64url; anything else cannot be one. */
export const sessionIdPattern = /^[A-Za-z0-9_-]{8,64}$/;

export function parseSessionId(raw: unknown): string {
  if (typeof raw !== 'string' || !sessionIdPattern.test(raw)) throw sessionNotFound();
  return raw;
}

export const sessionNotFound = () => new ApiError(404, 'SESSION_NOT_FOUND', 'session not found');
