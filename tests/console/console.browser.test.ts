import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/headlessChromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * The console in headless Chromium (Debian's, driven by playwright-core): sign in, a policy's
 * chart, a session followed live while it moves, and its replay. Screenshots go to the temp dir.
 */
const ctx = useTestServer({ store: 'memory' });
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  // Anything the page logs as an error (a CSP violation, a failed request, an exception) fails the suite.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});
afterAll(async () => {
  await browser?.close();
});

const screenshot = (name: string) => page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/numberflow-console-${name}.png`, fullPage: true });

describe('the console in a browser', () => {
  it('refuses a wrong token, then signs in and shows the chart of the global one-click policy', async () => {
    await page.goto(`${ctx.server.baseUrl}/console`);
    await page.fill('#admin-token', 'not-the-admin-token');
    await page.click('#sign-in-form button');
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('not the admin token');
    problems.length = 0; // the refused token's 401 is logged by the browser, as it should be

    await page.fill('#admin-token', testCredentials.adminToken);
    await page.click('#sign-in-form button');
    await page.waitForSelector('#chart svg');
    const labels = await page.locator('#chart svg text').allTextContents();
    for (const state of ['awaitingToken', 'enterPhone', 'awaitingCode', 'verified']) expect(labels).toContain(state);
    expect(await page.textContent('#chart-meta')).toContain('scene 100001');
    await page.waitForSelector('#test-paths li');
    expect(await page.locator('#test-paths li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^one-click: .*→ verified$/)]));
    expect(await page.textContent('#test-paths-meta')).toMatch(/^\d+ paths on Android reach \d+ of \d+ states/);
    await screenshot('chart');
  });

  it('picks another scheme and scene from the lists', async () => {
    await page.selectOption('#chart-scene', '100003');
    await page.waitForFunction(() => document.querySelector('#chart-meta')?.textContent?.includes('scene 100003'));
    await page.selectOption('#chart-scheme', 'FA000000000000001');
    await page.waitForFunction(() => document.querySelector('#chart-meta')?.textContent?.includes('scheme FA000000000000001'));
    expect(await page.locator('#chart svg text').allTextContents()).not.toContain('awaitingToken');
  });

  it('follows a session live while it moves, and replays it', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    await page.goto(`${ctx.server.baseUrl}/console#/sessions`);
    await page.waitForSelector(`tr[data-session="${session.id}"]`);
    await page.click(`tr[data-session="${session.id}"]`);
    await page.waitForSelector('#session-chart svg');
    expect(await page.textContent('#session-status')).toBe('pending');
    expect(await page.textContent('#session-meta')).toContain('numberAuth');

    // The client moves on; the page follows without a reload.
    await ctx.flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
    await expect.poll(() => page.textContent('#session-meta'), { timeout: 5000 }).toContain('enterPhone');
    await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13900700001' });
    const code = await ctx.flow.latestSmsCode('13900700001');
    await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
    await expect.poll(() => page.textContent('#session-status'), { timeout: 5000 }).toBe('verified');
    await expect.poll(() => page.textContent('#session-live'), { timeout: 5000 }).toBe('finished');
    expect(await page.locator('#session-timeline svg text').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('SMS_CODE')]));
    await screenshot('session');
    await page.click('#session-chart');
    expect(await page.locator('.panes').getAttribute('class')).toContain('wide');
    await page.click('#session-chart');
    expect(await page.locator('.panes').getAttribute('class')).not.toContain('wide');

    await page.click('#replay-form button');
    await page.waitForSelector('#replay-summary');
    expect(await page.textContent('#replay-summary')).toContain('✓');
    await screenshot('replay');
  });

  it('measures what another policy version would have done to the sessions already run', async () => {
    const scheme = {
      code: 'FA900000000700001',
      name: 'console impact',
      platform: 'Android',
      packageName: 'com.example.numberflow',
      packageSign: '0123456789abcdef0123456789abcdef',
    };
    expect((await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    const policyPath = `/v1/admin/schemes/${scheme.code}/policies/100001`;
    expect((await ctx.server.api.request('PUT', policyPath, { body: { inherit: false }, auth: 'admin' })).status).toBe(200);
    // A session saved by the SMS fallback after a carrier error…
    const authToken = await ctx.flow.authToken(scheme as never);
    const session = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13900700011', 'error') });
    await ctx.flow.sendOk(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: '13900700011' });
    await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: await ctx.flow.latestSmsCode('13900700011') });
    // …and a new version that fails on a carrier error.
    const patched = await ctx.server.api.request('PATCH', policyPath, { body: { nodes: { numberAuth: { onCarrierError: 'fail' } } }, auth: 'admin' });
    expect(patched.status).toBe(200);

    await page.goto(`${ctx.server.baseUrl}/console#/charts?scheme=${scheme.code}&scene=100001&sessions=on`);
    await page.waitForSelector('#chart svg');
    await page.waitForFunction(() => (document.querySelector('#impact-version') as HTMLSelectElement | null)?.options[0]?.textContent?.startsWith('v2'));
    await page.click('#impact-form button');
    await page.waitForSelector('#impact-summary');
    expect(await page.textContent('#impact-summary')).toBe('Of 1 finished sessions, 0 would have gone the same way and 1 another way.');
    expect(await page.locator('#impact-examples a').allTextContents()).toEqual([session.id]);
    await screenshot('impact');
  });

  it('had no errors in the page: no script error, no blocked resource', () => {
    expect(problems).toEqual([]);
  });
});
