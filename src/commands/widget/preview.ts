import type { Server } from 'node:http';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { listenForInterrupt } from '../../cli/signals.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import { addWidgetOptions, type WidgetFlags } from './shared.js';

export interface WidgetPreviewOptions extends WidgetFlags {
  port?: string;
  at?: string;
}

export interface PreviewControl {
  signal: AbortSignal;
  /** Told the URL once the server listens. */
  onListening?: (url: string) => void;
}

export type WidgetPreviewRunner = (options: WidgetPreviewOptions) => Promise<void>;

/** What a site with a strict policy sends: the widget must work under it. */
export const PREVIEW_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function register(parent: Command, deps: Deps, runF?: WidgetPreviewRunner): void {
  const cmd = parent
    .command('preview')
    .description('serve a demo page with the chat button on 127.0.0.1 until Ctrl-C')
    .option('-p, --port <port>', 'port to listen on, 0 for any free one (default: 0)')
    .option(
      '--at <iso-time>',
      "pin the page's clock, e.g. to see the away card (ISO 8601; without an offset, in the business time zone)",
    );
  addWidgetOptions(cmd).addHelpText(
    'after',
    `
Examples:
  wabox widget preview --phone +919876543210
  wabox widget preview --phone +919876543210 --text "Hi, I'm looking at {TITLE}" --at 2026-03-08T23:00
  wabox widget preview --agents agents.yaml --port 8000

Prints the page's URL; the page is served with a strict Content-Security-Policy, as a careful site would.`,
  );
  cmd.action(async (flags: WidgetPreviewOptions) => {
    if (runF) return runF(flags);
    const interrupt = listenForInterrupt();
    try {
      await runWidgetPreview(flags, deps, {
        signal: interrupt.signal,
        onListening: (url) => deps.io.stdout.write(`${url}\n`),
      });
    } finally {
      interrupt.dispose();
    }
  });
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw invalidInput(`invalid port "${text}": use 0-65535`, { code: 'usage.invalid_port' });
  return port;
}

export async function runWidgetPreview(
  options: WidgetPreviewOptions,
  deps: Deps,
  control: PreviewControl,
): Promise<void> {
  const port = parsePort(options.port);
  let at: Date | null = null;
  if (options.at !== undefined) {
    const [{ parseInstant }, { loadHours, systemTimeZone }] = await Promise.all([
      import('../../core/hours.js'),
      import('../template/shared.js'),
    ]);
    at = parseInstant(options.at, (await loadHours(deps))?.timeZone ?? systemTimeZone());
  }
  const { buildWidget } = await import('./assemble.js');
  const { script } = await buildWidget(options, deps);
  const { createServer } = await import('node:http');
  const page = demoPage(at);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const headers = { 'content-security-policy': PREVIEW_CSP, 'cache-control': 'no-store' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    } else if (path === '/') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (path === '/wabox-widget.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (path === '/demo.css') {
      res.writeHead(200, { ...headers, 'content-type': 'text/css; charset=utf-8' }).end(DEMO_CSS);
    } else if (path === '/favicon.ico') {
      // browsers ask for it; a 404 would show as an error in the page's console
      res.writeHead(204, headers).end();
    } else {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  const url = await listen(server, port);
  control.onListening?.(url);
  await new Promise<void>((resolve) => {
    if (control.signal.aborted) resolve();
    else control.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new WaboxError('failure', `cannot listen on 127.0.0.1:${port}: ${err.message}`, {
          code: 'widget.listen_failed',
          hint:
            err.code === 'EADDRINUSE'
              ? 'another program uses that port: choose another with --port'
              : undefined,
        }),
      ),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`);
    });
  });
}

function demoPage(at: Date | null): string {
  const now = at === null ? '' : ` data-now="${at.toISOString()}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Blue ceramic mug — demo shop</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<main>
<h1>Blue ceramic mug</h1>
<p>A demo product page for the wabox chat button. The button sits in the corner; its card says whether
someone is there now, and the chat it opens starts with this page's text and campaign ref.</p>
<p>${at === null ? "The page uses this computer's clock." : `The clock is pinned to ${at.toISOString()}.`}</p>
</main>
<script src="/wabox-widget.js"${now} defer></script>
</body>
</html>
`;
}

const DEMO_CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:40rem;margin:3rem auto;padding:0 1rem}
@media (prefers-color-scheme:dark){body{color:#f0f3f6;background:#0d1117}}
`;
