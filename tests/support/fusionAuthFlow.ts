import { expect } from 'vitest';
import { demoSchemes } from '../../server/setup/demoSchemes.js';
import type { ApiClient, ApiResponse } from './apiClient.js';
import { until } from './until.js';

export const androidScheme = demoSchemes[0]!;
export const h5Scheme = demoSchemes[3]!;

/** The steps an app backend and its client take, written once for every test. */
export class FusionAuthFlow {
  constructor(private readonly api: ApiClient) {}

  async authToken(scheme = androidScheme, extra: Record<string, unknown> = {}): Promise<string> {
    const identity = Object.fromEntries(
      (['packageName', 'packageSign', 'bundleId', 'appId', 'origin'] as const).filter((k) => scheme[k] !== undefined).map((k) => [k, scheme[k]]),
    );
    const response = await this.api.post(
      '/v1/fusion-auth/token',
      { schemeCode: scheme.code, platform: scheme.platform, ...identity, durationSeconds: 900, ...extra },
      'accessKey',
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.authToken as string;
  }

  async open(authToken: string, sceneCode: string, device: Record<string, unknown> = {}): Promise<ApiResponse> {
    return this.api.post('/v1/sessions', { sceneCode, device }, { bearer: authToken });
  }

  async openOk(authToken: string, sceneCode: string, device: Record<string, unknown> = {}) {
    const response = await this.open(authToken, sceneCode, device);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  send(authToken: string, sessionId: string, event: Record<string, unknown>): Promise<ApiResponse> {
    return this.api.post(`/v1/sessions/${sessionId}/events`, event, { bearer: authToken });
  }

  async sendOk(authToken: string, sessionId: string, event: Record<string, unknown>) {
    const response = await this.send(authToken, sessionId, event);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  get(authToken: string, sessionId: string): Promise<ApiResponse> {
    return this.api.get(`/v1/sessions/${sessionId}`, { bearer: authToken });
  }

  /** The session once no work of its own is in flight (a send retried by a job has gone out or been given up), as a client polling `wait` sees it. */
  async settled(authToken: string, sessionId: string, timeoutMs = 15_000) {
    let view = (await this.get(authToken, sessionId)).body;
    await until(
      async () => {
        view = (await this.get(authToken, sessionId)).body;
        return view.nextAction?.type !== 'wait';
      },
      timeoutMs,
      `session ${sessionId} to settle`,
    );
    return view;
  }

  async carrierToken(phoneNumber: string, outcome = 'ok', carrier?: string): Promise<string> {
    const response = await this.api.post('/v1/simulator/carrier-token', { phoneNumber, outcome, ...(carrier ? { carrier } : {}) });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.accessToken as string;
  }

  async smsMessages(phoneNumber: string): Promise<{ to: string; text: string; sentAt: string }[]> {
    const response = await this.api.get(`/v1/simulator/sms?phoneNumber=${phoneNumber}`);
    expect(response.status).toBe(200);
    return response.body.messages;
  }

  /** The code in the newest SMS to this number, read from the simulator's outbox as a user reads their phone. */
  async latestSmsCode(phoneNumber: string): Promise<string> {
    const messages = await this.smsMessages(phoneNumber);
    const text = messages.at(-1)?.text ?? '';
    const code = /(\d{4,8})/.exec(text)?.[1];
    expect(code, `no code in SMS to ${phoneNumber}: ${text}`).toBeDefined();
    return code!;
  }

  async verify(verifyToken: string): Promise<ApiResponse> {
    return this.api.post('/v1/fusion-auth/verify', { verifyToken }, 'accessKey');
  }
}
