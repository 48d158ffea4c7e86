import type { CaptchaVerifier } from '../../adapters/captcha/captchaVerifier.js';
import { CarrierError, type CarrierGateway } from '../../adapters/carrier/carrierGateway.js';
import { withCarrierDeadline } from '../../adapters/carrier/withCarrierDeadline.js';
import type { SmsVerification } from '../../adapters/sms/smsVerification.js';
import type { SessionContext, SessionEvent } from '../../machines/index.js';
import type { SmsSendGuard } from '../limits/smsSendGuard.js';
import type { RiskAssessor } from '../risk/riskAssessor.js';
import type { PendingAction } from '../stores/sessionStore.js';
import type { VerifyTokenStore } from '../tokens/verifyTokenStore.js';
import type { ActionRunner, ExhaustedActionEvent, LoadedSession } from './sessionEngine.js';
import type { UplinkCodes } from './uplinkCodes.js';

export interface ActionRunnerDependencies {
  carrier: CarrierGateway;
  sms: SmsVerification;
  risk: RiskAssessor;
  captcha: CaptchaVerifier;
  verifyTokens: VerifyTokenStore;
  uplinkCodes: UplinkCodes;
  /** The `notifyApp` effect: a signed webhook to the scheme's backend. */
  notifyApp: ActionRunner;
  /** Abuse limits on SMS sends (country, number prefix, daily budget per scheme); a refusal reads as the daily limit. */
  smsLimits?: SmsSendGuard;
  /** The scheme's deny list: a denied number gets no SMS, and no client can tell. */
  phoneLists?: { match(schemeCode: string, phoneNumber: string): Promise<{ deny?: string; allow?: string }> };
  clock: () => number;
  carrierTimeoutMs: number;
}

type ResultEvent = SessionEvent extends infer E ? (E extends { at: number } ? Omit<E, 'at'> : never) : never;
type Params = Record<string, any>;

