/**
 * The port to a CAPTCHA: a challenge bound to one session, and a check of the client's
 * answer to exactly that challenge. The self-hosted proof-of-work CAPTCHA implements it.
 */
export type CaptchaDifficulty = 'easy' | 'medium' | 'hard';

export interface CaptchaVerifier {
  /** A challenge the client's widget can solve; `binding` (the session id) is signed into it. */
  createChallenge(options: { difficulty: CaptchaDifficulty; binding: string }): Promise<Record<string, unknown>>;
  /** True only for a correct, unexpired answer to `challenge` made for `binding`. */
  verify(options: { challenge: Record<string, unknown>; solution: unknown; binding: string }): Promise<boolean>;
}
