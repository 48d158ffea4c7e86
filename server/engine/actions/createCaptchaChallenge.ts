import type { CaptchaVerifier } from '../../../adapters/captcha/captchaVerifier.js';
import type { ActionHandler } from './actionHandler.js';

/** A proof-of-work challenge bound to the session. */
export function createCaptchaChallenge(captcha: CaptchaVerifier): ActionHandler<'createCaptchaChallenge'> {
  return async ({ session, params }) => ({
    type: 'CAPTCHA_READY',
    challenge: await captcha.createChallenge({ difficulty: params.difficulty, binding: session.record.id }),
  });
}
