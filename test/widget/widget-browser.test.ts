// The chat button in Chromium: scripts built by the real CLI (`wabox widget build`), served by a real
// 127.0.0.1 server under a strict Content-Security-Policy, the visitor's clock pinned with page.clock and
// their zone set with timezoneId. Links are compared with what `wabox link` prints for the same text.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hoursStatus, parseHoursSpec } from '../../src/core/hours.js';
import { describeBrowser, launchChromium } from '../helpers/browser.js';
import { BIN, ROOT, spawnCli } from '../helpers/cli.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'";
// characters that encodeURIComponent leaves alone, ones it escapes, and ones outside the BMP
const TITLE = `Mug & "Tea" — 50% off/ünï (it's) 🙏 #1?`;
const TEXT = "Hi, I'm looking at {TITLE} ({PRODUCT}) on {SITE}";
const PHONE = '+14155550123';
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let dir: string;
let env: Record<string, string>;
let server: Server;
let origin: string;
let browser: Browser;

async function cli(argv: string[]) {
  const r = await spawnCli(argv, { env });
  if (r.code !== 0) throw new Error(`wabox ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function pageHtml(script: string, attributes: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${TITLE.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}</title></head>
<body><main><h1>Shop</h1><p>A product page.</p></main>
<script src="/${script}" ${attributes}></script></body></html>`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wabox-widget-'));
  env = { WABOX_CONFIG_DIR: join(dir, 'config'), WABOX_DB: join(dir, 'wabox.db') };
  mkdirSync(join(dir, 'www'));
  await cli(['hours', 'set', 'mon-fri 09:00-17:00', '--tz', 'America/New_York']);
  await cli(['hours', 'closed', 'add', '2026-03-10']);
  const common = ['--text', TEXT, '--ref', 'web', '--reply-time', '7m'];
  await cli(['widget', 'build', '--phone', PHONE, ...common, '-o', join(dir, 'www/one.js')]);
  writeFileSync(
    join(dir, 'agents.yaml'),
    `- name: Asha
  phone: "+91 98765 43210"
  hours: mon-fri 09:00-17:00
  tz: Asia/Kolkata
- name: Ben
  phone: "+1 415 555 0199"
  hours: [mon-fri 09:00-17:00]
`,
  );
  await cli([
    'widget',
    'build',
    '--agents',
    join(dir, 'agents.yaml'),
    ...common,
    '-o',
    join(dir, 'www/team.js'),
  ]);
  // nights past midnight and ranges in the hour New York skips in spring and repeats in autumn
  writeFileSync(
    join(dir, 'night.yaml'),
    `- name: Night
  phone: "+14155550123"
  hours: daily 01:15-01:45,02:30-03:00,23:30-01:00
  tz: America/New_York
`,
  );
  await cli([
    'widget',
    'build',
    '--agents',
    join(dir, 'night.yaml'),
    ...common,
    '-o',
    join(dir, 'www/night.js'),
  ]);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers = { 'content-security-policy': CSP };
    if (url.pathname === '/favicon.ico') return res.writeHead(204, headers).end();
    if (url.pathname === '/page')
      return res
        .writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' })
        .end(pageHtml(url.searchParams.get('script') ?? 'one.js', url.searchParams.get('attrs') ?? ''));
    if (/^\/\w+\.js$/.test(url.pathname))
      return res
        .writeHead(200, { ...headers, 'content-type': 'text/javascript' })
        .end(readFileSync(join(dir, 'www', url.pathname.slice(1))));
    res.writeHead(404, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Visit {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions on the page. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

async function visit(
  at: string,
  options: { timezoneId?: string; script?: string; attrs?: string; colorScheme?: 'light' | 'dark' } = {},
): Promise<Visit> {
  const context = await browser.newContext({
    timezoneId: options.timezoneId ?? 'Asia/Kolkata',
    locale: 'en-US',
    colorScheme: options.colorScheme ?? 'light',
  });
  // a click must not leave loopback: the chat opens in a page fulfilled here
  await context.route('https://wa.me/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>wa.me</title>' }),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.clock.setFixedTime(new Date(at));
  const query = new URLSearchParams({ script: options.script ?? 'one.js', attrs: options.attrs ?? '' });
  await page.goto(`${origin}/page?${query}`);
  await page.locator('[data-wabox-widget]').waitFor({ state: 'attached' });
  return { page, context, errors, requests };
}

const button = (page: Page) => page.locator('[data-wabox-widget] button');
const card = (page: Page) => page.locator('[data-wabox-widget] .c');

async function open(page: Page): Promise<{ status: string; links: Array<{ text: string; href: string }> }> {
  await button(page).click();
  await expect.poll(() => card(page).isVisible()).toBe(true);
  const status = (await card(page).locator('[role=status]').textContent()) ?? '';
  const links = await card(page)
    .locator('a')
    .evaluateAll((as) => as.map((a) => ({ text: a.textContent ?? '', href: a.getAttribute('href') ?? '' })));
  return { status, links };
}

/** The card's status at instant t: the clock moved, the card opened and closed again (one round trip). */
async function statusAt(page: Page, t: Date): Promise<string> {
  await page.clock.setFixedTime(t);
  return button(page).evaluate((b: any) => {
    b.click();
    const status = b.getRootNode().querySelector('[role=status]').textContent;
    b.click();
    return status;
  });
}

async function cliLink(phone: string, text: string, ref: string): Promise<string> {
  return (await cli(['link', phone, '--text', text, '--ref', ref])).trim();
}

const filled = (title: string, product: string) =>
  TEXT.replace('{TITLE}', title).replace('{PRODUCT}', product).replace('{SITE}', '127.0.0.1');

describeBrowser('widget in Chromium', () => {
  it('is at most 6 KB gzipped, as built for one number and for agents', () => {
    for (const file of ['one.js', 'team.js']) {
      const size = gzipSync(readFileSync(join(dir, 'www', file))).length;
      expect(size).toBeLessThanOrEqual(6 * 1024);
    }
  });

  it('within hours: online, and the link is the one wabox link makes for the page', async () => {
    // Wednesday 10:00 in New York
    const { page, context, errors, requests } = await visit('2026-03-04T15:00:00Z', {
      attrs: 'data-product="Blue mug"',
    });
    const { status, links } = await open(page);
    expect(status).toBe('Online — typically replies in 7 min');
    const expected = await cliLink(PHONE, filled(TITLE, 'Blue mug'), 'web');
    expect(links).toEqual([{ text: 'Start chat', href: expected }]);
    expect(expected).toMatch(
      /^https:\/\/wa\.me\/14155550123\?text=Hi%2C%20I'm%20looking%20at%20Mug%20%26%20/,
    );
    expect(expected.endsWith('%20%5Bref%3Aweb%5D')).toBe(true);
    // the strict CSP let the constructed style sheet apply
    const styles = await button(page).evaluate((b) => {
      const s = (globalThis as any).getComputedStyle(b);
      return {
        color: s.backgroundColor,
        fixed: (globalThis as any).getComputedStyle(b.parentElement!).position,
      };
    });
    expect(styles).toEqual({ color: 'rgb(37, 211, 102)', fixed: 'fixed' });
    expect(errors).toEqual([]);
    // the page and the script: the widget itself requests nothing
    expect(requests.filter((u) => !u.endsWith('/favicon.ico')).map((u) => new URL(u).pathname)).toEqual([
      '/page',
      '/one.js',
    ]);
    await context.close();
  });

  it('data-text, data-ref and data-phone override the built ones per page', async () => {
    const attrs =
      'data-text="Price of {SKU}?" data-sku="MUG-7" data-ref="spring.flyer" data-phone="+44 7700 900123"';
    const { page, context, errors } = await visit('2026-03-04T15:00:00Z', { attrs });
    const { links } = await open(page);
    expect(links.map((l) => l.href)).toEqual([
      await cliLink('+447700900123', 'Price of MUG-7?', 'spring.flyer'),
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('outside hours: away until the next opening, across the DST change, in the visitor’s zone', async () => {
    // Friday 18:00 EST; New York springs forward on Sunday 8 March, so Monday 09:00 is 13:00 UTC (EDT)
    for (const [zone, expected] of [
      ['Asia/Kolkata', 'Away — back Mon 18:30 (your time)'],
      ['Europe/London', 'Away — back Mon 13:00 (your time)'],
      ['America/Los_Angeles', 'Away — back Mon 06:00 (your time)'],
    ] as const) {
      const { page, context, errors } = await visit('2026-03-06T23:00:00Z', { timezoneId: zone });
      const { status, links } = await open(page);
      expect({ zone, status, links }).toEqual({ zone, status: expected, links: [] });
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('a closed date moves the next opening to the day after', async () => {
    // Monday 9 March 18:00 EDT; Tuesday 10 March is closed, so Wednesday 09:00 EDT
    const { page, context } = await visit('2026-03-09T22:00:00Z', { timezoneId: 'Asia/Kolkata' });
    expect((await open(page)).status).toBe('Away — back Wed 18:30 (your time)');
    await context.close();
  });

  it('agents: only those within their own hours are offered', async () => {
    // Wednesday 10:30 in Kolkata, 00:00 in New York
    const asha = await visit('2026-03-04T05:00:00Z', { script: 'team.js', timezoneId: 'Europe/London' });
    const first = await open(asha.page);
    expect(first.status).toBe('Online — typically replies in 7 min');
    expect(first.links).toEqual([
      { text: 'Chat with Asha', href: await cliLink('+919876543210', filled(TITLE, '{PRODUCT}'), 'web') },
    ]);
    await asha.context.close();
    // Wednesday 19:30 in Kolkata, 10:00 in New York
    const ben = await visit('2026-03-04T15:00:00Z', { script: 'team.js' });
    expect((await open(ben.page)).links.map((l) => l.text)).toEqual(['Chat with Ben']);
    await ben.context.close();
    // Saturday: Asha is back first, Monday 09:00 in Kolkata (03:30 UTC)
    const none = await visit('2026-03-07T12:00:00Z', { script: 'team.js', timezoneId: 'Europe/London' });
    expect(await open(none.page)).toEqual({ status: 'Away — back Mon 03:30 (your time)', links: [] });
    expect([...asha.errors, ...ben.errors, ...none.errors]).toEqual([]);
    await none.context.close();
  });

  it('works from the keyboard: Enter opens the card, Tab reaches the chat, Escape closes', async () => {
    const { page, context, errors } = await visit('2026-03-04T15:00:00Z');
    await page.keyboard.press('Tab');
    expect(
      await button(page).evaluate(
        (b) => b.getRootNode() instanceof (globalThis as any).ShadowRoot && b.matches(':focus'),
      ),
    ).toBe(true);
    await page.keyboard.press('Enter');
    expect(await button(page).getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    const href = await card(page).locator('a').getAttribute('href');
    const popup = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const chat = await popup;
    await chat.waitForLoadState();
    // the browser's URL parser writes ' as %27 in a query: the same text once decoded
    expect(chat.url()).toBe(href?.replace(/'/g, '%27'));
    expect(href).toBe(await cliLink(PHONE, filled(TITLE, '{PRODUCT}'), 'web'));
    await page.bringToFront();
    await page.keyboard.press('Escape');
    expect(await card(page).isHidden()).toBe(true);
    expect(await button(page).getAttribute('aria-expanded')).toBe('false');
    expect(await button(page).evaluate((b) => b.matches(':focus'))).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('axe finds no serious or critical violations, light and dark, open and closed', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const at of ['2026-03-04T15:00:00Z', '2026-03-06T23:00:00Z']) {
        const { page, context, errors } = await visit(at, { colorScheme });
        for (const opened of [false, true]) {
          if (opened) await open(page);
          // evaluated by the driver, which the page's CSP does not govern
          await page.evaluate(AXE);
          const result = await page.evaluate(() =>
            (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] }),
          );
          const bad = result.violations
            .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
            .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
          expect({ colorScheme, at, opened, bad }).toEqual({ colorScheme, at, opened, bad: [] });
        }
        expect(errors).toEqual([]);
        await context.close();
      }
    }
  });

  it('follows prefers-color-scheme and prefers-reduced-motion', async () => {
    const seen: Record<string, unknown> = {};
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const reducedMotion of ['no-preference', 'reduce'] as const) {
        const { page, context } = await visit('2026-03-04T15:00:00Z', { colorScheme });
        await page.emulateMedia({ reducedMotion });
        await open(page);
        seen[`${colorScheme}/${reducedMotion}`] = await card(page).evaluate((c) => {
          const s = (globalThis as any).getComputedStyle(c);
          return [s.backgroundColor, s.animationName];
        });
        await context.close();
      }
    }
    expect(seen).toEqual({
      'light/no-preference': ['rgb(255, 255, 255)', 'f'],
      'light/reduce': ['rgb(255, 255, 255)', 'none'],
      'dark/no-preference': ['rgb(31, 35, 40)', 'f'],
      'dark/reduce': ['rgb(31, 35, 40)', 'none'],
    });
  });

  it('agrees with wabox hours across both DST changes, minute for minute on a 15-minute grid', async () => {
    const hours = {
      timeZone: 'America/New_York',
      week: parseHoursSpec(['daily 01:15-01:45,02:30-03:00,23:30-01:00']),
      closed: [],
    };
    const { page, context, errors } = await visit('2026-03-07T20:00:00Z', {
      script: 'night.js',
      timezoneId: 'UTC',
    });
    const mismatches: string[] = [];
    for (const from of ['2026-03-07T20:00:00Z', '2026-10-31T20:00:00Z']) {
      for (let i = 0; i < 36 * 4; i++) {
        const at = new Date(Date.parse(from) + i * 15 * 60_000);
        const status = hoursStatus(hours, at);
        const back = new Intl.DateTimeFormat('en-GB', {
          timeZone: 'UTC',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(new Date(status.nextOpen ?? 0));
        const expected = status.open
          ? 'Online — typically replies in 7 min'
          : `Away — back ${back} (your time)`;
        const seen = await statusAt(page, at);
        if (seen !== expected) mismatches.push(`${at.toISOString()}: ${seen} (wabox hours: ${expected})`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('widget preview: the demo page in the browser, its clock pinned by --at; the README screenshot', async () => {
    const { spawn } = await import('node:child_process');
    const preview = spawn(
      process.execPath,
      [
        BIN,
        'widget',
        'preview',
        '--phone',
        PHONE,
        ...['--text', TEXT, '--reply-time', '7m', '--at', '2026-03-04T10:00'],
      ],
      { env: { ...process.env, ...env } },
    );
    try {
      let stdout = '';
      preview.stdout.on('data', (d) => (stdout += d));
      await expect.poll(() => stdout, { timeout: 20_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\n$/);
      const context = await browser.newContext({
        timezoneId: 'Asia/Kolkata',
        viewport: { width: 720, height: 420 },
        deviceScaleFactor: 1,
        colorScheme: 'light',
        reducedMotion: 'reduce',
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(stdout.trim());
      await page.locator('[data-wabox-widget]').waitFor({ state: 'attached' });
      // 10:00 in New York on a Wednesday, whatever the machine's clock says
      expect((await open(page)).status).toBe('Online — typically replies in 7 min');
      const png = await page.screenshot();
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      // the README's picture: rewritten on request only, so a test run leaves the checkout as it was
      if (process.env.WABOX_UPDATE_SCREENSHOTS === '1') writeFileSync(join(ROOT, 'docs/widget.png'), png);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      preview.kill('SIGINT');
    }
  });
});
