import type { CaptchaVerifier } from '../../../adapters/captcha/captchaVerifier.js';
import type { CarrierGateway } from '../../../adapters/carrier/carrierGateway.js';
import type { SmsVerification } from '../../../adapters/sms/smsVerification.js';
import type { SmsSendGuard } from '../../limits/smsSendGuard.js';
import type { RiskAssessor } from '../../risk/riskAssessor.js';
import type { VerifyTokenStore } from '../../tokens/verifyTokenStore.js';
import type { WebhookDelivery } from '../../webhooks/webhookDelivery.js';
import type { WebhookRepository } from '../../webhooks/webhookRepository.js';
import type { UplinkCodes } from '../uplinkCodes.js';
import type { ActionHandlers } from './actionHandler.js';
import { assessEndpointRisk } from './assessEndpointRisk.js';
import { assessPhoneRisk } from './assessPhoneRisk.js';
import { exchangeCarrierToken, verifyCarrierToken } from './carrierExchange.js';
import { createCaptchaChallenge } from './createCaptchaChallenge.js';
import { issueVerifyToken } from './issueVerifyToken.js';
import { notifyApp } from './notifyApp.js';
import type { PhoneLists } from './phoneLists.js';
import { prepareUplinkSms } from './prepareUplinkSms.js';
import { sendSmsCode, type SessionSmsMessage } from './sendSmsCode.js';

export interface ActionDependencies {
  carrier: CarrierGateway;
  sms: SmsVerification;
  risk: RiskAssessor;
  captcha: CaptchaVerifier;
  verifyTokens: VerifyTokenStore;
  uplinkCodes: UplinkCodes;
  webhooks: { delivery: WebhookDelivery; repository: WebhookRepository };
  /** Abuse limits on SMS sends (country, number prefix, daily budget per scheme); a refusal reads as the daily limit. */
  smsLimits?: SmsSendGuard;
  /** The scheme's deny list: a denied number gets no SMS, and no client can tell. */
  phoneLists?: PhoneLists;
  /** The message of a session's SMS code (its policy's signature and template); without it, the adapter's default text. */
  smsMessage?: SessionSmsMessage;
  clock: () => number;
  carrierTimeoutMs: number;
}

/** How the shell carries out each named action of the statechart (one file per action). */
export function createActionHandlers(deps: ActionDependencies): ActionHandlers {
  return {
    assessEndpointRisk: assessEndpointRisk(deps.risk),
    assessPhoneRisk: assessPhoneRisk(deps.risk, deps.phoneLists),
    exchangeCarrierToken: exchangeCarrierToken(deps.carrier, deps.carrierTimeoutMs),
    verifyCarrierToken: verifyCarrierToken(deps.carrier, deps.carrierTimeoutMs),
    sendSmsCode: sendSmsCode(deps.sms, deps.smsLimits, deps.phoneLists, deps.smsMessage),
    prepareUplinkSms: prepareUplinkSms(deps.uplinkCodes, deps.clock),
    createCaptchaChallenge: createCaptchaChallenge(deps.captcha),
    issueVerifyToken: issueVerifyToken(deps.verifyTokens, deps.risk, deps.clock),
    notifyApp: notifyApp(deps.webhooks.delivery, deps.webhooks.repository),
  };
}
