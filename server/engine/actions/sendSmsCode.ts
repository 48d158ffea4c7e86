import type { SmsVerification, VendorSmsTemplate } from '../../../adapters/sms/smsVerification.js';
import type { SmsSendGuard } from '../../limits/smsSendGuard.js';
import type { ActionHandler } from './actionHandler.js';
import type { PhoneLists } from './phoneLists.js';

/**
 * Sends the session's code. A denied or limited number is answered exactly like any other (a code is
 * kept, checks answer as usual) but no SMS leaves: pumpers and probers learn nothing; the trace says why.
 * The action id is the send's idempotency key, so a retry after a crash re-sends the same code, once.
 */
/** The message a session sends: its policy's signature and template, rendered (`##code##` where the code goes). */
export type SessionSmsMessage = (
  sceneCode: string,
  settings: { signName?: string | undefined; templateCode?: string | undefined; validitySeconds: number },
) => Promise<{ template: string; vendorTemplate: VendorSmsTemplate }>;

export function sendSmsCode(
  sms: SmsVerification,
  smsLimits: SmsSendGuard | undefined,
  phoneLists: PhoneLists | undefined,
  smsMessage: SessionSmsMessage | undefined,
): ActionHandler<'sendSmsCode'> {
  return async ({ session, params, action }) => {
    const { signName, templateCode } = session.machine.policy.nodes.smsCode;
    const message = await smsMessage?.(session.record.sceneCode, { signName, templateCode, validitySeconds: params.validitySeconds });
    const where = { sessionId: session.record.id, schemeCode: session.record.schemeCode };
    let suppressed: string | undefined;
    if ((await phoneLists?.match(session.record.schemeCode, params.phoneNumber))?.deny) suppressed = 'denyList';
    const admission =
      smsLimits && !suppressed
        ? await smsLimits.admit({ phoneNumber: params.phoneNumber, budgetKey: session.record.schemeCode, onceKey: `action:${action.id}` })
        : undefined;
    if (admission && !admission.admitted) {
      smsLimits?.logRefusal(admission.limit, params.phoneNumber, where);
      suppressed = admission.limit;
    }
    const send = (deliver: boolean) =>
      sms.sendCode({
        scope: `session:${session.record.id}`,
        phoneNumber: params.phoneNumber,
        codeLength: params.codeLength,
        codeType: params.codeType,
        validitySeconds: params.validitySeconds,
        resendIntervalSeconds: params.resendIntervalSeconds,
        duplicatePolicy: 'replace',
        maxWrongTries: params.maxWrongTries,
        outId: action.id,
        deliver,
        ...message,
      });
    let result = await send(!suppressed);
    if (!suppressed && !result.sent && result.reason === 'DAILY_LIMIT') {
      smsLimits?.recordLimited('smsPerNumberDaily');
      smsLimits?.logRefusal('smsPerNumberDaily', params.phoneNumber, where);
      suppressed = 'smsPerNumberDaily';
      result = await send(false);
    }
    // Nothing went out: the points go back (a send that may have gone out keeps them).
    const nothingWentOut = suppressed !== undefined || (!result.sent && (result.reason !== 'DELIVERY_FAILED' || result.permanent));
    if (nothingWentOut && admission?.admitted) await admission.release();
    if (result.sent) {
      return {
        type: 'SMS_SENT',
        expiresAt: result.expiresAt,
        resendAvailableAt: result.resendAvailableAt,
        bizId: result.bizId,
        ...(suppressed ? { suppressed } : {}),
      };
    }
    if (result.reason === 'TOO_SOON') return { type: 'SMS_NOT_SENT', reason: 'TOO_SOON', resendAvailableAt: result.resendAvailableAt };
    if (result.reason === 'DAILY_LIMIT') return { type: 'SMS_NOT_SENT', reason: 'DAILY_LIMIT', limit: 'smsPerNumberDaily' };
    // A number that cannot take SMS fails at once; anything else is tried again with backoff.
    if (result.permanent) return { type: 'SMS_FAILED', permanent: true, detail: result.detail };
    throw new Error(`SMS delivery failed: ${result.detail}`);
  };
}
