import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/headlessChromium.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * CORS for H5 schemes, in headless Chromium: a page served from another port calls the session API
 * with the browser client, and gets through only while its origin is registered on an H5 scheme.
 */
const ctx = useTestServer({ store: 'memory' });
let pageServer: Server;
let pageOrigin: string;
let browser: Browser;
let page: Page;

const scheme = (origin: string) => ({ name: 'CORS page', platform: 'H5', origin, url: `${origin}/` });
const schemeCode = 'FA900000000130101';

beforeAll(async () => {
  pageServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>an H5 app</title><script type="module">
      import { NumberflowClient } from '${ctx.server.baseUrl}/client/numberflow-client.js';
      window.tryTheSessionApi = async (authToken) => {
        try {
          const session = await new NumberflowClient({ baseUrl: '${ctx.server.baseUrl}', authToken }).openSession('100001', { platform: 'H5' });
          const view = await session.switchToSms();
          return { ok: true, nextAction: view.nextAction.type };
        } catch (error) {
          return { ok: false, code: error.code };
        }
      };
    </script>`);
  });
  pageServer.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => pageServer.once('listening', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${pageOrigin}/`);
  await page.waitForFunction(() => 'tryTheSessionApi' in window);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
});

const tryFromThePage = async () =>
  page.evaluate((token) => (window as unknown as { tryTheSessionApi(t: string): Promise<unknown> }).tryTheSessionApi(token), await ctx.flow.authToken());

describe('CORS on the session endpoints', () => {
  it('refuses the page while no H5 scheme has its origin, lets it through once one has, and refuses it again once the origin changes', async () => {
    expect(await tryFromThePage()).toEqual({ ok: false, code: 'NETWORK_ERROR' });

    expect((await ctx.server.api.post('/v1/admin/schemes', { code: schemeCode, ...scheme(pageOrigin) }, 'admin')).status).toBe(201);
    expect(await tryFromThePage()).toEqual({ ok: true, nextAction: 'enterPhone' });

    expect((await ctx.server.api.request('PUT', `/v1/admin/schemes/${schemeCode}`, { body: scheme('https://elsewhere.example'), auth: 'admin' })).status).toBe(
      200,
    );
    expect(await tryFromThePage()).toEqual({ ok: false, code: 'NETWORK_ERROR' });
  });

  it('answers preflights with the allowed methods and headers for a registered origin only, and puts no CORS headers on other routes', async () => {
    const preflight = (origin: string, path = '/v1/sessions') =>
      ctx.server.api.request('OPTIONS', path, {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });

    const registered = await preflight('https://elsewhere.example', '/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/events');
    expect(registered.status).toBe(204);
    expect(registered.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
    expect(registered.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(registered.headers.get('access-control-allow-headers')).toMatch(/Authorization, Content-Type/);
    expect(registered.headers.get('vary')).toMatch(/Origin/);

    const other = await preflight('https://attacker.example');
    expect(other.status).toBe(204);
    expect([...other.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);

    const answered = await ctx.server.api.request('GET', '/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA', { headers: { origin: 'https://elsewhere.example' } });
    expect(answered.status).toBe(401);
    expect(answered.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
    expect(answered.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);

    const backend = await ctx.server.api.request('POST', '/v1/fusion-auth/token', { body: {}, headers: { origin: 'https://elsewhere.example' } });
    expect(backend.headers.get('access-control-allow-origin')).toBeNull();
  });
});