/** How the shell carries out each named action of the statechart; each returns the event that reports the result. */
export function createActionRunner(deps: ActionRunnerDependencies): ActionRunner {
  const handlers: Record<string, (session: LoadedSession, params: Params, action: PendingAction) => Promise<ResultEvent>> = {
    async assessEndpointRisk(session, params) {
      // The rules and threshold of the policy the session started with, not of the policy in effect now.
      const node = session.machine.policy.nodes.endpointRisk;
      return {
        type: 'ENDPOINT_RISK_RESULT',
        ...(await deps.risk.assessEndpoint({
          device: params.device,
          schemeCode: params.schemeCode,
          platform: params.platform,
          policy: { threshold: node.threshold, rules: node.rules },
        })),
      };
    },

    async assessPhoneRisk(session, params) {
      const node = session.machine.policy.nodes.phoneRisk;
      const context = session.snapshot.context as SessionContext;
      // A number the user typed that is on the deny list routes like any other; its SMS is suppressed
      // instead, so nobody can learn the list by trying numbers. A number a carrier proved stays risky.
      if (!context.provedByCarrier && (await deps.phoneLists?.match(params.schemeCode, params.phoneNumber))?.deny) {
        return {
          type: 'PHONE_RISK_RESULT',
          score: 0,
          ruleHit: false,
          reasons: ["number on the scheme's deny list: its SMS will be suppressed, the client is not told"],
        };
      }
      return {
        type: 'PHONE_RISK_RESULT',
        ...(await deps.risk.assessPhoneNumber({
          phoneNumber: params.phoneNumber,
          schemeCode: params.schemeCode,
          device: context.device,
          policy: { threshold: node.threshold, rules: node.rules, sendIntervalSeconds: node.sendIntervalSeconds },
        })),
      };
    },

    async exchangeCarrierToken(_session, params, action) {
      return withCarrierTimeout(deps.carrierTimeoutMs, async (signal) => {
        const result = await deps.carrier.getMobile(params.accessToken, { signal, h5: params.h5, outId: action.id });
        return { type: 'CARRIER_RESULT', outcome: 'ok', phoneNumber: result.phoneNumber, ...(result.providerRef ? { providerRef: result.providerRef } : {}) };
      });
    },

    async verifyCarrierToken(_session, params, action) {
      return withCarrierTimeout(deps.carrierTimeoutMs, async (signal) => {
        const result = await deps.carrier.verifyMobile(params.accessToken, params.phoneNumber, { signal, h5: params.h5, outId: action.id });
        return { type: 'CARRIER_RESULT', outcome: 'ok', verifyResult: result.verifyResult, ...(result.providerRef ? { providerRef: result.providerRef } : {}) };
      });
    },

    async sendSmsCode(session, params, action) {
      // A denied or limited number is answered exactly like any other (a code is kept, checks answer as
      // usual) but no SMS leaves: pumpers and probers learn nothing; the trace says why.
      let suppressed: string | undefined;
      if ((await deps.phoneLists?.match(session.record.schemeCode, params.phoneNumber))?.deny) suppressed = 'denyList';
      const admission =
        deps.smsLimits && !suppressed
          ? await deps.smsLimits.admit({ phoneNumber: params.phoneNumber, budgetKey: session.record.schemeCode, onceKey: `action:${action.id}` })
          : undefined;
      if (admission && !admission.admitted) {
        deps.smsLimits?.logRefusal(admission.limit, params.phoneNumber, { sessionId: session.record.id, schemeCode: session.record.schemeCode });
        suppressed = admission.limit;
      }
      const send = (deliver: boolean) =>
        deps.sms.sendCode({
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
        });
      let result = await send(!suppressed);
      if (!suppressed && !result.sent && result.reason === 'DAILY_LIMIT') {
        deps.smsLimits?.recordLimited('smsPerNumberDaily');
        deps.smsLimits?.logRefusal('smsPerNumberDaily', params.phoneNumber, { sessionId: session.record.id, schemeCode: session.record.schemeCode });
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
    },

    async prepareUplinkSms(session, params) {
      const ttlMs = params.validitySeconds * 1000;
      const code = await deps.uplinkCodes.reserve(session.record.id, params.receivingNumber, ttlMs);
      return { type: 'UPLINK_SMS_READY', code, receivingNumber: params.receivingNumber, expiresAt: deps.clock() + ttlMs };
    },

    async createCaptchaChallenge(session, params) {
      return { type: 'CAPTCHA_READY', challenge: await deps.captcha.createChallenge({ difficulty: params.difficulty, binding: session.record.id }) };
    },

    async issueVerifyToken(session, params) {
      const context = session.snapshot.context as SessionContext;
      const phoneScore = params.scoring
        ? (await deps.risk.assessPhoneNumber({ phoneNumber: params.phoneNumber, schemeCode: context.schemeCode, device: context.device, record: false })).score
        : undefined;
      const { sealed, expiresAt } = await deps.verifyTokens.issue({
        sessionId: session.record.id,
        schemeCode: session.record.schemeCode,
        sceneCode: session.record.sceneCode,
        phoneNumber: params.phoneNumber,
        method: params.method,
        ...(phoneScore === undefined ? {} : { phoneScore }),
        issuedAt: deps.clock(),
      });
      // The session keeps the token sealed; its client reads it through the session view.
      return { type: 'VERIFY_TOKEN_ISSUED', verifyToken: sealed, expiresAt, ...(phoneScore === undefined ? {} : { phoneScore }) };
    },
  };

  return async (session, action, attempt) => {
    if (action.type === 'notifyApp') return deps.notifyApp(session, action, attempt);
    const handler = handlers[action.type];
    if (!handler) throw new Error(`no handler for action ${action.type}`);
    return handler(session, action.params as Params, action) as ReturnType<ActionRunner>;
  };
}

/**
 * What the machine hears when an action failed for good: an SMS that never went out is
 * SMS_FAILED; a risk check that cannot be made counts as risky (fail closed). Other actions
 * leave the session waiting, and it expires.
 */
export const exhaustedActionEvent: ExhaustedActionEvent = (action, error) => {
  switch (action.type) {
    case 'sendSmsCode':
      return { type: 'SMS_FAILED', permanent: false, detail: error.message };
    case 'assessEndpointRisk':
      return { type: 'ENDPOINT_RISK_RESULT', score: 100, reasons: ['risk check unavailable'], ruleHit: false };
    case 'assessPhoneRisk':
      return { type: 'PHONE_RISK_RESULT', score: 100, reasons: ['risk check unavailable'], ruleHit: false };
    default:
      return null;
  }
};

/** A carrier timeout or error becomes a CARRIER_RESULT that the policy routes. */
async function withCarrierTimeout(timeoutMs: number, call: (signal: AbortSignal) => Promise<ResultEvent>): Promise<ResultEvent> {
  try {
    return await withCarrierDeadline(timeoutMs, call);
  } catch (error) {
    if (error instanceof CarrierError) {
      return { type: 'CARRIER_RESULT', outcome: error.kind, ...(error.providerCode ? { providerCode: error.providerCode } : {}) };
    }
    return { type: 'CARRIER_RESULT', outcome: 'error', providerCode: 'UNEXPECTED' };
  }
}
