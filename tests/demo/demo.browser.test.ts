import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { h5Scheme } from '../support/fusionAuthFlow.js';
import { collectProblems, launchChromium } from '../support/headlessChromium.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * The H5 demo in headless Chromium (Debian's, driven by playwright-core), completed by clicking:
 * one-click, middle digits, the SMS fallback, Wi-Fi, the CAPTCHA, the uplink SMS and scenes
 * 100002–100005. Each test saves a screenshot to the temp dir.
 */
const oneClickScheme = { ...h5Scheme, code: 'FA900000000130201', name: 'H5 without middle digits' };
const captchaScheme = { ...h5Scheme, code: 'FA900000000130202', name: 'H5 with CAPTCHA' };

const ctx = useTestServer({ store: 'memory' }, async ({ server }) => {
  for (const scheme of [oneClickScheme, captchaScheme]) expect((await server.api.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
  const noMiddleDigits = defaultPolicy('100001');
  noMiddleDigits.nodes.numberAuth.h5MiddleDigits = false;
  await server.numberflow.services.policies.setSchemePolicy(oneClickScheme.code, noMiddleDigits, '100001');
  const captcha = defaultPolicy('100001');
  captcha.nodes.captcha = { enabled: true, difficulty: 'easy', maxTries: 2 };
  captcha.nodes.endpointRisk.onRisk = 'captcha';
  await server.numberflow.services.policies.setSchemePolicy(captchaScheme.code, captcha, '100001');
});

let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Anything the page logs as an error (a CSP violation, a failed request, an exception) fails the test.
  collectProblems(page, problems);
});
afterAll(async () => {
  await browser?.close();
});
afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

const screenshot = (name: string) => page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/numberflow-demo-${name}.png`, fullPage: true });
const visible = (view: string) => page.waitForSelector(`#view-${view}:not([hidden])`, { timeout: 15_000 });

interface Setup {
  scheme?: string;
  scene?: string;
  simNumber: string;
  carrier?: string;
  network?: 'cellular' | 'wifi';
  carrierOutcome?: string;
  risky?: boolean;
  boundNumber?: string;
}

async function start(setup: Setup) {
  await page.goto(`${ctx.server.baseUrl}/demo${setup.scheme ? `?scheme=${setup.scheme}` : ''}`);
  await page.selectOption('#scene', setup.scene ?? '100001');
  await page.fill('#sim-number', setup.simNumber);
  await page.selectOption('#carrier', setup.carrier ?? 'mobile');
  await page.check(setup.network === 'wifi' ? '#network-wifi' : '#network-cellular');
  await page.selectOption('#carrier-outcome', setup.carrierOutcome ?? 'ok');
  await page.selectOption('#device', setup.risky ? 'risky' : 'trusted');
  if (setup.boundNumber) await page.fill('#bound-number', setup.boundNumber);
  await page.click('#start');
}

/** The code arrives as a notification on the phone; a tap on it fills the code in. */
async function enterCodeFromNotification() {
  await visible('smsCode');
  await page.waitForSelector('#notification:not([hidden])', { timeout: 15_000 });
  expect(await page.textContent('#notification-text')).toMatch(/\d{6}/);
  await page.click('#notification');
  expect(await page.inputValue('#sms-code')).toMatch(/^\d{6}$/);
  await page.click('#check-code');
}

async function enterPhoneAndCode(phoneNumber: string) {
  await visible('enterPhone');
  await page.fill('#phone-number', phoneNumber);
  await page.click('#send-code');
  await enterCodeFromNotification();
}

/** Logged in, the backend learned the number, and the chart beside the phone shows `verified` as the current state. */
async function expectLoggedIn(phoneNumber: string, method: string) {
  await visible('done');
  expect(await page.textContent('#result-title')).toBe('Logged in');
  expect(await page.textContent('#result')).toContain(`learned ${phoneNumber} (by ${method}`);
  await expect.poll(() => page.getAttribute('#chart', 'data-state'), { timeout: 10_000 }).toBe('verified');
  expect(await page.locator('#chart svg text').allTextContents()).toContain('verified');
  expect(await page.textContent('#chart-state')).toBe('verified');
}

