/**
 * What the measured requests need, made beforehand over numberflow's public HTTP contract: the
 * app backend's auth token, fresh sessions, carrier tokens from the simulator, and the steps built
 * from them, one fresh session per step.
 */
import { demoSchemes } from '../../server/setup/demoSchemes.js';
import { benchCredentials, benchSettings } from './benchSettings.js';
import { describeFailures, runLoad, type HttpRequest } from './loadTest.js';

const android = demoSchemes[0]!;
/** Scene 100001 (one-click logon) starts at number auth; scene 100004 (bind a new number) asks for the number at once. */
export const oneClickScene = '100001';
export const smsScene = '100004';

let phoneNumbersUsed = 0;
/** A number no earlier request of this run used, so per-number velocity and SMS limits stay out of the figures. */
function freshPhoneNumber(): string {
  phoneNumbersUsed += 1;
  return `139${String(phoneNumbersUsed).padStart(8, '0')}`;
}

/** A supply that hands out the list's requests once each, in order. */
export function oneEach(requests: readonly HttpRequest[]): () => HttpRequest | undefined {
  let next = 0;
  return () => requests[next++];
}

export class SessionSupply {
  private constructor(
    readonly baseUrl: string,
    private readonly bearer: Record<string, string>,
  ) {}

  /** An auth token for the Android demo scheme, as the app backend asks for it (GetFusionAuthToken). */
  static async forAndroidScheme(baseUrl: string): Promise<SessionSupply> {
    const basic = Buffer.from(`${benchCredentials.accessKeyId}:${benchCredentials.accessKeySecret}`).toString('base64');
    const response = await fetch(`${baseUrl}/v1/fusion-auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
      body: JSON.stringify({
        schemeCode: android.code,
        platform: android.platform,
        packageName: android.packageName,
        packageSign: android.packageSign,
        durationSeconds: 3600,
      }),
    });
    const body = (await response.json()) as { authToken?: string };
    if (!response.ok || !body.authToken) throw new Error(`auth token: ${response.status} ${JSON.stringify(body)}`);
    return new SessionSupply(baseUrl, { authorization: `Bearer ${body.authToken}` });
  }

  createRequest(sceneCode: string): HttpRequest {
    return { method: 'POST', path: '/v1/sessions', headers: this.bearer, body: JSON.stringify({ sceneCode, device: {} }) };
  }

  readRequest(sessionId: string): HttpRequest {
    return { method: 'GET', path: `/v1/sessions/${sessionId}`, headers: this.bearer };
  }

  eventRequest(sessionId: string, event: Record<string, unknown>): HttpRequest {
    return { method: 'POST', path: `/v1/sessions/${sessionId}/events`, headers: this.bearer, body: JSON.stringify(event) };
  }

  /** `count` new sessions of the scene; their ids. */
  async sessions(sceneCode: string, count: number): Promise<string[]> {
    const answers = await this.#collect(this.createRequest(sceneCode), count, `${sceneCode} sessions`);
    return answers.map((body) => (JSON.parse(body) as { id: string }).id);
  }

  /** One-click steps (`NUMBER_AUTH_TOKEN`), each with a carrier token of its own on a fresh session. */
  async oneClickSteps(count: number): Promise<HttpRequest[]> {
    return this.oneClickStepsFor(await this.sessions(oneClickScene, count));
  }

  /** A one-click step for each of these sessions (of scene 100001, not yet stepped). */
  async oneClickStepsFor(sessionIds: readonly string[]): Promise<HttpRequest[]> {
    // Carrier tokens last two minutes (China Mobile): taken after the sessions, just before they are used.
    const tokens = await this.#collect(
      () => ({ method: 'POST', path: '/v1/simulator/carrier-token', body: JSON.stringify({ phoneNumber: freshPhoneNumber() }) }),
      sessionIds.length,
      'carrier tokens',
    );
    return sessionIds.map((id, i) =>
      this.eventRequest(id, { type: 'NUMBER_AUTH_TOKEN', accessToken: (JSON.parse(tokens[i]!) as { accessToken: string }).accessToken }),
    );
  }

  /** SMS steps (`PHONE_NUMBER`, which sends a code), each on a fresh session with a number of its own. */
  async smsSteps(count: number): Promise<HttpRequest[]> {
    const sessionIds = await this.sessions(smsScene, count);
    return sessionIds.map((id) => this.eventRequest(id, { type: 'PHONE_NUMBER', phoneNumber: freshPhoneNumber() }));
  }

  /** The app backend redeems verify tokens (VerifyWithFusionAuthToken), as at the end of a logon. */
  async redeem(verifyTokens: readonly string[]): Promise<void> {
    const basic = Buffer.from(`${benchCredentials.accessKeyId}:${benchCredentials.accessKeySecret}`).toString('base64');
    const requests = verifyTokens.map((verifyToken): HttpRequest => ({
      method: 'POST',
      path: '/v1/fusion-auth/verify',
      headers: { authorization: `Basic ${basic}` },
      body: JSON.stringify({ verifyToken }),
    }));
    await this.#collect(oneEach(requests), requests.length, 'verify-token exchanges', '"verifyResult":"PASS"');
  }

  /** Sends `count` requests at the benchmark's concurrency; every answer must be 2xx (and hold `expect`). */
  async #collect(request: HttpRequest | (() => HttpRequest | undefined), count: number, what: string, expect?: string): Promise<string[]> {
    const answers: string[] = [];
    const result = await runLoad(
      this.baseUrl,
      { request, ...(expect ? { expect } : {}), onAnswer: (body) => answers.push(body) },
      { connections: benchSettings.connections, amount: count },
    );
    if (answers.length !== count) throw new Error(`${what}: ${answers.length} of ${count} answered as expected (${describeFailures(result)})`);
    return answers;
  }
}
