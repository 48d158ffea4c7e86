import type { WebhookEvent } from './webhookEvent.js';
import type { WebhookAttempt, WebhookRepository } from './webhookRepository.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, USER_AGENT, signWebhook } from './webhookSignature.js';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface WebhookDeliveryOptions {
  repository: WebhookRepository;
  /** Epoch ms: the signature's timestamp and the attempt's `at`. */
  clock: () => number;
  /** Per attempt, connecting through the response status. Default 5000. */
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** A failed attempt (already recorded): the job runner retries it with backoff. */
export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

const MAX_ERROR_LENGTH = 300;

/**
 * Sends one attempt of a webhook event: the JSON body serialized once, signed over exactly
 * those bytes, POSTed to the scheme's URL. A 2xx is delivered; any other status (redirects
 * are not followed), a network error or the timeout is recorded and thrown, for the job
 * runner to retry. Every attempt, good or bad, lands in the scheme's delivery history.
 */
export class WebhookDelivery {
  private readonly repository: WebhookRepository;
  private readonly clock: () => number;
  private readonly timeoutMs: number;
  private readonly fetch: FetchLike;

  constructor(options: WebhookDeliveryOptions) {
    this.repository = options.repository;
    this.clock = options.clock;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  }

  /**
   * `'not-registered'` when the scheme has no webhook or it is disabled (nothing to retry).
   * `lastAttempt` marks a failure as final in the history.
   */
  async deliver(
    schemeCode: string,
    event: WebhookEvent,
    { attempt, lastAttempt = false }: { attempt: number; lastAttempt?: boolean },
  ): Promise<'delivered' | 'not-registered'> {
    const target = await this.repository.deliveryTarget(schemeCode);
    if (!target) return 'not-registered';
    const body = JSON.stringify(event);
    const startedAt = this.clock();
    const startedMs = performance.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [SIGNATURE_HEADER]: signWebhook(target.secrets, Math.floor(startedAt / 1000), body),
      [EVENT_ID_HEADER]: event.id,
    };

    let httpStatus: number | undefined;
    let error: string | undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      const response = await this.fetch(target.url, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
      httpStatus = response.status;
      // Only the status matters; drop the body so the connection is freed.
      await response.body?.cancel().catch(() => {});
      if (httpStatus < 200 || httpStatus > 299) error = `HTTP ${httpStatus}`;
    } catch (caught) {
      error = abort.signal.aborted ? `timeout after ${this.timeoutMs} ms` : describe(caught);
    } finally {
      clearTimeout(timer);
    }

    const ok = error === undefined;
    const record: WebhookAttempt = {
      eventId: event.id,
      type: event.type,
      attempt,
      ok,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      ...(error !== undefined ? { error } : {}),
      durationMs: Math.round(performance.now() - startedMs),
      at: new Date(startedAt).toISOString(),
      ...(!ok && lastAttempt ? { final: true } : {}),
    };
    await this.repository.recordAttempt(schemeCode, record);
    if (!ok) throw new WebhookDeliveryError(`webhook ${event.id} to scheme ${schemeCode}, attempt ${attempt}: ${error}`, httpStatus);
    return 'delivered';
  }
}

/** A fetch failure names its cause (`ECONNREFUSED`, `Invalid URL`, …) in `cause`. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const detail = cause ? `${message}: ${(cause as NodeJS.ErrnoException).code ?? cause.message}` : message;
  return detail.slice(0, MAX_ERROR_LENGTH);
}
