import type { ClientEvent, NextAction, NextActionOf, NextActionType, SessionView } from './apiTypes.js';
import type { NumberflowClient } from './numberflowClient.js';
import { NumberflowError } from './numberflowError.js';

/** What the app does for each `nextAction` it is asked to take: show a screen, then make one call on the session. */
export type NextActionHandlers = {
  [T in Exclude<NextActionType, 'wait' | 'none'>]?: (action: NextActionOf<T>, session: NumberflowSession) => Promise<void>;
};

export type SessionListener = (view: SessionView) => void;

/**
 * One session, as its client sees it: the latest view, one typed call per event, `settle()` for
 * `wait`, and `follow()`, which runs the session to its end with one handler per `nextAction`.
 */
export class NumberflowSession {
  #view: SessionView;
  readonly #listeners = new Set<SessionListener>();

  constructor(
    private readonly client: NumberflowClient,
    view: SessionView,
  ) {
    this.#view = view;
  }

  get id(): string {
    return this.#view.id;
  }
  get view(): SessionView {
    return this.#view;
  }
  get status(): SessionView['status'] {
    return this.#view.status;
  }
  get nextAction(): NextAction {
    return this.#view.nextAction;
  }
  /** Only on a verified session: hand it to the app backend, which exchanges it (VerifyWithFusionAuthToken). */
  get verifyToken(): string | undefined {
    return this.#view.verifyToken;
  }

  /** Called with every new view of the session; returns the way to stop listening. */
  onChange(listener: SessionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The carrier token the carrier SDK (or the H5 carrier page) returned on the device. */
  numberAuthToken(accessToken: string) {
    return this.send({ type: 'NUMBER_AUTH_TOKEN', accessToken });
  }
  /** The middle four digits of the number shown masked (H5). */
  middleDigits(digits: string) {
    return this.send({ type: 'MIDDLE_DIGITS', digits });
  }
  /** The user (or the carrier SDK) gives up on one-click: go to the SMS code. */
  switchToSms() {
    return this.send({ type: 'SWITCH_TO_SMS' });
  }
  phoneNumber(phoneNumber: string) {
    return this.send({ type: 'PHONE_NUMBER', phoneNumber });
  }
  smsCode(code: string) {
    return this.send({ type: 'SMS_CODE', code });
  }
  resendSms() {
    return this.send({ type: 'RESEND_SMS' });
  }
  /** The user says they sent the uplink SMS; the session waits for it to arrive. */
  uplinkSmsSent() {
    return this.send({ type: 'UPLINK_SMS_SENT' });
  }
  /** What the ALTCHA widget produced for the challenge of `nextAction.captcha`. */
  captchaSolution(solution: string | Record<string, unknown>) {
    return this.send({ type: 'CAPTCHA_SOLUTION', solution });
  }
  cancel() {
    return this.send({ type: 'CANCEL' });
  }

  /** Any client event; the typed calls above are this with their payloads. */
  async send(event: ClientEvent): Promise<SessionView> {
    return this.update(await this.client.sendEvent(this.id, event));
  }

  async refresh(): Promise<SessionView> {
    return this.update(await this.client.getSession(this.id));
  }

  /**
   * While the server works for the session (`nextAction: wait`), looks again with backoff, then
   * returns the view that asks something of the client (or the finished session).
   */
  async settle(): Promise<SessionView> {
    await this.pollWhile((view) => view.status === 'pending' && view.nextAction.type === 'wait');
    return this.#view;
  }

  /**
   * Runs the session to its end: settles each `wait`, hands every other `nextAction` to its
   * handler, and returns the final view (verified, failed or expired). A handler normally makes
   * one call on the session; one that makes none (the user is sending the uplink SMS, say) has the
   * session looked at again with backoff until it moves.
   */
  async follow(handlers: NextActionHandlers): Promise<SessionView> {
    for (;;) {
      const view = await this.settle();
      if (view.status !== 'pending' || view.nextAction.type === 'none' || view.nextAction.type === 'wait') return view;
      const action = view.nextAction;
      const handler = handlers[action.type] as ((action: NextAction, session: NumberflowSession) => Promise<void>) | undefined;
      if (!handler) throw new Error(`no handler for nextAction ${action.type}`);
      await handler(action, this);
      if (this.#view.version === view.version) await this.pollWhile((next) => next.version === view.version);
    }
  }

  private async pollWhile(waiting: (view: SessionView) => boolean): Promise<void> {
    const { initialDelayMs, factor, maxDelayMs, timeoutMs } = this.client.wait;
    let delay = initialDelayMs;
    let waited = 0;
    while (waiting(this.#view)) {
      if (waited >= timeoutMs) throw new NumberflowError(0, 'WAIT_TIMED_OUT', `session ${this.id} still waits after ${waited} ms`);
      await this.client.sleep(delay);
      waited += delay;
      delay = Math.min(maxDelayMs, delay * factor);
      await this.refresh();
    }
  }

  private update(view: SessionView): SessionView {
    const changed = view.version !== this.#view.version || view.status !== this.#view.status;
    this.#view = view;
    if (changed) for (const listener of this.#listeners) listener(view);
    return view;
  }
}
