import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless, with nothing that would reach the network on its own. */
export function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
