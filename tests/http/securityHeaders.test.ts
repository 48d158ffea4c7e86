import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedV1Params } from '../support/dypnsSdk.js';
import { androidScheme, FusionAuthFlow } from '../support/fusionAuthFlow.js';
import { startTestServer, testCredentials, type TestServer } from '../support/testServer.js';
import type { ApiResponse } from '../support/apiClient.js';

/**
 * The headers every answer carries (helmet): no sniffing, no caching of anything that may hold a
 * token, a code or a secret, a CSP that lets the API's answers run nothing and the pages only
 * their own files, and never in a frame. `/metrics` wants a bearer token once one is configured.
 */
const metricsToken = 'metrics-token-0123456789';
let open: TestServer;
let guarded: TestServer;
beforeAll(async () => {
  [open, guarded] = await Promise.all([startTestServer({ store: 'memory' }), startTestServer({ store: 'memory', env: { METRICS_TOKEN: metricsToken } })]);
});
afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
});

const appIdentity = {
  schemeCode: androidScheme.code,
  platform: androidScheme.platform,
  packageName: androidScheme.packageName,
  packageSign: androidScheme.packageSign,
};

const directivesOf = (response: ApiResponse) =>
  new Map(
    (response.headers.get('content-security-policy') ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1).join(' ')]),
  );

/** One answer of each kind the server gives, with what it is. */
async function answersOfEveryKind(): Promise<[string, ApiResponse][]> {
  const flow = new FusionAuthFlow(open.api);
  const authToken = await flow.authToken();
  const session = await flow.openOk(authToken, '100004');
  const key = { accessKeyId: testCredentials.accessKeyId, accessKeySecret: testCredentials.accessKeySecret };
  return [
    ['auth token', await open.api.post('/v1/fusion-auth/token', { ...appIdentity, durationSeconds: 900 }, 'accessKey')],
    ['session view', await open.api.get(`/v1/sessions/${session.id}`, { bearer: authToken })],
    ['session event', await open.api.post(`/v1/sessions/${session.id}/events`, { type: 'PHONE_NUMBER', phoneNumber: '13800000941' }, { bearer: authToken })],
    ['access key creation', await open.api.post('/v1/admin/access-keys', { description: 'headers test' }, 'admin')],
    ['admin session', await open.api.get(`/v1/admin/sessions/${session.id}`, 'admin')],
    ['simulator carrier token', await open.api.post('/v1/simulator/carrier-token', { phoneNumber: '13800000941' })],
    ['simulator SMS', await open.api.get('/v1/simulator/sms?phoneNumber=13800000941')],
    ['send-code', await open.api.post('/v1/sms-verification/send-code', { phoneNumber: '13800000942', returnVerifyCode: true }, 'accessKey')],
    ['vendor endpoint', await open.api.request('GET', `/?${new URLSearchParams(signedV1Params('GET', 'GetMobile', { AccessToken: 'nope' }, key))}`)],
    ['vendor error', await open.api.request('POST', '/', { rawBody: 'Action=GetMobile', headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
    ['client error', await open.api.post('/v1/sessions', { sceneCode: '100001' })],
    ['unknown route', await open.api.get('/nowhere')],
    ['health', await open.api.get('/healthz')],
    ['metrics', await open.api.get('/metrics')],
    ['openapi.json', await open.api.get('/openapi.json')],
    ['docs page', await open.api.get('/docs')],
    ['console page', await open.api.get('/console')],
    ['console script', await open.api.get('/console/assets/console.js')],
  ];
}

describe('on every answer', () => {
  let answers: [string, ApiResponse][];
  beforeAll(async () => {
    answers = await answersOfEveryKind();
  });

  it('X-Content-Type-Options: nosniff, X-Frame-Options: DENY, no X-Powered-By, a CSP with frame-ancestors none', async () => {
    for (const [what, response] of [...answers, ['swagger bundle', await open.api.get('/docs/assets/swagger-ui.css')] as const]) {
      expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), what).toBe('DENY');
      expect(response.headers.get('x-powered-by'), what).toBeNull();
      expect(directivesOf(response).get('frame-ancestors'), what).toBe("'none'");
    }
  });

  it('Cache-Control: no-store, on everything that may carry a token, a code or a secret', async () => {
    expect(answers.find(([what]) => what === 'send-code')![1].body.verifyCode).toEqual(expect.any(String));
    for (const [what, response] of answers) expect(response.headers.get('cache-control'), what).toBe('no-store');
  });

  it("the API's answers may run nothing; the reference page's static files stay cacheable", async () => {
    const answer = await open.api.get('/healthz');
    expect(directivesOf(answer).get('default-src')).toBe("'none'");
    expect(directivesOf(answer).get('script-src')).toBeUndefined();
    const bundle = await fetch(`${open.baseUrl}/docs/assets/swagger-ui-bundle.js`, { method: 'HEAD' });
    expect(bundle.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
  });
});

describe('the pages', () => {
  it.each(['/docs', '/console'])('%s: scripts, styles and data from this server only, never in a frame', async (path) => {
    const directives = directivesOf(await open.api.get(path));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
  });
});

describe('/metrics', () => {
  it('is open without METRICS_TOKEN', async () => {
    const response = await open.api.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.body).toContain('numberflow_');
  });

  it('with METRICS_TOKEN: 401 without it or with another, 200 with it', async () => {
    for (const auth of ['none', { bearer: 'wrong-token-0123456789' }, 'admin', { basic: ['metrics', metricsToken] }] as const) {
      const refused = await guarded.api.get('/metrics', auth);
      expect(refused.status, JSON.stringify(auth)).toBe(401);
      expect(refused.body.error.code).toBe('METRICS_UNAUTHORIZED');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    }
    const allowed = await guarded.api.get('/metrics', { bearer: metricsToken });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('numberflow_');
  });

  it('a METRICS_TOKEN shorter than 16 characters is refused at start', async () => {
    await expect(startTestServer({ store: 'memory', env: { METRICS_TOKEN: 'short' } })).rejects.toThrow(/METRICS_TOKEN/);
  });
});
