import type { Request } from 'express';

/** A request to the vendor-compatible endpoint, as its signature is computed over it. */
export interface VendorRequest {
  method: string;
  /** The query string's parameters: what an ACS3 signature covers. */
  query: Record<string, string>;
  /** The query and a form body together: the action's parameters (and a v1 signature's). */
  params: Record<string, string>;
  /** Lowercased names; repeated headers joined with `,`. */
  headers: Record<string, string>;
  body: Buffer;
  action: string | undefined;
}

export function readVendorRequest(req: Request, body: Buffer): VendorRequest {
  const url = new URL(req.originalUrl, 'http://numberflow.invalid');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const params: Record<string, string> = { ...query };
  if (req.is('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = v;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return { method: req.method.toUpperCase(), query, params, headers, body, action: headers['x-acs-action'] ?? params.Action };
}
