import type { Policy } from './policy/policySchema.js';
import type { ProofMethod, SessionContext } from './sessionContext.js';
import type { DeviceSignals, ResultEvent } from './sessionEvents.js';

/** A result event as an action reports it: the engine stamps `at` when it takes it. */
export type UnstampedResult<T extends ResultEvent['type'] = ResultEvent['type']> = T extends unknown ? Omit<Extract<ResultEvent, { type: T }>, 'at'> : never;

/**
 * How the shell retries an action that failed for now, by name; the numbers (attempts, backoff)
 * belong to the shell's configuration. `none`: a failure is the result (e.g. a carrier error is a
 * CARRIER_RESULT the policy routes).
 */
export type RetryClass = 'none' | 'quick' | 'sms' | 'webhook';

export interface ActionSpec<Params, Result extends ResultEvent['type']> {
  /** The events that report the action's result to the machine; none for an effect. */
  readonly results: readonly Result[];
  /** An effect reports nothing back (a webhook): the machine does not wait for it. */
  readonly effect: boolean;
  /**
   * The action reaches the outside world in a way that must be carried out even if this process dies
   * (an SMS goes to a person, whose code the session must then take): the transition that asked for it
   * is saved, with the action in its outbox, before it runs, and the sweeper hands it over after a
   * crash. Other actions run first and their results are saved with the event: risk checks and tokens
   * are safe to redo, and a carrier exchange cannot be redone (its token is single use), so after a
   * crash the client's retry of NUMBER_AUTH_TOKEN takes the policy's carrier-error route, as a
   * recovered exchange would.
   */
  readonly saveFirst: boolean;
  readonly retry: RetryClass;
  /** What the machine hears when the action has failed for good; null: nothing, the session waits and expires. */
  readonly onGiveUp: (params: Params, reason: string) => UnstampedResult<Result> | null;
  /** Only for typing: the parameter type the machine passes. */
  readonly params?: Params;
}

function action<Params>() {
  return <const Result extends ResultEvent['type'] = never>(spec: Omit<ActionSpec<Params, Result>, 'params'>): ActionSpec<Params, Result> => spec;
}

const riskUnavailable = { score: 100, reasons: ['risk check unavailable'], ruleHit: false };

export type SendSmsCodeParams = { phoneNumber: string } & Omit<Policy['nodes']['smsCode'], 'enabled' | 'maxSends'>;

/**
 * Every named action of the session statechart, in one place: its parameters, the events that
 * report its result, whether it is an effect, whether it must be saved before it runs, how it is
 * retried, and what the machine hears when it gives up. The machine's `setup()`, the shell's
 * handlers and jobs, and the tests derive from this.
 */
export const actionCatalogue = {
  assessEndpointRisk: action<{ device: DeviceSignals; schemeCode: string; platform: string }>()({
    results: ['ENDPOINT_RISK_RESULT'],
    effect: false,
    saveFirst: false,
    retry: 'quick',
    // A risk check that cannot be made counts as risky: fail closed.
    onGiveUp: () => ({ type: 'ENDPOINT_RISK_RESULT', ...riskUnavailable }),
  }),
  assessPhoneRisk: action<{ phoneNumber: string; schemeCode: string }>()({
    results: ['PHONE_RISK_RESULT'],
    effect: false,
    saveFirst: false,
    retry: 'quick',
    onGiveUp: () => ({ type: 'PHONE_RISK_RESULT', ...riskUnavailable }),
  }),
  exchangeCarrierToken: action<{ accessToken: string; h5: boolean }>()({
    results: ['CARRIER_RESULT'],
    effect: false,
    saveFirst: false,
    retry: 'none',
    onGiveUp: () => ({ type: 'CARRIER_RESULT', outcome: 'error', providerCode: 'GAVE_UP' }),
  }),
  verifyCarrierToken: action<{ accessToken: string; phoneNumber: string; h5: boolean }>()({
    results: ['CARRIER_RESULT'],
    effect: false,
    saveFirst: false,
    retry: 'none',
    onGiveUp: () => ({ type: 'CARRIER_RESULT', outcome: 'error', providerCode: 'GAVE_UP' }),
  }),
  sendSmsCode: action<SendSmsCodeParams>()({
    results: ['SMS_SENT', 'SMS_NOT_SENT', 'SMS_FAILED'],
    effect: false,
    saveFirst: true,
    retry: 'sms',
    onGiveUp: (_params, reason) => ({ type: 'SMS_FAILED', permanent: false, detail: reason }),
  }),
  prepareUplinkSms: action<{ receivingNumber: string; validitySeconds: number }>()({
    results: ['UPLINK_SMS_READY'],
    effect: false,
    saveFirst: false,
    retry: 'quick',
    onGiveUp: () => null,
  }),
  createCaptchaChallenge: action<{ difficulty: Policy['nodes']['captcha']['difficulty'] }>()({
    results: ['CAPTCHA_READY'],
    effect: false,
    saveFirst: false,
    retry: 'quick',
    onGiveUp: () => null,
  }),
  issueVerifyToken: action<{ phoneNumber: string; method: ProofMethod; scoring: boolean; provedNumbers: SessionContext['provedNumbers'] }>()({
    results: ['VERIFY_TOKEN_ISSUED'],
    effect: false,
    saveFirst: false,
    retry: 'quick',
    onGiveUp: () => null,
  }),
  /** Tells the app backend the session has finished (a signed webhook). */
  notifyApp: action<{ status: 'verified' | 'failed' | 'expired' }>()({
    results: [],
    effect: true,
    saveFirst: false,
    retry: 'webhook',
    onGiveUp: () => null,
  }),
} as const;

export type ActionCatalogue = typeof actionCatalogue;
export type ActionName = keyof ActionCatalogue;
export type ActionParams<N extends ActionName> = NonNullable<ActionCatalogue[N]['params']>;
export type ActionResult<N extends ActionName> = ActionCatalogue[N] extends ActionSpec<any, infer R> ? UnstampedResult<R> : never;

export const actionNames = Object.keys(actionCatalogue) as ActionName[];

export function isActionName(type: string): type is ActionName {
  return Object.hasOwn(actionCatalogue, type);
}

/** A named action as a transition returns it and the outbox keeps it. */
export type NamedAction = { [N in ActionName]: { type: N; params: ActionParams<N> } }[ActionName];

/** The result event types of every action: what only the shell may send the machine. */
export const resultEventsOfActions: ReadonlySet<string> = new Set(actionNames.flatMap((name) => actionCatalogue[name].results as readonly string[]));

/**
 * The implementations `setup()` takes: none of them does anything, since the shell carries the
 * actions out after the transition is saved, but their parameter types let XState check every use.
 */
export function actionDeclarations(): { [N in ActionName]: (_: unknown, params: ActionParams<N>) => void } {
  return Object.fromEntries(actionNames.map((name) => [name, () => {}])) as unknown as { [N in ActionName]: (_: unknown, params: ActionParams<N>) => void };
}
