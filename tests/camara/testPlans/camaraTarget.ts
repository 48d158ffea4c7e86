/**
 * What CAMARA's test plans call "testing assets": where the API is, tokens of each kind the plans
 * name, numbers in the states they name. Each server under test (numberflow's facade, the operator
 * emulator) supplies them its own way.
 */
export type CamaraApi = 'numberVerification' | 'simSwap' | 'otpSms';

export type TokenKind =
  /** A token the API accepts: three-legged for Number Verification and SIM Swap, what the API takes for OTP. */
  | 'valid'
  | 'expired'
  /** A live token without the operation's scope. */
  | 'noScope'
  /** A live token with the scope whose user was not authenticated by the mobile network (or SIM). */
  | 'notByNetwork'
  /** A live two-legged token: it identifies no phone number. */
  | 'twoLegged';

export interface SimHistory {
  /** Epoch ms; `null`: never associated with a SIM. */
  activatedAt?: number | null;
  /** Epoch ms of the latest swap; `null`: never swapped. */
  swappedAt?: number | null;
  simSwapApplicable?: boolean;
}

export interface OtpAssets {
  /** How many wrong codes an attempt takes: the last one answers VERIFICATION_FAILED. */
  maxTry: number;
  /** The send that is refused with MAX_OTP_CODES_EXCEEDED is this one (the earlier ones go out). */
  maxSend: number;
  /** Seconds between two sends to one number. */
  resendIntervalSeconds: number;
  validitySeconds: number;
  maxMessageLength: number;
  message: string;
  numbers: { landline: string; cannotReceiveSms: string; smsBarred: string; notServed: string };
  /** The code in the newest SMS to an E.164 number, as its owner reads it. */
  latestSmsCode(phoneNumber: string): Promise<string>;
}

export interface CamaraTarget {
  name: string;
  /** The `apiRoot` of the specs' server URLs: a feature's resource path is appended to it. */
  apiRoot: string;
  apis: readonly CamaraApi[];
  /** The target's business clock. */
  advanceSeconds(seconds: number): void;
  now(): number;
  /** A fresh subscriber's E.164 number, in the default state (active SIM, activated 1000 h ago, never swapped). */
  newPhoneNumber(): Promise<string>;
  accessToken(api: CamaraApi, kind: TokenKind, phoneNumber: string): Promise<string>;
  /** SIM Swap only: a subscriber's SIM history. */
  setSimHistory?(phoneNumber: string, history: SimHistory): void;
  /** SIM Swap only: the monitored period the operator keeps, in days. */
  monitoredPeriodDays?: number;
  otp?: OtpAssets;
}

/** Where a target keeps its targets for the world to find (cucumber's world parameters are plain data). */
export const camaraTargets = new Map<string, CamaraTarget>();
