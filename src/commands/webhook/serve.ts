// `wabox webhook serve`: the webhook receiver (../shared/reference/cloud-api.md §4). Every POST is
// verified, parsed and committed to the store before its 200; automatic replies (if turned on) are
// decided in the same transaction and sent after the answer, exactly once (server/autoreply-engine.ts).

import type { Command } from 'commander';
import { Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { ExitCode } from '../../cli/errors.js';
import { listenForInterrupt } from '../../cli/signals.js';
import type { AssignPolicy } from '../../core/assign.js';
import { configInvalid, invalidInput, WaboxError } from '../../core/errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import {
  aborted,
  askCsatWhenDue,
  autoReplyEngine,
  libraryLoader,
  listenOrExplain,
  openReceiverStore,
  type ReceiverSettings,
  receiverLogger,
  resumeEveryMinute,
  shutDown,
  startupChecks,
  webhookReceiver,
} from './receiver.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  path?: string;
  dryRun?: boolean;
  insecureSkipSignature?: boolean;
  logLevel?: LogLevel;
  /** Connections open at once (default 1024). */
  maxConnections?: string;
  /** MiB of request bodies held at once (default 64). */
  maxBuffer?: string;
  /** Seconds to receive a request's headers and body (default 10). */
  requestTimeout?: string;
}

export interface ServeControl {
  /** Aborting it shuts the receiver down gracefully (SIGTERM, SIGINT). */
  signal: AbortSignal;
  /** Aborting it drops in-flight requests and stops waiting for automatic replies (a second Ctrl-C). */
  force?: AbortSignal;
  /** Told the URL once the server listens (tests use it with --port 0). */
  onListening?: (url: string) => void;
}

export interface ServeResult {
  url: string;
  requests: number;
  /** Stopped by a second signal, without waiting for what was in flight. */
  forced: boolean;
}
/**
 * After a second signal, the process exits within this even if something still holds it (a Cloud API
 * request that never answers keeps its socket, and closing the client waits for it).
 */
export const FORCED_EXIT_MS = 2000;

