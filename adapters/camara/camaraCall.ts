import { randomUUID } from 'node:crypto';

/** An answer of a CAMARA API that is not a success: its status and the spec's `code`, when the body had one. */
export class CamaraCallError extends Error {
  constructor(
    /** The HTTP status, or 0 when no answer came (network failure, abort). */
    readonly status: number,
    /** The spec's error code (`UNAUTHENTICATED`, `PERMISSION_DENIED`…) or a code of ours for no answer. */
    readonly code: string,
    message: string,
    readonly aborted = false,
  ) {
    super(message);
    this.name = 'CamaraCallError';
  }
}

export interface CamaraRequest {
  method: 'GET' | 'POST';
  url: string;
  accessToken: string;
  body?: unknown;
  signal: AbortSignal;
  /** Sent as `x-correlator` when it fits the spec's pattern; a fresh UUID otherwise. */
  correlator?: string;
}

const correlatorPattern = /^[a-zA-Z0-9-_:;.\/<>{}]{1,256}$/;

/** One call of a CAMARA API with a bearer token; resolves with the JSON body of a 2xx, throws `CamaraCallError` otherwise. */
export async function callCamara<T>(request: CamaraRequest): Promise<T> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${request.accessToken}`,
        accept: 'application/json',
        'x-correlator': request.correlator && correlatorPattern.test(request.correlator) ? request.correlator : randomUUID(),
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: request.signal,
      redirect: 'error',
    });
  } catch (error) {
    if (request.signal.aborted) throw new CamaraCallError(0, 'ABORTED', 'the CAMARA call was abandoned', true);
    throw new CamaraCallError(0, 'UNREACHABLE', `the CAMARA API could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return body as T;
  const info = (body ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof info.code === 'string' ? info.code : response.ok ? 'MALFORMED_ANSWER' : `HTTP_${response.status}`;
  const message = typeof info.message === 'string' ? info.message : `the CAMARA API answered ${response.status}`;
  throw new CamaraCallError(response.ok ? 502 : response.status, code, message);
}
