// Debian's Chromium for the browser tests, driven by playwright-core (which never downloads a browser).
// Without /usr/bin/chromium (or WABOX_CHROMIUM) a browser suite is skipped with the reason printed at the
// end of the run, unless CI=true: CI installs Chromium, so there a missing browser fails.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM_PATH = process.env.WABOX_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.CI === 'true';

// Without the background-networking flags Chromium floods a closed network with refused connections.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A describe() that runs only where Chromium is installed; otherwise one skipped (or, in CI, failing) test says why. */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const why = `no Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium; or set WABOX_CHROMIUM)`;
  describe(name, () => {
    it('needs Chromium', (ctx) => {
      if (REQUIRED) throw new Error(`CI=true but ${why}`);
      ctx.skip(why);
    });
  });
}

/** Chromium headless; playwright gives every launch a fresh profile directory and removes it on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
