import type { ClientEvent, Device, SceneCode, SessionView } from './apiTypes.js';
import { NumberflowError, retryAfterSeconds } from './numberflowError.js';
import { NumberflowSession } from './numberflowSession.js';

export interface RetryOptions {
  /**
   * How many times a refusal that carries `Retry-After` (429 RATE_LIMITED, 503, an upstream's 502/504,
   * a write conflict) is sent again, each after that delay. RESEND_TOO_EARLY is thrown at once.
   */
  maxRetries: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown at once, carrying it. */
  maxRetryAfterSeconds: number;
}

export interface WaitOptions {
  /** The first look after a `wait`; each next one waits `factor` times longer, up to `maxDelayMs`. */
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** Give up (`WAIT_TIMED_OUT`) when the session still says `wait` after this long. */
  timeoutMs: number;
}

export interface NumberflowClientOptions {
  /** The numberflow server, e.g. `https://auth.example.com`; empty for the page's own origin. */
  baseUrl?: string;
  /** The auth token the app backend got from `POST /v1/fusion-auth/token` (GetFusionAuthToken). */
  authToken: string;
  retry?: Partial<RetryOptions>;
  wait?: Partial<WaitOptions>;
  fetch?: typeof fetch;
  /** How the client waits (Retry-After, polling); a test may pass its own. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultRetry: RetryOptions = { maxRetries: 2, maxRetryAfterSeconds: 30 };
const defaultWait: WaitOptions = { initialDelayMs: 200, factor: 2, maxDelayMs: 3_000, timeoutMs: 120_000 };

/**
 * The app client's side of Fusion-Auth: opens sessions with the auth token its backend minted and
 * steps them (see `NumberflowSession`). Works in browsers and in Node 20+ (global `fetch`).
 */
export class NumberflowClient {
  readonly baseUrl: string;
  readonly retry: RetryOptions;
  readonly wait: WaitOptions;
  readonly sleep: (ms: number) => Promise<void>;
  readonly #authToken: string;
  readonly #fetch: typeof fetch;

  constructor(options: NumberflowClientOptions) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.#authToken = options.authToken;
    this.retry = { ...defaultRetry, ...options.retry };
    this.wait = { ...defaultWait, ...options.wait };
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `POST /v1/sessions`: a new session of the scene for the user of this auth token. */
  async openSession(sceneCode: SceneCode, device: Device = {}): Promise<NumberflowSession> {
    return new NumberflowSession(this, await this.request('POST', '/v1/sessions', { sceneCode, device }));
  }

  /** `GET /v1/sessions/{id}`: a session opened before (after a page reload, say). */
  async session(id: string): Promise<NumberflowSession> {
    return new NumberflowSession(this, await this.getSession(id));
  }

  getSession(id: string): Promise<SessionView> {
    return this.request('GET', `/v1/sessions/${encodeURIComponent(id)}`);
  }

  /** `POST /v1/sessions/{id}/events`. */
  sendEvent(id: string, event: ClientEvent): Promise<SessionView> {
    return this.request('POST', `/v1/sessions/${encodeURIComponent(id)}/events`, event);
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<SessionView> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, path, body);
      if (response.ok) return (await response.json()) as SessionView;
      const error = await errorOf(response);
      const waitSeconds = error.retryAfterSeconds;
      // The server sends Retry-After only when nothing changed and the same request may succeed later;
      // a resend asked too early is the user's to wait for (the app shows when), not the client's.
      const retryable = waitSeconds !== undefined && error.code !== 'RESEND_TOO_EARLY';
      if (!retryable || attempt >= this.retry.maxRetries || waitSeconds > this.retry.maxRetryAfterSeconds) throw error;
      await this.sleep(waitSeconds * 1000);
    }
  }

  private async send(method: string, path: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#authToken}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.#fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (cause) {
      throw new NumberflowError(0, 'NETWORK_ERROR', `numberflow could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
}

async function errorOf(response: Response): Promise<NumberflowError> {
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (typeof error?.code !== 'string') {
    return new NumberflowError(
      response.status,
      'UNEXPECTED_RESPONSE',
      `numberflow answered ${response.status} without an error code`,
      undefined,
      retryAfter,
      requestId,
    );
  }
  return new NumberflowError(
    response.status,
    error.code as NumberflowError['code'],
    typeof error.message === 'string' ? error.message : error.code,
    typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined,
    retryAfter,
    requestId,
  );
}
