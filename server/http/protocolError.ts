/**
 * An error answered in a protocol's own envelope rather than numberflow's: an HTTP status, the
 * protocol's error code and message, and for throttling the seconds to wait (`Retry-After`).
 * The vendor's endpoint (`VendorError`) and the CAMARA routes (`CamaraError`) each render it their way.
 */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
