import { randomInt } from 'node:crypto';
import { SmsDeliveryError, type SmsSender } from '../../../adapters/sms/smsSender.js';
import { otpSettings } from '../../../server/camara/otpSmsAuthentications.js';
import { numberVerificationScopes, simSwapScopes, type CamaraEmulator } from '../../emulator/camaraEmulator.js';
import type { TestClock } from '../../support/testClock.js';
import { testCredentials, type TestServer } from '../../support/testServer.js';
import type { CamaraApi, CamaraTarget, TokenKind } from './camaraTarget.js';

const hourMs = 3_600_000;
const mobilePrefixes = ['138', '139', '137', '186', '188', '158'];
/** A fresh mainland mobile number in E.164, unlikely to meet another scenario's. */
const freshNumber = () => `+86${mobilePrefixes[randomInt(mobilePrefixes.length)]}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

/** numberflow's facade refuses SMS to this number as a barred line would (the test server's SMS gateway says so). */
export const smsBarredNumber = '+8613900000999';
export const dailyCodesPerNumber = 3;

/** The environment and SMS gateway numberflow's facade is tested with. */
export const facadeServerOptions = {
  env: { SMS_DAILY_CAP_PER_NUMBER: String(dailyCodesPerNumber) },
  overrides: {
    wrapSmsSender: (sender: SmsSender): SmsSender => ({
      send: async (message) => {
        if (`+86${message.to}` === smsBarredNumber) throw new SmsDeliveryError('the line bars SMS (test gateway)', true);
        return sender.send(message);
      },
    }),
  },
};

const scopesOf: Record<CamaraApi, string> = {
  numberVerification: `${numberVerificationScopes.verify} ${numberVerificationScopes.share}`,
  simSwap: simSwapScopes.any,
  otpSms: 'one-time-password-sms:send-validate',
};

/** numberflow as a CAMARA provider: tokens from its own authorization server, numbers proven by the carrier simulator, SMS from the simulator's outbox. */
export function numberflowTarget(server: TestServer): CamaraTarget {
  const basic = `Basic ${Buffer.from(`${testCredentials.accessKeyId}:${testCredentials.accessKeySecret}`).toString('base64')}`;
  const tokenRequest = async (path: string, fields: Record<string, string>) => {
    const response = await fetch(`${server.baseUrl}/camara/oauth2/${path}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const body = (await response.json()) as Record<string, string>;
    if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  const clientCredentials = async (scope: string) => (await tokenRequest('token', { grant_type: 'client_credentials', scope })).access_token!;
  const proved = async (phoneNumber: string, scope: string) => {
    const carrier = await server.api.post('/v1/simulator/carrier-token', { phoneNumber: phoneNumber.replace(/^\+86/, '') });
    const ciba = await tokenRequest('bc-authorize', { scope, login_hint: `operatortoken:${carrier.body.accessToken as string}` });
    return (await tokenRequest('token', { grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: ciba.auth_req_id! })).access_token!;
  };
  const threeLegged = (api: CamaraApi) => api === 'numberVerification';
  return {
    name: 'numberflow',
    apiRoot: `${server.baseUrl}/camara`,
    apis: ['numberVerification', 'otpSms'],
    now: server.clock.now,
    advanceSeconds: (seconds) => server.clock.advanceSeconds(seconds),
    newPhoneNumber: async () => freshNumber(),
    async accessToken(api: CamaraApi, kind: TokenKind, phoneNumber: string) {
      switch (kind) {
        case 'valid':
          return threeLegged(api) ? proved(phoneNumber, scopesOf[api]) : clientCredentials(scopesOf[api]);
        case 'expired': {
          const token = threeLegged(api) ? await proved(phoneNumber, scopesOf[api]) : await clientCredentials(scopesOf[api]);
          server.clock.advanceSeconds(server.numberflow.services.config.camara.accessTokenTtlSeconds + 1);
          return token;
        }
        case 'noScope':
          return threeLegged(api) ? proved(phoneNumber, 'openid') : clientCredentials('openid');
        case 'notByNetwork':
        case 'twoLegged':
          return clientCredentials(scopesOf[api]);
      }
    },
    otp: {
      maxTry: otpSettings.maxWrongTries,
      maxSend: dailyCodesPerNumber + 1,
      resendIntervalSeconds: otpSettings.resendIntervalSeconds,
      validitySeconds: otpSettings.validitySeconds,
      maxMessageLength: 160,
      message: '{{code}} is your numberflow code',
      numbers: { landline: '+861065529988', cannotReceiveSms: '+864008123456', smsBarred: smsBarredNumber, notServed: '+447911123456' },
      async latestSmsCode(phoneNumber: string) {
        const messages = (await server.api.get(`/v1/simulator/sms?phoneNumber=${phoneNumber.replace(/^\+86/, '')}`)).body.messages as { text: string }[];
        const code = /(\d{6})/.exec(messages.at(-1)?.text ?? '')?.[1];
        if (!code) throw new Error(`no code in the SMS to ${phoneNumber}`);
        return code;
      },
    },
  };
}

/** The operator emulator: tokens issued as the operator's authorization server would, subscribers with a SIM history. */
export function emulatorTarget(emulator: CamaraEmulator, clock: TestClock, monitoredPeriodDays: number): CamaraTarget {
  return {
    name: 'emulator',
    apiRoot: emulator.apiRoot,
    apis: ['numberVerification', 'simSwap'],
    now: clock.now,
    advanceSeconds: (seconds) => clock.advanceSeconds(seconds),
    monitoredPeriodDays,
    async newPhoneNumber() {
      const phoneNumber = freshNumber();
      emulator.addSubscriber({ phoneNumber, activatedAt: clock.now() - 1000 * hourMs });
      return phoneNumber;
    },
    async accessToken(api: CamaraApi, kind: TokenKind, phoneNumber: string) {
      const scopes = scopesOf[api].split(' ');
      switch (kind) {
        case 'valid':
          return emulator.issueAccessToken({ phoneNumber, scopes });
        case 'expired':
          return emulator.issueAccessToken({ phoneNumber, scopes, expiresInSeconds: 0 });
        case 'noScope':
          return emulator.issueAccessToken({ phoneNumber, scopes: ['openid'] });
        case 'notByNetwork':
          return emulator.issueAccessToken({ phoneNumber, scopes, authenticatedBy: 'sms' });
        case 'twoLegged':
          return emulator.issueAccessToken({ scopes });
      }
    },
    setSimHistory(phoneNumber, history) {
      emulator.updateSubscriber(phoneNumber, {
        ...(history.activatedAt !== undefined ? { activatedAt: history.activatedAt } : {}),
        ...(history.swappedAt !== undefined ? { swappedAt: history.swappedAt ?? undefined } : {}),
        ...(history.simSwapApplicable !== undefined ? { simSwapApplicable: history.simSwapApplicable } : {}),
      });
    },
  };
}
