/**
 * The carrier gateway over an operator's CAMARA Number Verification API (v2): the operator's
 * three-legged access token, obtained on the device by network authentication, plays the part of
 * the carrier token. One-click logon reads the number (`GET /device-phone-number`); the mobile
 * number check asks the operator (`POST /verify`). Every failure is a `CarrierError`.
 */
import { z } from 'zod';
import { CarrierError, type CarrierCallOptions, type CarrierFailureKind, type CarrierGateway } from '../carrier/carrierGateway.js';
import { callCamara, CamaraCallError } from './camaraCall.js';
import { fromCamaraPhoneNumber, toCamaraPhoneNumber } from './camaraPhoneNumber.js';

export interface CamaraCarrierOptions {
  /** The operator's API root, as in the spec's server URL `{apiRoot}/number-verification/v2`. */
  apiRoot: string;
}

const shareAnswer = z.object({ devicePhoneNumber: z.string().regex(/^\+[1-9][0-9]{4,14}$/) });
const verifyAnswer = z.object({ devicePhoneNumberVerified: z.boolean() });

export class CamaraCarrierGateway implements CarrierGateway {
  private readonly baseUrl: string;

  constructor(options: CamaraCarrierOptions) {
    this.baseUrl = `${options.apiRoot.replace(/\/+$/, '')}/number-verification/v2`;
  }

  async getMobile(accessToken: string, options: CarrierCallOptions): Promise<{ phoneNumber: string }> {
    const answer = await this.call(shareAnswer, {
      method: 'GET',
      url: `${this.baseUrl}/device-phone-number`,
      accessToken,
      signal: options.signal,
      ...correlator(options),
    });
    return { phoneNumber: fromCamaraPhoneNumber(answer.devicePhoneNumber) };
  }

  async verifyMobile(accessToken: string, phoneNumber: string, options: CarrierCallOptions): Promise<{ verifyResult: 'PASS' | 'REJECT' }> {
    const answer = await this.call(verifyAnswer, {
      method: 'POST',
      url: `${this.baseUrl}/verify`,
      accessToken,
      body: { phoneNumber: toCamaraPhoneNumber(phoneNumber) },
      signal: options.signal,
      ...correlator(options),
    });
    return { verifyResult: answer.devicePhoneNumberVerified ? 'PASS' : 'REJECT' };
  }

  private async call<T>(schema: z.ZodType<T>, request: Parameters<typeof callCamara>[0]): Promise<T> {
    let body: unknown;
    try {
      body = await callCamara(request);
    } catch (error) {
      if (error instanceof CamaraCallError) throw new CarrierError(failureKind(error), error.message, error.code);
      throw error;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new CarrierError('error', 'the operator answered Number Verification with an unexpected body', 'MALFORMED_ANSWER');
    return parsed.data;
  }
}

const correlator = (options: CarrierCallOptions) => (options.outId ? { correlator: options.outId } : {});

/**
 * 401 (a token unknown, used or expired) and 403 (a token without the scope, or one that no network
 * authentication stands behind) mean the token proves nothing: `invalid`. Everything else is the
 * operator failing (`error`), or no answer in time (`timeout`).
 */
function failureKind(error: CamaraCallError): CarrierFailureKind {
  if (error.aborted) return 'timeout';
  return error.status === 401 || error.status === 403 ? 'invalid' : 'error';
}
