import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/config.js';
import { FusionAuthFlow } from '../support/fusionAuthFlow.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/**
 * Who decides a request's client IP: by default the TCP peer, whatever `X-Forwarded-For` says, so
 * a client cannot pick a fresh IP per request and escape the per-IP limits; with `TRUST_PROXY`
 * naming the proxy in front, that proxy's `X-Forwarded-For` does.
 */
const startsPerIp = 3;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Session starts, each with a `X-Forwarded-For` no request used before. */
async function startsWithFreshForwardedFor(env: Record<string, string>, count: number): Promise<number[]> {
  server = await startTestServer({ env: { RATE_LIMIT_SESSION_STARTS_PER_IP: String(startsPerIp), ...env } });
  const flow = new FusionAuthFlow(server.api);
  const authToken = await flow.authToken();
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await server.api.request('POST', '/v1/sessions', {
      body: { sceneCode: '100001', device: {} },
      auth: { bearer: authToken },
      headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
    });
    statuses.push(response.status);
  }
  return statuses;
}

describe('TRUST_PROXY', () => {
  it('off by default: X-Forwarded-For does not change the client IP, so the per-IP limit holds', async () => {
    const statuses = await startsWithFreshForwardedFor({}, startsPerIp + 2);
    expect(statuses).toEqual([...Array(startsPerIp).fill(201), 429, 429]);
  });

  it.each(['1', 'loopback', '127.0.0.1/8, ::1'])('TRUST_PROXY=%s: the proxy on loopback names the client', async (trustProxy) => {
    const statuses = await startsWithFreshForwardedFor({ TRUST_PROXY: trustProxy }, startsPerIp + 2);
    expect(statuses).toEqual(Array(startsPerIp + 2).fill(201));
  });

  it('TRUST_PROXY naming another address: the loopback peer is not trusted, the limit holds', async () => {
    const statuses = await startsWithFreshForwardedFor({ TRUST_PROXY: '10.0.0.1' }, startsPerIp + 1);
    expect(statuses).toEqual([...Array(startsPerIp).fill(201), 429]);
  });
});

describe('TRUST_PROXY values', () => {
  const trustProxyOf = (value?: string) => loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy;

  it('takes what Express takes', () => {
    expect(trustProxyOf()).toBe(false);
    expect(trustProxyOf('')).toBe(false);
    expect(trustProxyOf('false')).toBe(false);
    expect(trustProxyOf('true')).toBe(true);
    expect(trustProxyOf('2')).toBe(2);
    expect(trustProxyOf('loopback, uniquelocal')).toEqual(['loopback', 'uniquelocal']);
    expect(trustProxyOf('10.0.0.1,192.168.0.0/16,10.0.0.0/255.0.0.0,fd00::/8,::1')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '10.0.0.0/255.0.0.0',
      'fd00::/8',
      '::1',
    ]);
  });

  it.each(['yes', '-1', '1.5', '10.0.0.256', '10.0.0.0/33', 'fd00::/129', 'loopback,', 'localhost', '10.0.0.0/8/8'])('refuses %j at start', (value) => {
    expect(() => trustProxyOf(value)).toThrow(ConfigError);
    expect(() => trustProxyOf(value)).toThrow(/TRUST_PROXY/);
  });
});
