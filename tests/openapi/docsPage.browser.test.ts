import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, launchChromium } from '../support/headlessChromium.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * The API reference page in headless Chromium under its Content-Security-Policy: Swagger UI
 * renders every tag and operation, and the browser reports no violation and no error.
 */
const ctx = useTestServer({ store: 'memory' });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('/docs in a browser', () => {
  it('renders the document with its CSP in force, without a violation or an error', async () => {
    const page = await browser.newPage();
    // Swagger UI draws 70-odd operations: slow on a busy 2-core machine, so the waits are generous.
    page.setDefaultTimeout(90_000);
    const problems: string[] = [];
    collectProblems(page, problems);
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });
    const response = await page.goto(`${ctx.server.baseUrl}/docs`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.waitForSelector('.swagger-ui .opblock');
    const served = (await ctx.server.api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(served.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
    expect(await page.locator('.swagger-ui .opblock').count()).toBe(operations);
    // Opening an operation renders its schemas, the part of Swagger UI that draws the most.
    await page.locator('.swagger-ui .opblock-summary').first().click();
    await page.waitForSelector('.swagger-ui .opblock-body');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
