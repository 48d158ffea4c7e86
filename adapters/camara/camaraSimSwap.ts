/**
 * SIM Swap as a phone-risk signal, over an operator's CAMARA SIM Swap API (v2): `POST /check`
 * with the number and `maxAge` (hours), under a two-legged token of the consumer's own.
 */
import { z } from 'zod';
import { callCamara, CamaraCallError } from './camaraCall.js';
import type { ClientCredentialsTokens } from './camaraClientCredentials.js';
import { toCamaraPhoneNumber } from './camaraPhoneNumber.js';

export type SimSwapAnswer = { swapped: boolean } | { unavailable: string };

export interface CamaraSimSwapOptions {
  apiRoot: string;
  tokens: ClientCredentialsTokens;
  timeoutMs: number;
}

const checkAnswer = z.object({ swapped: z.boolean() });

export class CamaraSimSwap {
  private readonly checkUrl: string;

  constructor(private readonly options: CamaraSimSwapOptions) {
    this.checkUrl = `${options.apiRoot.replace(/\/+$/, '')}/sim-swap/v2/check`;
  }

  /** Whether the number's SIM changed within the last `maxAgeHours` (1–2400); `unavailable` with the reason when the operator could not say. */
  async swappedWithin(phoneNumber: string, maxAgeHours: number): Promise<SimSwapAnswer> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const answer = await callCamara<unknown>({
        method: 'POST',
        url: this.checkUrl,
        accessToken: await this.options.tokens.token(signal),
        body: { phoneNumber: toCamaraPhoneNumber(phoneNumber), maxAge: maxAgeHours },
        signal,
      });
      const parsed = checkAnswer.safeParse(answer);
      return parsed.success ? { swapped: parsed.data.swapped } : { unavailable: 'unexpected answer' };
    } catch (error) {
      if (!(error instanceof CamaraCallError)) throw error;
      if (error.status === 401) this.options.tokens.forget();
      return { unavailable: error.aborted ? `no answer within ${this.options.timeoutMs} ms` : `${error.status} ${error.code}` };
    }
  }
}
