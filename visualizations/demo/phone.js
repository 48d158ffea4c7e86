/**
 * The phone around the demo page, played by the simulator: the carrier's H5 SDK that returns a
 * carrier token over cellular data, the SMS inbox, and the SMS app that sends an uplink SMS.
 * A real H5 page gets its carrier token from the carrier's JS SDK instead (see the README).
 */
export class SimulatedPhone {
  /** @param {{number: string, carrier: string, network: 'cellular' | 'wifi', carrierOutcome: string}} settings */
  constructor(settings) {
    this.number = settings.number;
    this.carrier = settings.carrier;
    this.network = settings.network;
    this.carrierOutcome = settings.carrierOutcome;
    /** The numbers whose SMS reach this phone, with how many of their messages it has seen. */
    this.seen = new Map();
  }

  get onCellular() {
    return this.network === 'cellular';
  }

  /** What the carrier SDK returns on the device: a single-use carrier token, only over cellular data. */
  async carrierToken() {
    if (!this.onCellular) throw new Error('the carrier cannot see this phone over Wi-Fi');
    const answer = await simulator('POST', '/v1/simulator/carrier-token', { phoneNumber: this.number, carrier: this.carrier, outcome: this.carrierOutcome });
    return answer.accessToken;
  }

  /** The phone's SMS app: sends `text` to `to` from this phone's number. */
  async sendSms(to, text) {
    await simulator('POST', '/v1/simulator/uplink-sms', { from: this.number, to, text });
  }

  /**
   * Calls `onMessage` with every SMS that reaches this phone from now on: to its own number, and to
   * any other number `watch` adds (a second SIM, say, for a new number). Resolves, once it knows
   * what "now" is, with the way to stop.
   */
  async watchInbox(onMessage) {
    let stopped = false;
    await this.watch(this.number);
    (async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (const [number, seen] of this.seen) {
          if (stopped) return;
          const messages = await this.messages(number).catch(() => []);
          for (const message of messages.slice(seen)) onMessage(message);
          this.seen.set(number, Math.max(seen, messages.length));
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }

  /** From now on, SMS to `number` reach this phone too. */
  async watch(number) {
    if (this.seen.has(number)) return;
    const messages = await this.messages(number).catch(() => null); // not a number the simulator takes: nothing will come
    if (messages) this.seen.set(number, messages.length);
  }

  async messages(number) {
    const answer = await simulator('GET', `/v1/simulator/sms?phoneNumber=${encodeURIComponent(number)}`);
    return answer.messages;
  }
}

async function simulator(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error?.message ?? `the simulator answered ${response.status}`);
  return answer;
}
