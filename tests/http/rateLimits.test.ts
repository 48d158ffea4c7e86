import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FusionAuthFlow, androidScheme } from '../support/fusionAuthFlow.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

let server: TestServer;
let flow: FusionAuthFlow;

beforeAll(async () => {
  server = await startTestServer({
    env: { RATE_LIMIT_SESSION_STARTS_PER_IP: '4', RATE_LIMIT_CODE_CHECKS_PER_NUMBER: '6', RATE_LIMIT_BACKEND_CALLS_PER_IP: '8' },
  });
  flow = new FusionAuthFlow(server.api);
});
afterAll(() => server.close());

describe('rate limits answer 429 with Retry-After and change nothing', () => {
  it('caps SMS code checks per number across sessions, so a code cannot be guessed by opening new sessions', async () => {
    const phoneNumber = '13300000001';
    const tokenA = await flow.authToken(androidScheme, { phoneNumber });
    const first = await flow.openOk(tokenA, '100003');
    for (let i = 0; i < 4; i++) await flow.sendOk(tokenA, first.id, { type: 'SMS_CODE', code: '000000' === (await flow.latestSmsCode(phoneNumber)) ? '111111' : '000000' });

    server.clock.advanceSeconds(61);
    const tokenB = await flow.authToken(androidScheme, { phoneNumber });
    const second = await flow.openOk(tokenB, '100003');
    const code = await flow.latestSmsCode(phoneNumber);
    const wrong = code === '000000' ? '111111' : '000000';
    await flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code: wrong });
    await flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code: wrong });
    const limited = await flow.send(tokenB, second.id, { type: 'SMS_CODE', code });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3600);
    const unchanged = await flow.get(tokenB, second.id);
    expect(unchanged.body).toMatchObject({ status: 'pending', version: second.version + 2 });
  });

  it('caps session starts per client IP', async () => {
    const authToken = await flow.authToken();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await flow.open(authToken, '100004')).status);
    const refused = await flow.open(authToken, '100004');
    // Two sessions were opened by the first test: 4 per minute in all.
    expect([...statuses, refused.status]).toEqual([201, 201, 429, 429]);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('caps app backend calls per client IP', async () => {
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await server.api.post('/v1/fusion-auth/verify', { verifyToken: 'vt_unknown' }, 'accessKey'));
    expect(responses.map((r) => r.status)).toContain(429);
    expect(responses.at(-1)!.headers.get('retry-after')).not.toBeNull();
  });
});
