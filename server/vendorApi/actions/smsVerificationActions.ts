import { randomUUID } from 'node:crypto';
import type { SmsCodeType } from '../../../adapters/sms/smsVerification.js';
import { codePlaceholder } from '../../../adapters/sms/smsCodeText.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { chooseSmsMessage, UnknownSmsChoice } from '../../smsTemplates/chooseSmsMessage.js';
import { validityMinutes, type SmsMessage } from '../../smsTemplates/smsMessage.js';
import { checkPlainCode, sendPlainCode } from '../../verification/plainVerification.js';
import { business, illegalNumber, ok, type VendorAction } from '../vendorAction.js';
import { invalidParameter, VendorError } from '../vendorError.js';
import type { VendorParams } from '../vendorParams.js';

/** The vendor's default SchemeName of SendSmsVerifyCode / CheckSmsVerifyCode. */
const defaultSmsSchemeName = '默认方案';

const codeTypes: Record<number, SmsCodeType> = {
  1: 'digits',
  2: 'upper',
  3: 'lower',
  4: 'mixedCase',
  5: 'digitsUpper',
  6: 'digitsLower',
  7: 'any',
};

/** SMS verification (SendSmsVerifyCode, CheckSmsVerifyCode) over numberflow's SMS codes and abuse limits. */
export const smsVerificationActions: Record<string, VendorAction> = {
  SendSmsVerifyCode: {
    async run({ services, params, key }) {
      const phoneNumber = smsNumber(params);
      const signName = params.text('SignName', { required: true, max: 64 });
      const templateCode = params.text('TemplateCode', { required: true, max: 64 });
      const templateParam = templateParamOf(params.text('TemplateParam', { required: true, max: 1024 }));
      const schemeName = params.text('SchemeName', { max: 20 }) ?? defaultSmsSchemeName;
      // numberflow's security rules cap a code's life at 10 minutes.
      const validitySeconds = params.int('ValidTime', { min: 30, max: 600, fallback: 300 });
      const input = {
        schemeName,
        codeLength: params.int('CodeLength', { min: 4, max: 8, fallback: 4 }),
        codeType: codeTypes[params.int('CodeType', { min: 1, max: 7, fallback: 1 })]!,
        validitySeconds,
        resendIntervalSeconds: params.int('Interval', { min: 0, max: 3600, fallback: 60 }),
        duplicatePolicy: params.int('DuplicatePolicy', { min: 1, max: 2, fallback: 1 }) === 1 ? ('replace' as const) : ('keep' as const),
        maxWrongTries: 5,
        returnCode: params.bool('ReturnVerifyCode', false),
      };
      const outId = params.text('OutId', { max: 64 });
      if (!phoneNumber) return illegalNumber({ Success: false });
      // The template fills in as the vendor's does: `${min}` unless TemplateParam gives it is the code's validity.
      let message: SmsMessage;
      try {
        message = await chooseSmsMessage(services.smsTemplates, { signName, templateCode }, { min: validityMinutes(validitySeconds), ...templateParam });
      } catch (error) {
        // The vendor's answer to a signature or template it does not know (or that a secrets store mangled).
        if (error instanceof UnknownSmsChoice) return business('isv.INVALID_PARAMETERS', '签名或者模版无效', { Success: false });
        throw error;
      }
      // numberflow only sends codes it can check: the code must go where the template names it.
      if (!message.template.includes(codePlaceholder)) throw invalidParameter('TemplateParam', 'the template variable code must hold ##code##');
      const result = await sendPlainCode(services, { ...input, ...message, phoneNumber }, `plain:${key.id}`);
      if (!result.sent) {
        switch (result.reason) {
          case 'TOO_SOON':
            return business('biz.FREQUENCY', 'check frequency failed', { Success: false });
          case 'LIMITED':
          case 'DAILY_LIMIT':
            return business('isv.BUSINESS_LIMIT_CONTROL', '触发号码流控', { Success: false });
          case 'UNDELIVERABLE':
            return illegalNumber({ Success: false });
          case 'DELIVERY_FAILED':
            throw new VendorError(503, 'ServiceUnavailable', 'The SMS could not be delivered now; try again later.');
        }
      }
      return ok({
        Message: '成功',
        Success: true,
        Model: {
          BizId: result.bizId,
          RequestId: randomUUID().toUpperCase(),
          ...(outId ? { OutId: outId } : {}),
          ...(result.code ? { VerifyCode: result.code } : {}),
        },
      });
    },
  },

  CheckSmsVerifyCode: {
    async run({ services, params }) {
      const phoneNumber = smsNumber(params);
      const code = params.text('VerifyCode', { required: true, max: 8 });
      const schemeName = params.text('SchemeName', { max: 20 }) ?? defaultSmsSchemeName;
      const caseSensitive = params.int('CaseAuthPolicy', { min: 1, max: 2, fallback: 1 }) === 2;
      const outId = params.text('OutId', { max: 64 });
      if (!phoneNumber) return illegalNumber({ Success: false });
      const result = /^[0-9A-Za-z]{4,8}$/.test(code) ? await checkPlainCode(services, { phoneNumber, code, schemeName, caseSensitive }) : null;
      // A wrong, expired, superseded or locked code: the vendor's 400 isv.ValidateFail, one answer for all.
      if (result?.result !== 'PASS') throw new VendorError(400, 'isv.ValidateFail', '验证失败');
      return ok({ Message: '成功', Success: true, Model: { VerifyResult: 'PASS', ...(outId ? { OutId: outId } : {}) } });
    },
  },
};

/** The number of an SMS action: mainland numbers by default, `CountryCode` for others. */
function smsNumber(params: VendorParams): string | null {
  const raw = params.text('PhoneNumber', { required: true, max: 32 });
  const countryCode = params.text('CountryCode', { max: 4 }) ?? '86';
  if (!/^\d{1,4}$/.test(countryCode)) throw invalidParameter('CountryCode', 'digits');
  return normalizePhoneNumber(countryCode === '86' || raw.startsWith('+') ? raw : `+${countryCode}${raw}`);
}

/** TemplateParam: a JSON object; its values become text, as the vendor fills them into the template. */
function templateParamOf(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('TemplateParam', 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidParameter('TemplateParam', 'a JSON object');
  return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
}