export function register(parent: Command, deps: Deps): void {
  parent
    .command('serve')
    .description('run the webhook receiver: verify, store, and answer automatically (if turned on)')
    .option('-p, --port <port>', 'port to listen on, 0 for any free one (default: config webhook-port, 8080)')
    .option('--host <host>', 'address to listen on (default: config webhook-host, 127.0.0.1)')
    .option('--path <path>', 'URL path Meta posts to (default: config webhook-path, /webhook)')
    .option('--dry-run', 'store everything, log the automatic replies that would go out, send nothing')
    .option(
      '--insecure-skip-signature',
      'accept POSTs without checking X-Hub-Signature-256 (local experiments only: anyone can post)',
    )
    .option('--max-connections <n>', 'connections open at once; more are closed at once (default: 1024)')
    .option(
      '--max-buffer <MiB>',
      'MiB of request bodies held at once; a request over it gets 503 (default: 64)',
    )
    .option(
      '--request-timeout <seconds>',
      "seconds to receive a request's headers and body, then 408 (default: 10)",
    )
    .addOption(
      new Option('--log-level <level>', 'log level (debug adds a line per accepted POST)')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox webhook serve                      # app secret and verify token from the profile or env
  WABOX_APP_SECRET=... WABOX_VERIFY_TOKEN=... wabox webhook serve
  wabox webhook serve --port 3000 --host 0.0.0.0 --path /whatsapp
  wabox webhook serve --dry-run            # automatic replies logged, not sent
  wabox webhook simulate --text "Hi" --from +919876543210   # in another terminal

Configuration: flag > environment (WABOX_APP_SECRET, WABOX_VERIFY_TOKEN, WABOX_DB,
WABOX_WEBHOOK_HOST/PORT/PATH) > profile (wabox config set app-secret, ...). Without an app secret the
receiver refuses to start. Meta needs an HTTPS URL: put a reverse proxy or a tunnel in front.
Logs: one JSON object per line on stderr. SIGTERM or Ctrl-C: stops accepting, finishes the requests
and automatic replies in flight, closes the store, exits 0. A second signal stops at once: it logs the
automatic replies abandoned and exits 130 within 2 s.
Limits: --request-timeout (10 s), --max-buffer (64 MiB of bodies), --max-connections (1024).
GET /healthz answers {"ok":true,"store":"ok"}, or 503 when the store does not answer.`,
    )
    .action(async (flags: ServeOptions) => {
      const force = new AbortController();
      const graceful = listenForInterrupt(Date.now, () => {
        if (force.signal.aborted) return;
        force.abort();
        setTimeout(() => process.exit(ExitCode.cancelled), FORCED_EXIT_MS).unref();
      });
      try {
        const result = await runServe(flags, deps, { signal: graceful.signal, force: force.signal });
        if (result.forced)
          throw new WaboxError('cancelled', 'stopped at once by a second signal', {
            code: 'webhook.forced_stop',
            hint: 'the log lists what was abandoned; Meta redelivers unanswered POSTs',
          });
      } finally {
        graceful.dispose();
      }
    });
}

export async function runServe(
  options: ServeOptions,
  deps: Deps,
  control: ServeControl,
): Promise<ServeResult> {
  const settings = await receiverSettings(options, deps);
  const logger = await receiverLogger(deps, options.logLevel ?? 'info', settings);
  const store = await openReceiverStore(deps);
  try {
    const library = libraryLoader(deps);
    const engine = await autoReplyEngine(deps, { store, library, logger }, options.dryRun === true);
    const receiver = await webhookReceiver(deps, settings, { store, engine, logger });
    const running = await listenOrExplain(receiver.http, settings, logger);
    logger.info(
      { url: running.url, dryRun: options.dryRun === true, db: 'path' in store ? store.path : undefined },
      'listening',
    );
    if (deps.io.isStderrTTY) deps.io.stderr.write(`wabox webhook receiver listening on ${running.url}\n`);
    control.onListening?.(running.url);
    await startupChecks(deps, engine, options.dryRun === true, logger, library);
    const stopResuming = await resumeEveryMinute(deps, engine, logger);
    // a dry run sends nothing, satisfaction questions neither
    const stopAsking = options.dryRun === true ? async () => {} : await askCsatWhenDue(deps, store, logger);
    await aborted(control.signal);
    stopResuming();
    await stopAsking();
    const forced = await shutDown(control.force, { running, committer: receiver.committer, engine, logger });
    const requests = receiver.requests();
    logger.info({ requests, forced }, 'stopped');
    await logger.flush();
    return { url: running.url, requests, forced };
  } finally {
    await store.close();
  }
}

/** Flag > environment > profile > default; no app secret is a config error unless the check is skipped. */
async function receiverSettings(options: ServeOptions, deps: Deps): Promise<ReceiverSettings> {
  // loaded on use: config/settings loads conf and libphonenumber's metadata
  const { resolveSetting } = await import('../../config/settings.js');
  const [host, port, path, appSecret, verifyToken, assign] = await Promise.all([
    resolveSetting(deps, 'webhook-host', options.host),
    resolveSetting(deps, 'webhook-port', options.port),
    resolveSetting(deps, 'webhook-path', options.path),
    resolveSetting(deps, 'app-secret'),
    resolveSetting(deps, 'verify-token'),
    resolveSetting(deps, 'assign'),
  ]);
  const limits = serverLimits(options);
  const insecure = options.insecureSkipSignature === true;
  if (appSecret === undefined && !insecure) {
    throw configInvalid('no app secret: the receiver cannot check that webhooks come from Meta', {
      code: 'webhook.no_app_secret',
      hint: 'set WABOX_APP_SECRET or run `wabox config set app-secret` (App Dashboard > App settings > Basic); --insecure-skip-signature skips the check for local experiments',
    });
  }
  return {
    host: host!,
    port: port!,
    path: path!,
    appSecret: appSecret ?? null,
    verifyToken: verifyToken ?? null,
    insecure,
    limits,
    assign: (assign ?? 'manual') as AssignPolicy,
  };
}

/** The limits on unauthenticated clients from the flags (server/webhook-server.ts ServerLimits). */
function serverLimits(options: ServeOptions): ReceiverSettings['limits'] {
  const positive = (value: string | undefined, flag: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw invalidInput(`${flag} must be a whole number of at least 1, not "${value}"`, {
        code: 'webhook.bad_limit',
      });
    return n;
  };
  const buffer = positive(options.maxBuffer, '--max-buffer');
  const timeout = positive(options.requestTimeout, '--request-timeout');
  return {
    maxConnections: positive(options.maxConnections, '--max-connections'),
    maxBufferedBytes: buffer === undefined ? undefined : buffer * 1024 * 1024,
    requestTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
  };
}
