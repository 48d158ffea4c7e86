/**
 * numberflow's own step definitions for CAMARA's published Gherkin test plans (kept unchanged in
 * tests/fixtures/camara): Number Verification 2.1.0, SIM Swap 2.1.0 and One Time Password SMS 1.1.1.
 * The steps speak HTTP to a `CamaraTarget` and check answers against the specs' own OpenAPI schemas.
 *
 * Readings of the plans where their words leave room, applied the same way to every target:
 * - `the response property "$.status" is N` also holds for answers without a body (a 204, a 200 of
 *   SendCodeResponse): it is the HTTP status then, and the body's `status` when the body has one.
 * - `(config_var:"max_send"-1) … submitted` then one more: that one is refused, so `max_send` is the
 *   number of the first send refused (the daily cap per number plus one).
 * - A scenario with no `When` step (phoneNumberVerify 400.3) sends its feature's operation before its first `Then`.
 * - `the header "Authorization" is set` with nothing more means a valid access token.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Before, defineStep, setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { camaraTargets, type CamaraApi, type CamaraTarget, type SimHistory, type TokenKind } from './camaraTarget.js';

const hourMs = 3_600_000;
const fixtures = new URL('../../fixtures/camara/', import.meta.url);

interface OperationSpec {
  api: CamaraApi;
  method: 'GET' | 'POST';
  path: string;
}

/** The operations of the plans, by the specs' operationIds, at the specs' server URL paths. */
const operations: Record<string, OperationSpec> = {
  phoneNumberVerify: { api: 'numberVerification', method: 'POST', path: '/number-verification/v2/verify' },
  phoneNumberShare: { api: 'numberVerification', method: 'GET', path: '/number-verification/v2/device-phone-number' },
  checkSimSwap: { api: 'simSwap', method: 'POST', path: '/sim-swap/v2/check' },
  retrieveSimSwapDate: { api: 'simSwap', method: 'POST', path: '/sim-swap/v2/retrieve-date' },
  sendCode: { api: 'otpSms', method: 'POST', path: '/one-time-password-sms/v1/send-code' },
  validateCode: { api: 'otpSms', method: 'POST', path: '/one-time-password-sms/v1/validate-code' },
};
const specFiles: Record<CamaraApi, string> = {
  numberVerification: 'number-verification/number-verification.yaml',
  simSwap: 'sim-swap/sim-swap.yaml',
  otpSms: 'one-time-password-sms/one-time-password-sms.yaml',
};