describe('the H5 demo, by clicking', () => {
  it('one-click logon on cellular', async () => {
    await start({ scheme: oneClickScheme.code, simNumber: '13800130201', carrier: 'unicom' });
    await visible('numberAuth');
    expect(await page.textContent('#status-network')).toBe('5G');
    await page.waitForSelector('#chart svg');
    expect(await page.textContent('#chart-state')).toBe('proveNumber.numberAuth.awaitingToken');
    await page.click('#one-click');
    await expectLoggedIn('13800130201', 'numberAuth');
    await screenshot('one-click');
  });

  it('H5 one-click with the middle four digits', async () => {
    await start({ simNumber: '13800130202' });
    await visible('numberAuth');
    await page.click('#one-click');
    await visible('middleDigits');
    expect(await page.textContent('#masked-number')).toBe('138****0202');
    await page.fill('#middle-digits', '0013');
    await page.click('#confirm-digits');
    await expectLoggedIn('13800130202', 'numberAuth');
    await screenshot('middle-digits');
  });

  it('a carrier failure falls back to an SMS code, shown as a notification on the phone', async () => {
    await start({ simNumber: '13800130203', carrierOutcome: 'error' });
    await visible('numberAuth');
    await page.click('#one-click');
    await enterPhoneAndCode('13800130203');
    await expectLoggedIn('13800130203', 'smsCode');
    await screenshot('sms-fallback');
  });

  it('on Wi-Fi one-click is off and the user goes on by SMS', async () => {
    await start({ simNumber: '13800130204', network: 'wifi' });
    await visible('numberAuth');
    expect(await page.textContent('#status-network')).toBe('Wi-Fi');
    expect(await page.isDisabled('#one-click')).toBe(true);
    await page.click('#use-sms');
    await enterPhoneAndCode('13800130204');
    await expectLoggedIn('13800130204', 'smsCode');
    await screenshot('wifi');
  });

  it("a risky device solves ALTCHA's own widget, then logs in with one click", async () => {
    await start({ scheme: captchaScheme.code, simNumber: '13800130205', risky: true });
    await visible('captcha');
    await page.waitForSelector('altcha-widget .altcha[data-state="unverified"]');
    await screenshot('captcha-widget');
    await page.click('altcha-widget label'); // "I'm not a robot": the widget solves the proof of work in its worker
    await expect.poll(() => page.getAttribute('altcha-widget .altcha', 'data-state').catch(() => 'gone')).not.toBe('unverified');
    await visible('numberAuth');
    await page.click('#one-click');
    await visible('middleDigits');
    await page.fill('#middle-digits', '0013');
    await page.click('#confirm-digits');
    await expectLoggedIn('13800130205', 'numberAuth');
    await screenshot('captcha');
  });

  it('a risky device proves its number with an uplink SMS sent from the phone', async () => {
    await start({ simNumber: '13800130206', risky: true });
    await visible('uplinkSms');
    const code = await page.textContent('#uplink-text');
    expect(await page.textContent('#uplink-instructions')).toContain(`(13800130206) to ${await page.textContent('#uplink-to')}`);
    expect(code).toMatch(/\S+/);
    await page.click('#uplink-send');
    await expectLoggedIn('13800130206', 'uplinkSms');
    await screenshot('uplink-sms');
  });

  it('100002 change phone number: the bound number, then the new one, each by SMS', async () => {
    await start({ scene: '100002', simNumber: '13800130207', boundNumber: '13800130207' });
    await enterCodeFromNotification();
    await enterPhoneAndCode('13800130208');
    await expectLoggedIn('13800130208', 'smsCode');
    await screenshot('scene-100002');
  });

  it.each([
    ['100003', 'reset password'],
    ['100005', 'verify bound phone number'],
  ])('%s %s: an SMS code to the bound number', async (scene) => {
    const number = `1380013${scene.slice(-1)}209`;
    await start({ scene, simNumber: number, boundNumber: number });
    await enterCodeFromNotification();
    await expectLoggedIn(number, 'smsCode');
    await screenshot(`scene-${scene}`);
  });

  it('100004 bind new phone number: the number the user enters, by SMS', async () => {
    await start({ scene: '100004', simNumber: '13800130210' });
    await enterPhoneAndCode('13800130210');
    await expectLoggedIn('13800130210', 'smsCode');
    await screenshot('scene-100004');
  });
});
