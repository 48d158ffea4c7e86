/**
 * A rate limit is spent: the request was refused before it changed anything. The HTTP layer
 * answers 429 `RATE_LIMITED` with `Retry-After`; the vendor endpoint answers `Throttling.User`.
 */
export class RateLimitedError extends Error {
  constructor(
    /** The limit that refused, e.g. `codeCheckPerNumber`; for logs and metrics, never shown to the client. */
    readonly limit: string,
    /** Whole seconds until the limit lets a request through again (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super(`too many requests; try again in ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}
