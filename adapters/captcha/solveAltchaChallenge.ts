import { solveChallenge } from 'altcha-lib/v1';

/**
 * Solves a challenge from `AltchaCaptcha.createChallenge` with altcha-lib's own v1 solver and
 * returns what the ALTCHA widget would submit: base64 of
 * `{ algorithm, challenge, number, salt, signature, took }`. For tests and the CLI demo.
 */
export async function solveAltchaChallenge(challenge: Record<string, unknown>): Promise<string> {
  const { algorithm, challenge: hash, maxnumber, salt, signature } = challenge;
  if (
    typeof algorithm !== 'string' ||
    typeof hash !== 'string' ||
    typeof salt !== 'string' ||
    typeof signature !== 'string' ||
    (maxnumber !== undefined && typeof maxnumber !== 'number')
  ) {
    throw new Error('not an ALTCHA v1 challenge');
  }
  const solution = await solveChallenge(hash, salt, algorithm, maxnumber).promise;
  if (!solution) throw new Error('ALTCHA challenge has no solution within maxnumber');
  const payload = { algorithm, challenge: hash, number: solution.number, salt, signature, took: solution.took };
  return btoa(JSON.stringify(payload));
}
