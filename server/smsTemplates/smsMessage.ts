import { codePlaceholder } from '../../adapters/sms/smsCodeText.js';
import type { VendorSmsTemplate } from '../../adapters/sms/smsVerification.js';
import type { SmsSignature, SmsTemplate } from './smsTemplateSchema.js';

/** What a send carries: the text with `##code##` where the code goes, and the vendor's names for it. */
export interface SmsMessage {
  template: string;
  vendorTemplate: VendorSmsTemplate;
}

/** `${min}` of a code valid this long: whole minutes, rounded up, at least 1. */
export function validityMinutes(validitySeconds: number): string {
  return String(Math.max(1, Math.ceil(validitySeconds / 60)));
}

/** The TemplateParam numberflow sends for a verification code: the vendor's marker in `code`, the validity in `min`. */
export function verificationTemplateParam(validitySeconds: number): Record<string, string> {
  return { code: codePlaceholder, min: validityMinutes(validitySeconds) };
}

/**
 * The message as the vendor renders it: the signature in 【】, then the template's content with every
 * `${name}` filled from TemplateParam (whose `code` holds `##code##`, replaced by the code when it is sent).
 */
export function composeSmsMessage(signature: SmsSignature, template: SmsTemplate, templateParam: Record<string, string>): SmsMessage {
  const content = template.content.replace(/\$\{([^}]*)\}/g, (whole, name: string) => (Object.hasOwn(templateParam, name) ? templateParam[name]! : whole));
  return {
    template: `【${signature.name}】${content}`,
    vendorTemplate: { signName: signature.name, templateCode: template.code, templateParam },
  };
}