/** The specs' component schemas, compiled once (OpenAPI 3.0: `nullable`, `format`, `example`). */
const schemas = (() => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
  for (const [api, file] of Object.entries(specFiles)) {
    const spec = parse(readFileSync(new URL(file, fixtures), 'utf8')) as { components: unknown };
    ajv.addSchema({ $id: api, components: spec.components });
  }
  return (api: CamaraApi, pointer: string): ValidateFunction => {
    const validate = ajv.getSchema(`${api}#${pointer}`);
    if (!validate) throw new Error(`no schema ${pointer} in the ${api} spec`);
    return validate;
  };
})();

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export class CamaraWorld extends World<{ target: string }> {
  target: CamaraTarget;
  operationId = '';
  headers: Record<string, string> = {};
  /** The JSON body to send; `undefined`: none. */
  body: Record<string, unknown> | undefined;
  /** A body sent as it is written in the plan, instead of `body`. */
  rawBody: string | undefined;
  phoneNumber = '';
  history: Required<Omit<SimHistory, 'simSwapApplicable'>> = { activatedAt: null, swappedAt: null };
  /** The OTP attempts of the scenario, in order: id and the code its SMS brought. */
  attempts: { authenticationId: string; code: string }[] = [];
  answer: Answer | undefined;

  constructor(options: IWorldOptions<{ target: string }>) {
    super(options);
    const target = camaraTargets.get(options.parameters.target);
    if (!target) throw new Error(`no CAMARA target ${options.parameters.target}`);
    this.target = target;
  }

  get operation(): OperationSpec {
    const operation = operations[this.operationId];
    if (!operation) throw new Error(`unknown operation ${this.operationId}`);
    return operation;
  }

  bodyOf(): Record<string, unknown> {
    return (this.body ??= {});
  }

  async authorize(kind: TokenKind): Promise<void> {
    this.headers.authorization = `Bearer ${await this.target.accessToken(this.operation.api, kind, this.phoneNumber)}`;
  }

  simHistory(change: Partial<SimHistory>): void {
    if (!this.target.setSimHistory) throw new Error(`${this.target.name} has no SIM history to set`);
    const { simSwapApplicable, ...history } = change;
    Object.assign(this.history, history);
    this.target.setSimHistory(this.phoneNumber, change);
    void simSwapApplicable;
  }

  defaultBody(): Record<string, unknown> | undefined {
    switch (this.operationId) {
      case 'phoneNumberVerify':
        return { phoneNumber: this.phoneNumber };
      case 'checkSimSwap':
      case 'retrieveSimSwapDate':
        return {};
      case 'sendCode':
        return { phoneNumber: this.phoneNumber, message: this.otp.message };
      case 'validateCode':
        // Letters: never the digits of a real code.
        return { authenticationId: randomUUID(), code: 'ABCDEF' };
      default:
        return undefined;
    }
  }

  get otp() {
    if (!this.target.otp) throw new Error(`${this.target.name} serves no One Time Password SMS`);
    return this.target.otp;
  }

  async call(operationId: string, body: unknown, headers = this.headers): Promise<Answer> {
    const operation = operations[operationId]!;
    const response = await fetch(this.target.apiRoot + operation.path, {
      method: operation.method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  async send(): Promise<void> {
    this.answer = await this.call(this.operationId, this.rawBody ?? this.body);
  }

  async sent(): Promise<Answer> {
    if (!this.answer) await this.send();
    return this.answer!;
  }

  /** A send-code for the scenario's number, outside the request under test; remembers its id and the code its SMS brought. */
  async sendCodeAside(): Promise<{ authenticationId: string; code: string }> {
    const answer = await this.call(
      'sendCode',
      { phoneNumber: this.phoneNumber, message: this.otp.message },
      { ...this.headers, 'content-type': 'application/json' },
    );
    if (answer.status !== 200) throw new Error(`send-code answered ${answer.status} ${answer.text}`);
    const attempt = { authenticationId: (answer.json as { authenticationId: string }).authenticationId, code: await this.otp.latestSmsCode(this.phoneNumber) };
    this.attempts.push(attempt);
    return attempt;
  }

  async validateAside(authenticationId: string, code: string): Promise<Answer> {
    return this.call('validateCode', { authenticationId, code }, { ...this.headers, 'content-type': 'application/json' });
  }
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function property(answer: Answer, name: string): unknown {
  return answer.json !== null && typeof answer.json === 'object' ? (answer.json as Record<string, unknown>)[name] : undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const anotherNumber = (phoneNumber: string) => `${phoneNumber.slice(0, -4)}${String((Number(phoneNumber.slice(-4)) + 1) % 10_000).padStart(4, '0')}`;

/** Registers the step definitions; call between cucumber's `supportCodeLibraryBuilder.reset` and `finalize`. */
export function defineCamaraSteps(): void {
  setDefaultTimeout(30_000);
  setWorldConstructor(CamaraWorld);

  Before(async function (this: CamaraWorld, { pickle }) {
    // `number-verification-phoneNumberVerify.feature` → phoneNumberVerify: the operation a step-less `Then` sends.
    this.operationId = basename(pickle.uri, '.feature').split('-').at(-1)!;
    if (!operations[this.operationId]) throw new Error(`no operation for ${pickle.uri}`);
    this.phoneNumber = await this.target.newPhoneNumber();
    this.history = { activatedAt: this.target.now() - 1000 * hourMs, swappedAt: null };
  });

  // ---- where, and the headers ----

  defineStep(/^an environment at "apiRoot"$/, () => undefined);
  defineStep(/^the resource "([^"]+)"(?: as base url)?$/, function (this: CamaraWorld, resource: string) {
    const named = Object.entries(operations).find(([, op]) => op.path === resource);
    if (named) this.operationId = named[0];
    else if (!operations[this.operationId]!.path.startsWith(`${resource}/`)) throw new Error(`${resource} is not the base of ${this.operationId}`);
  });
  defineStep(/^the header "Content-Type" is set to "application\/json"$/, function (this: CamaraWorld) {
    this.headers['content-type'] = 'application/json';
  });
  defineStep(/^the header "x-correlator" complies with the schema at "#(\/components\/schemas\/XCorrelator)"$/, function (this: CamaraWorld, pointer: string) {
    const correlator = randomUUID();
    if (!schemas(this.operation.api, pointer)(correlator)) throw new Error('a UUID should be an XCorrelator');
    this.headers['x-correlator'] = correlator;
  });
  defineStep(/^the header "Authorization" is set(?: to a valid access token(?: identifying a phone number)?)?$/, async function (this: CamaraWorld) {
    await this.authorize('valid');
  });
  defineStep(/^the header "Authorization" is set to an expired(?: access token)?$/, async function (this: CamaraWorld) {
    await this.authorize('expired');
  });
  defineStep(/^the header "Authorization" is set to an invalid access token$/, function (this: CamaraWorld) {
    this.headers.authorization = `Bearer not-a-token-${randomUUID()}`;
  });
  defineStep(/^the header "Authorization" is set to an access token without the required scope$/, async function (this: CamaraWorld) {
    await this.authorize('noScope');
  });
  defineStep(
    /^the header "Authorization" is set to a token for which neither Network-based nor SIM-based authentication was used$/,
    async function (this: CamaraWorld) {
      await this.authorize('notByNetwork');
    },
  );
  defineStep(/^the header "Authorization" is set to a valid access token which does not identify a single phone number$/, async function (this: CamaraWorld) {
    await this.authorize('twoLegged');
  });
  defineStep(/^the header "Authorization" is removed$/, function (this: CamaraWorld) {
    delete this.headers.authorization;
  });

  // ---- the request body ----

  defineStep(/^the request body is set (?:by default to a request body compliant with the schema|to a valid request body)$/, function (this: CamaraWorld) {
    this.body = this.defaultBody();
    this.rawBody = undefined;
  });
  defineStep(/^the request body is not included$/, function (this: CamaraWorld) {
    this.body = undefined;
    this.rawBody = undefined;
  });
  defineStep(/^the request body is set to "(.*)"$/, function (this: CamaraWorld, raw: string) {
    this.rawBody = raw;
  });
  defineStep(/^the request body property "\$\.(\w+)" is set to "([^"]*)"$/, function (this: CamaraWorld, name: string, value: string) {
    this.bodyOf()[name] = value;
  });
  defineStep(/^the request body property "\$\.(\w+)" is (?:not valued|not included)$/, function (this: CamaraWorld, name: string) {
    delete this.bodyOf()[name];
  });

  // ---- Number Verification ----

  defineStep(/^a valid (?:phone number supported by the service|testing phoneNumber supported by the service), identified by the token$/, () => undefined);
  defineStep(/^the token has been obtained by a supported authentication method$/, () => undefined);
  defineStep(/^a valid phone number identified by the token and provided in the request body$/, function (this: CamaraWorld) {
    this.body = { phoneNumber: this.phoneNumber };
  });
  defineStep(/^the body property "\$\.phoneNumber" is set to the phone number identified by the access token$/, function (this: CamaraWorld) {
    this.body = { phoneNumber: this.phoneNumber };
  });
  defineStep(
    /^the body property "\$\.phoneNumber" is set to a valid phone number different from the one identified by the access token$/,
    function (this: CamaraWorld) {
      this.body = { phoneNumber: anotherNumber(this.phoneNumber) };
    },
  );
  defineStep(
    /^the body property "\$\.hashedPhoneNumber" is set to the phone number identified by the access token, hashed in SHA-256 \(in hexadecimal representation\)$/,
    function (this: CamaraWorld) {
      this.body = { hashedPhoneNumber: sha256(this.phoneNumber) };
    },
  );
  defineStep(
    /^the body property "\$\.hashedPhoneNumber" is set to a valid phone number different from the one identified by the access token, hashed in SHA-256 \(in hexadecimal representation\)$/,
    function (this: CamaraWorld) {
      this.body = { hashedPhoneNumber: sha256(anotherNumber(this.phoneNumber)) };
    },
  );
  defineStep(/^the request body does not contain neither "\$\.phoneNumber" nor "\$\.hashedPhoneNumber"$/, function (this: CamaraWorld) {
    delete this.bodyOf().phoneNumber;
    delete this.bodyOf().hashedPhoneNumber;
  });
  defineStep(/^the request body property "\$\.phoneNumber" is set to a valid phone number$/, function (this: CamaraWorld) {
    this.bodyOf().phoneNumber = this.phoneNumber;
  });
  defineStep(/^the same phone number is compliant with OAS schema at "#\/components\/schemas\/PhoneNumber"$/, function (this: CamaraWorld) {
    // Number Verification 2.1.0 has no PhoneNumber component; its request body's pattern is the one.
    if (!/^\+[1-9][0-9]{4,14}$/.test(String(this.bodyOf().phoneNumber))) throw new Error('the phone number is not E.164');
  });
  defineStep(
    /^the request body property "\$\.hashedPhoneNumber" is set to a valid phone number compliant with OAS schema at "#\/components\/schemas\/HashedPhoneNumber"$/,
    function (this: CamaraWorld) {
      this.bodyOf().hashedPhoneNumber = sha256(this.phoneNumber);
    },
  );
  defineStep(
    /^the request body property "\$\.phoneNumber" does not comply with the OAS schema at "#?\/components\/schemas\/PhoneNumber"$/,
    function (this: CamaraWorld) {
      this.bodyOf().phoneNumber = '+0012-345';
    },
  );
  defineStep(/^the response property "\$\.devicePhoneNumberVerified" == (true|false)$/, async function (this: CamaraWorld, value: string) {
    expectEqual(property(await this.sent(), 'devicePhoneNumberVerified'), value === 'true', '$.devicePhoneNumberVerified');
  });
  defineStep(
    /^the response property "\$\.devicePhoneNumber" is equal to the phone number associated with the access token$/,
    async function (this: CamaraWorld) {
      expectEqual(property(await this.sent(), 'devicePhoneNumber'), this.phoneNumber, '$.devicePhoneNumber');
    },
  );

  // ---- SIM Swap ----

  defineStep(/^a valid phone number identified by the token or provided in the request body$/, () => undefined);
  defineStep(/^that the service is not available for all phone numbers commercialized by the operator$/, () => undefined);
  defineStep(
    /^a valid phone number, identified by the token or provided in the request body, for which the service is not applicable$/,
    function (this: CamaraWorld) {
      this.simHistory({ simSwapApplicable: false });
    },
  );
  defineStep(/^the SIM for this phone number has been swapped$/, function (this: CamaraWorld) {
    this.simHistory({ swappedAt: this.target.now() - 48 * hourMs });
  });
  defineStep(/^the SIM for this phone number has been swapped in the last (?:240 hours|"(\d+)")$/, function (this: CamaraWorld, hours?: string) {
    this.simHistory({ swappedAt: this.target.now() - (Number(hours ?? 240) / 2) * hourMs });
  });
  defineStep(/^the SIM for this phone number has been swapped more than 240 hours ago$/, function (this: CamaraWorld) {
    this.simHistory({ swappedAt: this.target.now() - 300 * hourMs });
  });
  defineStep(/^the SIM for this phone number has been swapped before the limited history window threshold$/, function (this: CamaraWorld) {
    const days = this.target.monitoredPeriodDays;
    if (days === undefined) throw new Error(`${this.target.name} keeps an unlimited history`);
    this.simHistory({ swappedAt: this.target.now() - (days + 10) * 24 * hourMs });
  });
  defineStep(/^the SIM for this phone number has never been swapped$/, function (this: CamaraWorld) {
    this.simHistory({ swappedAt: null });
  });
  defineStep(/^the phone number is not associated to any sim card$/, function (this: CamaraWorld) {
    this.simHistory({ activatedAt: null, swappedAt: null });
  });
  defineStep(/^the activation of the SIM occurred more than "?(\d+)"? hours ago$/, function (this: CamaraWorld, hours: string) {
    this.simHistory({ activatedAt: this.target.now() - (Number(hours) + 10) * hourMs });
  });
  defineStep(
    /^the "maxAge" request body property is set to a value equal or greater than "(\d+)" within the allowed range$/,
    function (this: CamaraWorld, hours: string) {
      this.bodyOf().maxAge = Number(hours);
    },
  );
  defineStep(/^the request body property "maxAge" is set to a value less than "(\d+)" within the allowed range$/, function (this: CamaraWorld, hours: string) {
    this.bodyOf().maxAge = Number(hours) - 1;
  });
  defineStep(/^the request body property "maxAge" is set to the number of hours since the last SIM swap minus 1$/, function (this: CamaraWorld) {
    const latest = this.history.swappedAt ?? this.history.activatedAt;
    if (latest === null) throw new Error('this SIM has no history');
    this.bodyOf().maxAge = Math.floor((this.target.now() - latest) / hourMs) - 1;
  });
  defineStep(/^the last swap for this phone number's SIM was more than "maxAge" hours ago$/, function (this: CamaraWorld) {
    const latest = this.history.swappedAt ?? this.history.activatedAt;
    if (latest === null || this.target.now() - latest <= Number(this.bodyOf().maxAge) * hourMs) throw new Error('the last change is within maxAge');
  });
  defineStep(
    /^the request body property "\$\.maxAge" does not comply with the OAS schema at "\/components\/schemas\/CreateCheckSimSwap"$/,
    function (this: CamaraWorld) {
      this.bodyOf().maxAge = 'ten';
    },
  );
  defineStep(/^the request body property "\$\.maxAge" is set to (\d+)$/, function (this: CamaraWorld, hours: string) {
    this.bodyOf().maxAge = Number(hours);
  });
  defineStep(
    /^the request body property "\$\.maxAge" is set to a valid value above the supported monitored period of the API Provider$/,
    function (this: CamaraWorld) {
      const days = this.target.monitoredPeriodDays;
      if (days === undefined || days * 24 >= 2400) throw new Error(`${this.target.name} has no monitored period below the 2400 h maximum`);
      this.bodyOf().maxAge = days * 24 + 1;
    },
  );
  defineStep(
    /^the request body property "\$\.phoneNumber" is compliant with the schema but does not identify a valid phone number$/,
    function (this: CamaraWorld) {
      this.bodyOf().phoneNumber = `+8619${String(randomInt(100_000_000, 999_999_999))}`;
    },
  );
  defineStep(/^the value of response property "\$\.swapped" == (true|false)$/, async function (this: CamaraWorld, value: string) {
    expectEqual(property(await this.sent(), 'swapped'), value === 'true', '$.swapped');
  });
  defineStep(
    /^the response property "\$\.latestSimChange" contains (a valid timestamp|the sim's activation timestamp)$/,
    async function (this: CamaraWorld, which: string) {
      const value = property(await this.sent(), 'latestSimChange');
      // RFC 3339 with a time zone, as the spec demands.
      if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value))
        throw new Error(`not an RFC 3339 timestamp: ${String(value)}`);
      const expected = which === 'a valid timestamp' ? (this.history.swappedAt ?? this.history.activatedAt) : this.history.activatedAt;
      expectEqual(Date.parse(value), expected, '$.latestSimChange');
    },
  );
  defineStep(/^the response property "\$\.latestSimChange" is null$/, async function (this: CamaraWorld) {
    expectEqual(property(await this.sent(), 'latestSimChange'), null, '$.latestSimChange');
  });
  defineStep(
    /^the response optionally contains the property "\$\.monitoredPeriod" with the value of monitored time frame \(in days\) supported by the MNO$/,
    async function (this: CamaraWorld) {
      const period = property(await this.sent(), 'monitoredPeriod');
      if (period !== undefined) expectEqual(period, this.target.monitoredPeriodDays, '$.monitoredPeriod');
    },
  );

  // ---- One Time Password SMS ----

  defineStep(
    /^the request body property "\$\.(phoneNumber|message)" is set to config_var: "(phone_number|message)"$/,
    function (this: CamaraWorld, name: string, _configVar: string) {
      this.bodyOf()[name] = name === 'phoneNumber' ? this.phoneNumber : this.otp.message;
    },
  );
  defineStep(/^the request body property "\$\.message" is longer than config_var:"max_lenght"$/, function (this: CamaraWorld) {
    this.bodyOf().message = `{{code}} ${'x'.repeat(this.otp.maxMessageLength)}`;
  });
  defineStep(
    /^the request body property "\$\.phoneNumber" is set to a phone number that (cannot receive SMS|target a landline|that has an active SMS barring|did not belong to the operator)$/,
    function (this: CamaraWorld, kind: string) {
      const { numbers } = this.otp;
      const chosen = {
        'cannot receive SMS': numbers.cannotReceiveSms,
        'target a landline': numbers.landline,
        'that has an active SMS barring': numbers.smsBarred,
      };
      this.bodyOf().phoneNumber = chosen[kind as keyof typeof chosen] ?? numbers.notServed;
    },
  );
  defineStep(/^\(config_var:"max_send"-1\) of send-code requests for this phone number has been submitted$/, async function (this: CamaraWorld) {
    // The daily cap counts per UTC day, and other scenarios move the shared test clock by hours: all sends land in one day.
    const sendsTake = (this.otp.maxSend + 1) * (this.otp.resendIntervalSeconds + 1) * 1000;
    const untilMidnight = Math.ceil(this.target.now() / 86_400_000) * 86_400_000 - this.target.now();
    if (untilMidnight < sendsTake) this.target.advanceSeconds(Math.ceil(untilMidnight / 1000) + 1);
    for (let i = 0; i < this.otp.maxSend - 1; i++) {
      if (i > 0) this.target.advanceSeconds(this.otp.resendIntervalSeconds + 1);
      await this.sendCodeAside();
    }
    this.target.advanceSeconds(this.otp.resendIntervalSeconds + 1);
  });
  defineStep(/^an authenticationId has been retrieved from a send-code request$/, async function (this: CamaraWorld) {
    this.bodyOf().authenticationId = (await this.sendCodeAside()).authenticationId;
  });
  defineStep(/^request body property "\$\.authenticationId" is set to the value from send-code request$/, async function (this: CamaraWorld) {
    this.bodyOf().authenticationId = (this.attempts.at(-1) ?? (await this.sendCodeAside())).authenticationId;
  });
  defineStep(
    /^the request body property "\$\.code" is set to (?:the value received in the SMS|the received in the SMS|the code received in the SMS)$/,
    function (this: CamaraWorld) {
      this.bodyOf().code = this.attempts.at(-1)!.code;
    },
  );
  defineStep(/^the request body property "\$\.code" is set to a value distinct from the value received in the SMS$/, function (this: CamaraWorld) {
    this.bodyOf().code = this.attempts.at(-1)!.code === '000000' ? '111111' : '000000';
  });
  defineStep(/^the request body property "\$\.code" is set to a format valid value$/, function (this: CamaraWorld) {
    this.bodyOf().code = '123456';
  });
  defineStep(/^the request body property "\$\.authenticationId" is set to an unknown value$/, function (this: CamaraWorld) {
    this.bodyOf().authenticationId = randomUUID();
  });
  defineStep(/^the time elapsed since the send-code exceed the allowed time$/, function (this: CamaraWorld) {
    this.target.advanceSeconds(this.otp.validitySeconds + 1);
  });
  defineStep(/^Two send-code request has been sequentially triggered for the same phoneNumber$/, async function (this: CamaraWorld) {
    await this.sendCodeAside();
    this.target.advanceSeconds(this.otp.resendIntervalSeconds + 1);
    await this.sendCodeAside();
  });
  defineStep(/^request body property "\$\.authenticationId" is set to the value got for the first send-code request$/, function (this: CamaraWorld) {
    this.bodyOf().authenticationId = this.attempts[0]!.authenticationId;
  });
  defineStep(/^the request body property "\$\.code" is set to the received in the SMS for this first request$/, function (this: CamaraWorld) {
    this.bodyOf().code = this.attempts[0]!.code;
  });
  defineStep(/^a validate-code has been succesfully performed for a authenticationId$/, async function (this: CamaraWorld) {
    const attempt = await this.sendCodeAside();
    const answer = await this.validateAside(attempt.authenticationId, attempt.code);
    expectEqual(answer.status, 204, 'the first validate-code');
  });
  defineStep(/^request body property "\$\.authenticationId" is valued again with this authenticationId$/, function (this: CamaraWorld) {
    this.bodyOf().authenticationId = this.attempts.at(-1)!.authenticationId;
  });
  defineStep(
    /^\(config_var:"max_try"-1\) calls with the request body property "\$\.code" set to a value distinct from the value received in the SMS were performed$/,
    async function (this: CamaraWorld) {
      const attempt = this.attempts.at(-1)!;
      const wrong = attempt.code === '000000' ? '111111' : '000000';
      for (let i = 0; i < this.otp.maxTry - 1; i++) {
        expectEqual(property(await this.validateAside(attempt.authenticationId, wrong), 'code'), 'ONE_TIME_PASSWORD_SMS.INVALID_OTP', `wrong code ${i + 1}`);
      }
    },
  );

  // ---- sending ----

  defineStep(/^the request "(\w+)" is sent$/, async function (this: CamaraWorld, operationId: string) {
    if (!operations[operationId]) throw new Error(`unknown operation ${operationId}`);
    this.operationId = operationId;
    await this.send();
  });
  defineStep(/^the HTTP "(GET|POST)" request is sent$/, async function (this: CamaraWorld, method: string) {
    expectEqual(method, this.operation.method, `the method of ${this.operationId}`);
    await this.send();
  });

  // ---- the answer ----

  defineStep(/^the response status code is "?(\d{3})"?$/, async function (this: CamaraWorld, status: string) {
    const answer = await this.sent();
    expectEqual(answer.status, Number(status), `status (${answer.text})`);
  });
  defineStep(/^the response property "\$\.status" is (\d{3})$/, async function (this: CamaraWorld, status: string) {
    const answer = await this.sent();
    expectEqual(answer.status, Number(status), `status (${answer.text})`);
    const inBody = property(answer, 'status');
    if (inBody !== undefined) expectEqual(inBody, Number(status), '$.status');
  });
  defineStep(/^the response property "\$\.code" is "([^"]+)"$/, async function (this: CamaraWorld, code: string) {
    expectEqual(property(await this.sent(), 'code'), code, '$.code');
  });
  defineStep(/^the response property "\$\.message" contains a user friendly text$/, async function (this: CamaraWorld) {
    const message = property(await this.sent(), 'message');
    if (typeof message !== 'string' || message.trim().length < 10) throw new Error(`$.message is not a sentence: ${JSON.stringify(message)}`);
  });
  defineStep(/^the response header "Content-Type" is "application\/json"$/, async function (this: CamaraWorld) {
    const type = (await this.sent()).headers.get('content-type') ?? '';
    if (!/^application\/json\b/.test(type)) throw new Error(`Content-Type is ${type}`);
  });
  defineStep(/^the response header "x-correlator" has same value as the request header "x-correlator"$/, async function (this: CamaraWorld) {
    expectEqual((await this.sent()).headers.get('x-correlator'), this.headers['x-correlator'] ?? null, 'x-correlator');
  });
  defineStep(/^the response body complies with the OAS schema at "#?(\/components\/schemas\/\w+)"$/, async function (this: CamaraWorld, pointer: string) {
    const validate = schemas(this.operation.api, pointer);
    if (!validate((await this.sent()).json)) throw new Error(`the body does not comply with ${pointer}: ${JSON.stringify(validate.errors)}`);
  });
}
