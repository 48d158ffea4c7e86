import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CarrierError, type Carrier, type CarrierCallOptions, type CarrierGateway } from './carrierGateway.js';
import { carrierOfNumber } from './carrierOfNumber.js';
import { carrierTokenLifetimeSeconds } from './carrierTokenLifetimes.js';
import type { SimulatorTokenStore } from './simulatorTokenStore.js';

/** What the simulated gateway will do when the token is exchanged, chosen when it is issued. */
export const simulatedCarrierOutcomes = ['ok', 'timeout', 'error', 'invalid', 'mismatch'] as const;
export type SimulatedCarrierOutcome = (typeof simulatedCarrierOutcomes)[number];

/** Every simulated token starts with this, so one is recognizable in logs and fixtures. */
export const simulatorCarrierTokenPrefix = 'simcarrier_';

export interface IssueCarrierTokenRequest {
  /** An 11-digit mainland-China mobile number, already normalized, e.g. `13812345678`. */
  phoneNumber: string;
  /** Defaults to the carrier of the number's prefix, or China Mobile for an unknown prefix. */
  carrier?: Carrier;
  /** Defaults to `ok`. */
  outcome?: SimulatedCarrierOutcome;
}

/** What a carrier SDK on the device hands back. */
export interface IssuedCarrierToken {
  accessToken: string;
  carrier: Carrier;
  expiresIn: number;
}

export interface SimulatorCarrierOptions {
  store: SimulatorTokenStore;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  keyPrefix?: string;
}

const issuedTokenSchema = z.object({
  phoneNumber: z.string(),
  carrier: z.enum(['mobile', 'unicom', 'telecom']),
  outcome: z.enum(simulatedCarrierOutcomes),
  expiresAt: z.number(),
});
type IssuedTokenRecord = z.infer<typeof issuedTokenSchema>;

/**
 * A stand-in for the carriers' number-authentication gateways: it issues tokens as a
 * carrier SDK would, and exchanges them with the carriers' rules (single use, per-carrier
 * lifetime) and whatever failure the token was issued to produce.
 */
export class SimulatorCarrier implements CarrierGateway {
  private readonly store: SimulatorTokenStore;
  private readonly now: () => number;
  private readonly keyPrefix: string;

  constructor(options: SimulatorCarrierOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.keyPrefix = options.keyPrefix ?? 'simulator:carrier-token:';
  }

  async issueToken(request: IssueCarrierTokenRequest): Promise<IssuedCarrierToken> {
    if (!/^1\d{10}$/.test(request.phoneNumber)) {
      throw new RangeError('The simulator issues carrier tokens for 11-digit mainland-China mobile numbers only');
    }
    const carrier = request.carrier ?? carrierOfNumber(request.phoneNumber) ?? 'mobile';
    const expiresIn = carrierTokenLifetimeSeconds[carrier];
    const accessToken = simulatorCarrierTokenPrefix + randomBytes(24).toString('base64url');
    const record: IssuedTokenRecord = {
      phoneNumber: request.phoneNumber,
      carrier,
      outcome: request.outcome ?? 'ok',
      expiresAt: this.now() + expiresIn * 1000,
    };
    await this.store.set(this.keyOf(accessToken), JSON.stringify(record), { ttlMs: expiresIn * 1000 });
    return { accessToken, carrier, expiresIn };
  }

  async getMobile(accessToken: string, options: CarrierCallOptions): Promise<{ phoneNumber: string; carrier?: Carrier }> {
    const token = await this.redeem(accessToken, options.signal);
    if (token.outcome === 'mismatch') {
      throw new CarrierError('mismatch', 'The token does not match the carrier of the SIM (simulated)', 'isv.CARRIER_NOT_MATCH');
    }
    return { phoneNumber: token.phoneNumber, carrier: token.carrier };
  }

  async verifyMobile(accessToken: string, phoneNumber: string, options: CarrierCallOptions): Promise<{ verifyResult: 'PASS' | 'REJECT' | 'UNKNOWN' }> {
    const token = await this.redeem(accessToken, options.signal);
    const sameNumber = token.outcome !== 'mismatch' && token.phoneNumber === phoneNumber;
    return { verifyResult: sameNumber ? 'PASS' : 'REJECT' };
  }

  /** Uses the token up and plays the failure it was issued with; resolves only for `ok` and `mismatch`. */
  private async redeem(accessToken: string, signal: AbortSignal): Promise<IssuedTokenRecord> {
    if (signal.aborted) throw abortedCall();
    const token = parseIssuedToken(await this.store.getDel(this.keyOf(accessToken)));
    if (token === undefined || this.now() >= token.expiresAt) {
      throw new CarrierError('invalid', 'The carrier token is unknown, used or expired', 'isv.TOKEN_INVALID');
    }
    switch (token.outcome) {
      case 'timeout':
        return waitForAbort(signal);
      case 'error':
        throw new CarrierError('error', 'The carrier gateway failed (simulated)', 'isv.SYSTEM_ERROR');
      case 'invalid':
        throw new CarrierError('invalid', 'The carrier rejected the token (simulated)', 'isv.TOKEN_INVALID');
      case 'ok':
      case 'mismatch':
        return token;
    }
  }

  /** Keyed by a hash, so a dump of the store does not hand out live tokens. */
  private keyOf(accessToken: string): string {
    return this.keyPrefix + createHash('sha256').update(accessToken).digest('base64url');
  }
}

function parseIssuedToken(raw: string | null): IssuedTokenRecord | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = issuedTokenSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function abortedCall(): CarrierError {
  return new CarrierError('timeout', 'The carrier call was abandoned by the caller');
}

/** A gateway that never answers: the call ends only when the caller gives up. */
function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) {
      reject(abortedCall());
      return;
    }
    signal.addEventListener('abort', () => reject(abortedCall()), { once: true });
  });
}
