/**
 * The carrier gateway over Alibaba Cloud Dypnsapi: GetMobile / VerifyMobile for tokens from the app SDK,
 * GetPhoneWithToken / VerifyPhoneWithToken for tokens from the H5 SDK (`h5: true`). Every failure is a
 * `CarrierError` (see dypnsError.ts); the caller's AbortSignal is honoured by racing the call.
 */
import * as $D from '@alicloud/dypnsapi20170525';
import type { CarrierCallOptions, CarrierGateway } from '../carrier/carrierGateway.js';
import { CarrierError } from '../carrier/carrierGateway.js';
import { raceAbort } from './abortRace.js';
import type { DypnsClient } from './dypnsClient.js';
import { carrierErrorFromBody, toCarrierError } from './dypnsError.js';

type VerifyResult = 'PASS' | 'REJECT' | 'UNKNOWN';

function verifyResultOf(value: string | undefined): VerifyResult {
  return value === 'PASS' || value === 'REJECT' ? value : 'UNKNOWN';
}

export class AlicloudCarrierGateway implements CarrierGateway {
  constructor(private readonly client: DypnsClient) {}

  async getMobile(accessToken: string, options: CarrierCallOptions): Promise<{ phoneNumber: string; providerRef?: string }> {
    if (options.h5) {
      const body = await this.call('GetPhoneWithToken', options.signal, async () => {
        const r = await this.client.getPhoneWithToken(new $D.GetPhoneWithTokenRequest({ spToken: accessToken }));
        return r.body;
      });
      return this.number('GetPhoneWithToken', body?.data?.mobile, body?.requestId);
    }
    const body = await this.call('GetMobile', options.signal, async () => {
      const r = await this.client.getMobile(new $D.GetMobileRequest({ accessToken, ...(options.outId !== undefined ? { outId: options.outId } : {}) }));
      return r.body;
    });
    return this.number('GetMobile', body?.getMobileResultDTO?.mobile, body?.requestId);
  }

  async verifyMobile(accessToken: string, phoneNumber: string, options: CarrierCallOptions): Promise<{ verifyResult: VerifyResult; providerRef?: string }> {
    if (options.h5) {
      const body = await this.call('VerifyPhoneWithToken', options.signal, async () => {
        const r = await this.client.verifyPhoneWithToken(new $D.VerifyPhoneWithTokenRequest({ spToken: accessToken, phoneNumber }));
        return r.body;
      });
      return this.verdict(body?.gateVerify?.verifyResult, body?.gateVerify?.verifyId ?? body?.requestId);
    }
    const body = await this.call('VerifyMobile', options.signal, async () => {
      const r = await this.client.verifyMobile(
        new $D.VerifyMobileRequest({ accessCode: accessToken, phoneNumber, ...(options.outId !== undefined ? { outId: options.outId } : {}) }),
      );
      return r.body;
    });
    return this.verdict(body?.gateVerifyResultDTO?.verifyResult, body?.gateVerifyResultDTO?.verifyId ?? body?.requestId);
  }

  /** Runs one SDK call under the signal; a body whose Code is not "OK" or any throw becomes a CarrierError. */
  private async call<B extends { code?: string; message?: string }>(action: string, signal: AbortSignal, fn: () => Promise<B | undefined>): Promise<B> {
    let body: B | undefined;
    try {
      body = await raceAbort(action, signal, fn);
    } catch (err) {
      throw toCarrierError(action, err);
    }
    if (body?.code !== 'OK') throw carrierErrorFromBody(action, body);
    return body;
  }

  private number(action: string, mobile: string | undefined, requestId: string | undefined): { phoneNumber: string; providerRef?: string } {
    if (!mobile) throw new CarrierError('error', `Dypnsapi ${action} answered OK without a number`, 'MissingMobile');
    return { phoneNumber: mobile, ...(requestId ? { providerRef: requestId } : {}) };
  }

  private verdict(result: string | undefined, ref: string | undefined): { verifyResult: VerifyResult; providerRef?: string } {
    return { verifyResult: verifyResultOf(result), ...(ref ? { providerRef: ref } : {}) };
  }
}
