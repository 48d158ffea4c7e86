import type { CaptchaVerifier } from '../../adapters/captcha/captchaVerifier.js';
import type { SmsVerification } from '../../adapters/sms/smsVerification.js';
import type { SessionContext, SessionEvent } from '../../machines/index.js';
import type { RateLimits } from '../limits/rateLimits.js';
import type { ClientEventGate } from './sessionEngine.js';

/**
 * Secrets a client sends are checked here, at the door, and only the verdict goes into the
 * machine and its log: an SMS code or a CAPTCHA answer is never persisted.
 */
export function createClientEventGate(deps: { sms: SmsVerification; captcha: CaptchaVerifier; limits: RateLimits }): ClientEventGate {
  return async (session, event, at) => {
    const context = session.snapshot.context as SessionContext;
    switch (event.type) {
      case 'SMS_CODE': {
        if (context.phoneNumber) await deps.limits.consume('codeCheckPerNumber', context.phoneNumber);
        const check = await deps.sms.checkCode({ scope: `session:${session.record.id}`, phoneNumber: context.phoneNumber ?? '', code: String(event.code) });
        return { type: 'SMS_CODE', result: check.result, at };
      }
      case 'CAPTCHA_SOLUTION': {
        const passed =
          !!context.captchaChallenge &&
          (await deps.captcha.verify({ challenge: context.captchaChallenge, solution: event.solution, binding: session.record.id }));
        return { type: 'CAPTCHA_SOLUTION', result: passed ? 'PASS' : 'FAIL', at };
      }
      default:
        return { ...event, at } as SessionEvent;
    }
  };
}
