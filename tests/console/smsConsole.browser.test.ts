import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInToConsole } from '../support/consoleSignIn.js';
import { collectProblems, launchChromium } from '../support/headlessChromium.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * SMS signatures and templates in the console, by clicking in headless Chromium: the complimentary
 * ones listed without edit controls, a signature and a template added (the API's refusal of a
 * template without `${min}` shown on the page), the template edited and deleted, a viewer without
 * edit controls. Screenshots go to the temp dir.
 */
const ctx = useTestServer({ store: 'memory' });
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  collectProblems(page, problems);
  page.on('dialog', (dialog) => void dialog.accept());
});
afterAll(async () => {
  await browser?.close();
});

const screenshot = (name: string) => page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/numberflow-sms-console-${name}.png`, fullPage: true });

async function signIn(token: string) {
  await signInToConsole(page, `${ctx.server.baseUrl}/console#/sms`, token);
  await page.waitForSelector('[data-sms-template="100001"]');
}

describe('SMS signatures and templates in the console', () => {
  it('lists the complimentary signature and templates, each as it is sent, with nothing to edit on them', async () => {
    await signIn(testCredentials.adminToken);
    expect(await page.textContent('[data-sms-signature="速通互联验证码"]')).toContain('complimentary');
    const codes = await page.locator('#sms-templates-table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-sms-template')));
    expect(codes).toEqual(['100001', '100002', '100003', '100004', '100005']);
    expect(await page.textContent('[data-sms-template="100001"] .preview')).toMatch(/^【速通互联验证码】您的验证码为123456。.*5分钟内有效/);
    expect(await page.locator('[data-sms-template="100001"] button').count()).toBe(0);
  });

  it('adds a signature and a template, shows a refusal, edits the template and deletes both', async () => {
    await page.fill('#sms-signature-name', '小店验证');
    await page.click('#sms-signature-save');
    await page.waitForSelector('[data-sms-signature="小店验证"]');

    await page.click('#sms-template-editor summary');
    await page.fill('#sms-template-name', 'shop login');
    await page.fill('#sms-template-content', 'Your shop code is ${code}.');
    await page.click('#sms-template-save');
    await expect.poll(() => page.textContent('#sms-error')).toContain('${min}');
    problems.length = 0; // the refused template's 400 is logged by the browser, as it should be
    await page.fill('#sms-template-content', 'Your shop code is ${code}, valid ${min} minutes.');
    await page.click('#sms-template-save');
    const row = page.locator('#sms-templates-table tr', { hasText: 'shop login' });
    await row.waitFor();
    expect(await page.textContent('#sms-error')).toBe('');
    const code = (await row.locator('code').textContent())!;
    expect(code).toMatch(/^SMS_\d+$/);
    expect(await row.locator('.preview').textContent()).toBe('【速通互联验证码】Your shop code is 123456, valid 5 minutes.');

    await row.locator('button', { hasText: 'Edit' }).click();
    await page.fill('#sms-template-content', 'Shop: ${code} (${min} min).');
    await page.click('#sms-template-save');
    await expect.poll(() => row.locator('.preview').textContent()).toBe('【速通互联验证码】Shop: 123456 (5 min).');
    expect((await ctx.server.api.get(`/v1/admin/sms/templates/${code}`, 'admin')).body.content).toBe('Shop: ${code} (${min} min).');
    await screenshot('templates');

    await row.locator('button', { hasText: 'Delete' }).click();
    await expect.poll(() => page.locator(`[data-sms-template="${code}"]`).count()).toBe(0);
    await page.locator('[data-sms-signature="小店验证"] button', { hasText: 'Delete' }).click();
    await expect.poll(() => page.locator('[data-sms-signature="小店验证"]').count()).toBe(0);
    const audited = (await ctx.server.api.get('/v1/admin/audit?limit=20', 'admin')).body.entries.map((entry: { action: string }) => entry.action);
    expect(audited).toEqual(
      expect.arrayContaining(['smsSignature.create', 'smsTemplate.create', 'smsTemplate.update', 'smsTemplate.delete', 'smsSignature.delete']),
    );
  });

  it('a viewer reads them without edit controls', async () => {
    const created = await ctx.server.api.post('/v1/admin/operators', { name: 'sms-viewer', role: 'viewer' }, 'admin');
    await signIn(created.body.token as string);
    expect(await page.locator('#sms-view .edit:visible').count()).toBe(0);
    await screenshot('viewer');
  });

  it('had no errors in the page but the refusal the test asked for', () => {
    expect(problems).toEqual([]);
  });
});
