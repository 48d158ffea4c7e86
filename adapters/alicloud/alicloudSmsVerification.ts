/**
 * SMS verification codes through Alibaba Cloud Dypnsapi: SendSmsVerifyCode generates, stores and sends the code;
 * CheckSmsVerifyCode checks it. The vendor keys codes by (SchemeName, CountryCode, PhoneNumber), so every scope gets
 * its own SchemeName, derived deterministically (same scope → same name, for send and check alike).
 *
 * What the vendor does not offer: a count of wrong tries (a wrong code reports `triesLeft: unknownTriesLeft`),
 * LOCKED (never answered), telling a wrong code from an expired one (both WRONG), idempotency by OutId (OutId is passed
 * through for audit; a repeated send refused by the send interval is taken as sent, see `sendCode`), and `deliver: false` (refused as a permanent delivery failure). Mainland numbers only.
 */
import * as $D from '@alicloud/dypnsapi20170525';
import { createHash } from 'node:crypto';
import type { CheckCodeRequest, CheckCodeResult, SendCodeRequest, SendCodeResult, SmsCodeType, SmsVerification } from '../sms/smsVerification.js';
import type { DypnsClient } from './dypnsClient.js';
import { carrierErrorFromBody, dypnsErrorCode, dypnsErrorStatus, isDypnsThrottling, isDypnsTimeout, toCarrierError } from './dypnsError.js';

/** The vendor's free signature and template for SMS authentication. */
export const DYPNS_DEFAULT_SIGN_NAME = '速通互联验证码';
export const DYPNS_DEFAULT_TEMPLATE_CODE = '100001';

const CODE_TYPES: Record<SmsCodeType, number> = { digits: 1, upper: 2, lower: 3, mixedCase: 4, digitsUpper: 5, digitsLower: 6, any: 7 };

/** Body codes that mean "no more sends for now" (daily / business flow control). */
const LIMIT_CODES = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isv.DAY_LIMIT_CONTROL', 'isv.MONTH_LIMIT_CONTROL']);

export interface AlicloudSmsVerificationOptions {
  signName?: string;
  templateCode?: string;
  /** What a wrong code reports as `triesLeft` (the vendor does not count tries); default 1. */
  unknownTriesLeft?: number;
  now?: () => number;
}

/** The vendor SchemeName of a scope: `v` + 19 hex digits of its SHA-256 (20 chars, the vendor's limit). */
export function schemeNameOfScope(scope: string): string {
  return `v${createHash('sha256').update(scope, 'utf8').digest('hex').slice(0, 19)}`;
}

/** A mainland national number (11 digits), from national or +86 form; undefined for any other country. */
function mainlandNumber(phoneNumber: string): string | undefined {
  const m = /^(?:\+?86)?(1\d{10})$/.exec(phoneNumber.replace(/[\s-]/g, ''));
  return m?.[1];
}

export class AlicloudSmsVerification implements SmsVerification {
  private readonly signName: string;
  private readonly templateCode: string;
  private readonly unknownTriesLeft: number;
  private readonly now: () => number;

  constructor(
    private readonly client: DypnsClient,
    options: AlicloudSmsVerificationOptions = {},
  ) {
    this.signName = options.signName || DYPNS_DEFAULT_SIGN_NAME;
    this.templateCode = options.templateCode || DYPNS_DEFAULT_TEMPLATE_CODE;
    this.unknownTriesLeft = options.unknownTriesLeft ?? 1;
    this.now = options.now ?? Date.now;
  }

