/**
 * The port to the carriers' number-authentication gateways (directly, or through a vendor
 * such as Alibaba Cloud). A carrier token is what the carrier SDK returned on the device;
 * it is single use and lives 2 min (China Mobile), 30 min (Unicom) or 10 min (Telecom).
 */
export type Carrier = 'mobile' | 'unicom' | 'telecom';

export type CarrierFailureKind =
  /** The gateway did not answer in time. */
  | 'timeout'
  /** The gateway answered with an error (5xx, throttling, malformed answer). */
  | 'error'
  /** The token is unknown, used or expired. */
  | 'invalid'
  /** The token does not belong to the number or carrier it was checked against. */
  | 'mismatch';

export class CarrierError extends Error {
  constructor(
    readonly kind: CarrierFailureKind,
    message: string,
    /** The vendor's or carrier's own code, kept for the session log. */
    readonly providerCode?: string,
  ) {
    super(message);
    this.name = 'CarrierError';
  }
}

export interface CarrierCallOptions {
  /** Aborted when the caller's timeout fires; an implementation must give up then. */
  signal: AbortSignal;
  /** Correlation id kept for audit (the vendor's OutId). */
  outId?: string;
  /** True for tokens from the H5 (web) SDK. */
  h5?: boolean;
}

export interface CarrierGateway {
  /** One-click logon: exchanges a carrier token for the number it was issued to. */
  getMobile(accessToken: string, options: CarrierCallOptions): Promise<{ phoneNumber: string; carrier?: Carrier; providerRef?: string }>;
  /** Mobile number check: is this token's number the given one? */
  verifyMobile(
    accessToken: string,
    phoneNumber: string,
    options: CarrierCallOptions,
  ): Promise<{ verifyResult: 'PASS' | 'REJECT' | 'UNKNOWN'; providerRef?: string }>;
}
