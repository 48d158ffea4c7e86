import { androidScheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';

/** One answer the server gave (or did not: status 0 is a request that got no HTTP answer). */
export interface Answer {
  route: string;
  startedAt: number;
  ms: number;
  status: number;
  retryAfter: string | null;
  errorCode?: string;
}

interface Reply {
  status: number;
  body: any;
}

/** No request may hang the test: one that gets no answer in this long counts as status 0. */
const REQUEST_DEADLINE_MS = 15_000;
/** A client that got 503 tries again after this long (shorter than Retry-After, to keep the load steady). */
const RETRY_PAUSE_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the load learned of a session from answers with a 2xx status: the newest version it was told. */
export interface SeenSession {
  id: string;
  phoneNumber: string;
  version: number;
  status: string;
}

/**
 * Real clients against a server process: each runs whole flows one after another (token, session
 * start, the SMS code read from the simulator, a wrong code, the right one, the verify-token
 * exchange), trying a step again after a 503 as a client would. Every answer is recorded.
 */
export class SteadyLoad {
  readonly answers: Answer[] = [];
  readonly sessions = new Map<string, SeenSession>();
  flowsVerified = 0;
  /** Flows that ended otherwise while the load ran (a session that failed, an answer a client could not go on from). */
  flowsGivenUp = 0;
  private running = false;
  private users: Promise<void>[] = [];
  private numbers = 0;

  constructor(
    private readonly baseUrl: string,
    /** Numbers are this prefix plus a counter: unique per test, so no per-number limit is shared. */
    private readonly numberPrefix: string,
  ) {}

  start(concurrency: number): void {
    this.running = true;
    this.users = Array.from({ length: concurrency }, () => this.user());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.users);
  }

  nextPhoneNumber(): string {
    return `${this.numberPrefix}${String(this.numbers++).padStart(11 - this.numberPrefix.length, '0')}`;
  }

  /** Opens a session on a fresh number up to the SMS code step: the session and the code the user received. */
  async sessionAwaitingCode(): Promise<{ session: SeenSession; authToken: string; code: string }> {
    const phoneNumber = this.nextPhoneNumber();
    const authToken = await this.authToken(phoneNumber);
    const opened = await this.call('open', 'POST', '/v1/sessions', { sceneCode: '100003', device: {} }, { bearer: authToken });
    if (opened.status !== 201 || opened.body.nextAction?.type !== 'smsCode') throw new Error(`session start: ${opened.status} ${JSON.stringify(opened.body)}`);
    const code = await this.latestCode(phoneNumber);
    if (!code) throw new Error(`no SMS code for ${phoneNumber}`);
    const session = this.sessions.get(opened.body.id)!;
    session.phoneNumber = phoneNumber;
    return { session: { ...session }, authToken, code };
  }

  async authToken(phoneNumber: string): Promise<string> {
    const reply = await this.requestAuthToken(phoneNumber);
    if (reply.status !== 200) throw new Error(`token: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.authToken;
  }

  /** What an app backend asks for its client: an auth token for the Android scheme, bound to the number. */
  private requestAuthToken(phoneNumber: string): Promise<Reply> {
    const { code: schemeCode, platform, packageName, packageSign } = androidScheme;
    return this.call(
      'token',
      'POST',
      '/v1/fusion-auth/token',
      { schemeCode, platform, packageName, packageSign, durationSeconds: 900, phoneNumber },
      'accessKey',
    );
  }

  /** One request, recorded; sessions in 2xx answers are remembered with their version. */
  async call(route: string, method: string, path: string, body?: unknown, auth: 'accessKey' | { bearer: string } | 'none' = 'none'): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth === 'accessKey')
      headers.authorization = `Basic ${Buffer.from(`${testCredentials.accessKeyId}:${testCredentials.accessKeySecret}`).toString('base64')}`;
    else if (auth !== 'none') headers.authorization = `Bearer ${auth.bearer}`;
    const startedAt = Date.now();
    let reply: Reply;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
      });
      const text = await response.text();
      retryAfter = response.headers.get('retry-after');
      reply = { status: response.status, body: text ? safeJson(text) : undefined };
    } catch {
      reply = { status: 0, body: undefined };
    }
    const errorCode = reply.body?.error?.code;
    this.answers.push({ route, startedAt, ms: Date.now() - startedAt, status: reply.status, retryAfter, ...(errorCode ? { errorCode } : {}) });
    if (reply.status >= 200 && reply.status < 300 && typeof reply.body?.id === 'string' && typeof reply.body?.version === 'number') {
      const seen = this.sessions.get(reply.body.id);
      this.sessions.set(reply.body.id, {
        id: reply.body.id,
        phoneNumber: seen?.phoneNumber ?? '',
        version: Math.max(seen?.version ?? 0, reply.body.version),
        status: reply.body.status,
      });
    }
    return reply;
  }

  private async user(): Promise<void> {
    while (this.running) {
      const outcome = await this.flow().catch(() => 'abandoned' as const);
      if (outcome === 'verified') this.flowsVerified++;
      // A flow cut off by the end of the load is not given up.
      else if (this.running) this.flowsGivenUp++;
    }
  }

  /** A request repeated while the answer is 503 (or none), for at most about ten seconds: what a client does after an outage. */
  async retrying(request: () => Promise<Reply>): Promise<Reply> {
    let reply = await request();
    for (let attempt = 0; attempt < 100 && (reply.status === 503 || reply.status === 0); attempt++) {
      await sleep(RETRY_PAUSE_MS);
      reply = await request();
    }
    return reply;
  }

  /** Repeats a request while the answer is 503 (or none), as long as the load runs. */
  private async untilAnswered(request: () => Promise<Reply>): Promise<Reply | undefined> {
    while (this.running) {
      const reply = await request();
      if (reply.status !== 503 && reply.status !== 0) return reply;
      await sleep(RETRY_PAUSE_MS);
    }
    return undefined;
  }

  private async flow(): Promise<'verified' | 'abandoned'> {
    const phoneNumber = this.nextPhoneNumber();
    const token = await this.untilAnswered(() => this.requestAuthToken(phoneNumber));
    if (token?.status !== 200) return 'abandoned';
    const bearer = { bearer: token.body.authToken as string };
    const opened = await this.untilAnswered(() => this.call('open', 'POST', '/v1/sessions', { sceneCode: '100003', device: {} }, bearer));
    if (opened?.status !== 201) return 'abandoned';
    const id = opened.body.id as string;
    this.sessions.get(id)!.phoneNumber = phoneNumber;
    const read = () => this.untilAnswered(() => this.call('read', 'GET', `/v1/sessions/${id}`, undefined, bearer));

    let view = opened.body;
    for (let reads = 0; view.status === 'pending' && view.nextAction?.type !== 'smsCode' && reads < 100; reads++) {
      await sleep(50);
      view = (await read())?.body ?? view;
    }
    if (view.nextAction?.type !== 'smsCode') return 'abandoned';
    const code = await this.latestCode(phoneNumber);
    if (!code) return 'abandoned';
    const wrong = code === '000000' ? '111111' : '000000';

    const wrongAnswer = await this.untilAnswered(() => this.call('event', 'POST', `/v1/sessions/${id}/events`, { type: 'SMS_CODE', code: wrong }, bearer));
    if (!wrongAnswer) return 'abandoned';
    for (let attempt = 0; attempt < 20 && this.running; attempt++) {
      const answer = await this.untilAnswered(() => this.call('event', 'POST', `/v1/sessions/${id}/events`, { type: 'SMS_CODE', code }, bearer));
      // A 409 (the write of a request answered 503 may have landed after all): read where the session is.
      view = answer?.status === 200 ? answer.body : ((await read())?.body ?? view);
      if (view.status !== 'pending' || view.nextAction?.type !== 'smsCode') break;
    }
    for (let reads = 0; view.status === 'pending' && reads < 100 && this.running; reads++) {
      await sleep(50);
      view = (await read())?.body ?? view;
    }
    if (view.status !== 'verified' || !view.verifyToken) return 'abandoned';
    const verified = await this.untilAnswered(() => this.call('verify', 'POST', '/v1/fusion-auth/verify', { verifyToken: view.verifyToken }, 'accessKey'));
    return verified?.status === 200 && verified.body.verifyResult === 'PASS' ? 'verified' : 'abandoned';
  }

  private async latestCode(phoneNumber: string): Promise<string | undefined> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const reply = await this.call('sms', 'GET', `/v1/simulator/sms?phoneNumber=${phoneNumber}`);
      const text: string = reply.body?.messages?.at?.(-1)?.text ?? '';
      const code = /(\d{4,8})/.exec(text)?.[1];
      if (code) return code;
      await sleep(RETRY_PAUSE_MS);
    }
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
