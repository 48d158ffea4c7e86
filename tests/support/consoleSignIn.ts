import type { Page } from 'playwright-core';

/** Opens the console at `url` (a `…/console#/view` address) and signs in with `token`, signing out whoever was in. */
export async function signInToConsole(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  if (await page.isVisible('#sign-out')) await page.click('#sign-out');
  await page.fill('#admin-token', token);
  await page.click('#sign-in-form button');
  await page.waitForSelector('#signed-in-as:not(:empty)');
}