  async sendCode(request: SendCodeRequest): Promise<SendCodeResult> {
    const phoneNumber = mainlandNumber(request.phoneNumber);
    if (phoneNumber === undefined) return { sent: false, reason: 'DELIVERY_FAILED', permanent: true, detail: 'Dypnsapi sends to mainland China numbers only' };
    if (request.deliver === false) return { sent: false, reason: 'DELIVERY_FAILED', permanent: true, detail: 'Dypnsapi cannot keep a code without sending it' };
    const minutes = String(Math.max(1, Math.ceil(request.validitySeconds / 60)));
    const chosen = request.vendorTemplate;
    const started = this.now();
    let body: $D.SendSmsVerifyCodeResponseBody | undefined;
    try {
      const r = await this.client.sendSmsVerifyCode(
        new $D.SendSmsVerifyCodeRequest({
          phoneNumber,
          countryCode: '86',
          schemeName: schemeNameOfScope(request.scope),
          signName: chosen?.signName ?? this.signName,
          templateCode: chosen?.templateCode ?? this.templateCode,
          templateParam: JSON.stringify(chosen?.templateParam ?? { code: '##code##', min: minutes }),
          codeLength: request.codeLength,
          codeType: CODE_TYPES[request.codeType],
          validTime: request.validitySeconds,
          interval: request.resendIntervalSeconds,
          duplicatePolicy: request.duplicatePolicy === 'keep' ? 2 : 1,
          ...(request.returnCode ? { returnVerifyCode: true } : {}),
          ...(request.outId !== undefined ? { outId: request.outId } : {}),
        }),
      );
      body = r.body;
    } catch (err) {
      // Timeouts, throttling, 5xx and malformed answers may or may not have sent a message: not permanent.
      const transient = isDypnsTimeout(err) || isDypnsThrottling(err) || err instanceof SyntaxError || (dypnsErrorStatus(err) ?? 500) >= 500;
      return { sent: false, reason: 'DELIVERY_FAILED', permanent: !transient, detail: toCarrierError('SendSmsVerifyCode', err).message };
    }
    const code = body?.code;
    if (code === 'biz.FREQUENCY') {
      // The vendor has no idempotency by OutId, but its send interval tells the story: a repeated send (same OutId:
      // a job run again after a reply was lost) refused as too frequent under this scope's own SchemeName means an
      // earlier attempt did send the code, and that code is still the valid one. Report it sent, or the user would
      // hold a good code that the session no longer takes.
      if (request.outId !== undefined) {
        return {
          sent: true,
          bizId: `unconfirmed:${request.outId}`,
          expiresAt: started + request.validitySeconds * 1000,
          resendAvailableAt: started + request.resendIntervalSeconds * 1000,
        };
      }
      return { sent: false, reason: 'TOO_SOON', resendAvailableAt: started + request.resendIntervalSeconds * 1000 };
    }
    if (code !== undefined && LIMIT_CODES.has(code)) return { sent: false, reason: 'DAILY_LIMIT' };
    if (code !== 'OK' || !body?.model?.bizId) {
      return { sent: false, reason: 'DELIVERY_FAILED', permanent: true, detail: carrierErrorFromBody('SendSmsVerifyCode', body).message };
    }
    const verifyCode = request.returnCode ? body.model.verifyCode : undefined;
    return {
      sent: true,
      bizId: body.model.bizId,
      expiresAt: started + request.validitySeconds * 1000,
      resendAvailableAt: started + request.resendIntervalSeconds * 1000,
      ...(verifyCode ? { code: verifyCode } : {}),
    };
  }

  /** Throws `CarrierError` when the vendor cannot answer (timeout, throttling, 5xx, malformed, other 4xx). */
  async checkCode(request: CheckCodeRequest): Promise<CheckCodeResult> {
    const phoneNumber = mainlandNumber(request.phoneNumber);
    if (phoneNumber === undefined || request.code === '') return { result: 'EXPIRED' };
    let body: $D.CheckSmsVerifyCodeResponseBody | undefined;
    try {
      const r = await this.client.checkSmsVerifyCode(
        new $D.CheckSmsVerifyCodeRequest({
          phoneNumber,
          countryCode: '86',
          schemeName: schemeNameOfScope(request.scope),
          verifyCode: request.code,
          caseAuthPolicy: request.caseSensitive ? 2 : 1,
        }),
      );
      body = r.body;
    } catch (err) {
      if (dypnsErrorCode(err) === 'isv.ValidateFail') return { result: 'WRONG', triesLeft: this.unknownTriesLeft };
      throw toCarrierError('CheckSmsVerifyCode', err);
    }
    if (body?.code === 'isv.ValidateFail') return { result: 'WRONG', triesLeft: this.unknownTriesLeft };
    if (body?.code !== 'OK') throw carrierErrorFromBody('CheckSmsVerifyCode', body);
    return body.model?.verifyResult === 'PASS' ? { result: 'PASS' } : { result: 'WRONG', triesLeft: this.unknownTriesLeft };
  }
}
