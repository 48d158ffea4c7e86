import type { z } from 'zod';

/** How a caller proves who it is; `none` for public endpoints; `metrics` only when `METRICS_TOKEN` is set. */
export type Security = 'appBackend' | 'client' | 'admin' | 'vendorSignature' | 'metrics' | 'camaraClient' | 'camaraAccessToken' | 'none';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The error statuses the contract documents (DESIGN.md "Public HTTP contract"), plus the carrier's gateway errors. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 502 | 503 | 504;

export interface Parameter {
  /** The zod schema the route parses the value with (the same object, imported from the route). */
  schema: z.ZodType;
  description?: string;
  /** Path parameters are always required; query and header parameters default to optional. */
  required?: boolean;
}

export interface SuccessResponse {
  status: 200 | 201 | 202 | 204;
  description: string;
  /** A JSON body; none for 204 and for non-JSON bodies. */
  schema?: z.ZodType;
  /** A body that is not JSON (the metrics text, the reference page). */
  contentType?: string;
  /** Response headers worth knowing: name → description. */
  headers?: Record<string, string>;
  /** Other media types the same answer can come in, as text: media type → description. */
  alternatives?: Record<string, string>;
}

/** One route of the server, as the OpenAPI document shows it. */
export interface Operation {
  method: Method;
  /** OpenAPI form: `/v1/sessions/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  security: Security;
  pathParams?: Record<string, Parameter>;
  query?: Record<string, Parameter>;
  headers?: Record<string, Parameter>;
  /** The JSON body and the zod schema the route validates it with; `alternatives`: other media types it takes as text (media type → description). */
  body?: { schema: z.ZodType; description?: string; required?: boolean; alternatives?: Record<string, string> };
  success: SuccessResponse;
  /**
   * The errors the route itself answers, by status, with their `error.code`s. The generator adds
   * the ones every route of a kind shares: 401 from `security`; 400 MALFORMED_JSON and
   * MALFORMED_BODY, 413 BODY_TOO_LARGE, 415 UNSUPPORTED_ENCODING and UNSUPPORTED_CHARSET for a
   * body; 429 RATE_LIMITED for `rateLimited`; 503 STORE_UNAVAILABLE unless `storeFree`.
   */
  errors?: Partial<Record<ErrorStatus, readonly string[]>>;
  /** The route spends a rate limit (per IP, scheme or number). */
  rateLimited?: boolean;
  /** The route touches no store, so it never answers 503 STORE_UNAVAILABLE. */
  storeFree?: boolean;
  /**
   * The vendor-compatible endpoint: errors come as `{RequestId, Code, Message}` with the vendor's
   * codes, exactly the ones listed in `errors` (none of the shared ones are added).
   */
  vendorEnvelope?: boolean;
  /**
   * The CAMARA routes: errors come in CAMARA's `{status, code, message}` (`camara`) or OAuth's
   * `{error, error_description}` (`oauth`), exactly the ones in `errors` plus the 401 of `security`.
   */
  errorEnvelope?: 'camara' | 'oauth';
}
