import type { Policy, PolicyNodes } from '../policySchema.js';
import { finding, type PolicyFinding } from './policyFinding.js';

/** How long a one-time code may stay valid: NIST SP 800-63B and OWASP ASVS both say 10 minutes. */
export const maxCodeValiditySeconds = 600;
/** Fewer characters than this draw a warning; the schema refuses fewer than 4. */
export const recommendedCodeLength = 6;
/** Fewer possible codes than this (about 20 bits, a 6-digit code) draw a warning. */
export const minCodeKeyspace = 1_000_000;

/** The characters a code of each type is drawn from, counted (the adapters' alphabets). */
export const codeAlphabetSizes: Record<PolicyNodes['smsCode']['codeType'], number> = {
  digits: 10,
  upper: 26,
  lower: 26,
  mixedCase: 52,
  digitsUpper: 36,
  digitsLower: 36,
  any: 62,
};

/**
 * The per-session caps on sends and tries. NIST SP 800-63B allows at most 100 failed attempts per
 * account; one session gets far fewer. The chart counts them per proof phase.
 */
export const attemptLimits = [
  { node: 'smsCode', setting: 'maxSends', max: 10, what: 'SMS codes sent' },
  { node: 'smsCode', setting: 'maxWrongTries', max: 10, what: 'wrong SMS codes' },
  { node: 'captcha', setting: 'maxTries', max: 10, what: 'CAPTCHA tries' },
  { node: 'numberAuth', setting: 'maxMiddleDigitTries', max: 5, what: 'middle-digit tries' },
] as const;

/** Checks of single settings of a schema-valid policy: bounds, code lifetimes, code strength. */
export function settingFindings(policy: Policy): PolicyFinding[] {
  const { nodes } = policy;
  const findings: PolicyFinding[] = [];

  for (const { node, setting, max, what } of attemptLimits) {
    const settings = nodes[node] as unknown as Record<string, unknown> & { enabled: boolean };
    const value = settings[setting];
    if (!settings.enabled) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value > max) {
      findings.push(finding('ATTEMPT_LIMIT_TOO_HIGH', node, setting, `${String(value)} ${what} per session are too many; at most ${max}`));
    }
  }

  const sms = nodes.smsCode;
  if (sms.enabled) {
    if (sms.validitySeconds > maxCodeValiditySeconds) {
      findings.push(
        finding(
          'SMS_VALIDITY_TOO_LONG',
          'smsCode',
          'validitySeconds',
          `${sms.validitySeconds} s is too long; an SMS code must expire within 10 minutes (${maxCodeValiditySeconds} s; NIST SP 800-63B, OWASP ASVS)`,
        ),
      );
    }
    if (sms.codeLength < 4) {
      findings.push(finding('SMS_CODE_TOO_SHORT', 'smsCode', 'codeLength', `${sms.codeLength} characters are too few; an SMS code needs at least 4`));
    } else if (sms.codeLength < recommendedCodeLength) {
      findings.push(
        finding(
          'SMS_CODE_SHORT',
          'smsCode',
          'codeLength',
          `${sms.codeLength} characters; ${recommendedCodeLength} recommended (a shorter code is acceptable only with the rate limits of maxWrongTries and maxSends)`,
        ),
      );
    }
    const keyspace = codeAlphabetSizes[sms.codeType] ** sms.codeLength;
    if (keyspace < minCodeKeyspace) {
      findings.push(
        finding(
          'SMS_CODE_WEAK_KEYSPACE',
          'smsCode',
          'codeType',
          `${sms.codeType} codes of ${sms.codeLength} characters have ${keyspace.toLocaleString('en')} possible values; at least ${minCodeKeyspace.toLocaleString('en')} (6 digits) recommended`,
        ),
      );
    }
    if (sms.resendIntervalSeconds === 0) {
      findings.push(
        finding('SMS_NO_RESEND_INTERVAL', 'smsCode', 'resendIntervalSeconds', '0 s lets a code be resent at once, limited only by maxSends; 60 s recommended'),
      );
    }
  }

  if (nodes.uplinkSms.enabled && nodes.uplinkSms.validitySeconds > maxCodeValiditySeconds) {
    findings.push(
      finding(
        'UPLINK_VALIDITY_TOO_LONG',
        'uplinkSms',
        'validitySeconds',
        `${nodes.uplinkSms.validitySeconds} s is too long; an uplink SMS code must expire within 10 minutes (${maxCodeValiditySeconds} s)`,
      ),
    );
  }
  return findings;
}
