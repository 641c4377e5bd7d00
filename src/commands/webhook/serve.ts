// `wabox webhook serve`: the webhook receiver (../shared/reference/cloud-api.md §4). Every POST is
// verified, parsed and committed to the store before its 200; automatic replies (if turned on) are
// decided in the same transaction and sent after the answer, exactly once (server/autoreply-engine.ts).
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { ExitCode } from '../../cli/errors.js';
import { configInvalid, invalidInput, WaboxError } from '../../core/errors.js';
import type { AutoReplyLibrary } from '../../server/autoreply-engine.js';
import type { Store } from '../../store/store.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

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

/** How long a graceful shutdown waits for in-flight requests before dropping them. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

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
GET /healthz answers {"ok":true}.`,
    )
    .action(async (flags: ServeOptions) => {
      const graceful = new AbortController();
      const force = new AbortController();
      // a second signal forces the stop; one arriving within a second of the first is the same one
      // re-raised by a library's exit hook (atomically, under conf, re-sends the signal it caught)
      let first = 0;
      const onSignal = () => {
        if (!graceful.signal.aborted) {
          first = Date.now();
          graceful.abort();
        } else if (Date.now() - first > 1000 && !force.signal.aborted) {
          force.abort();
          setTimeout(() => process.exit(ExitCode.cancelled), FORCED_EXIT_MS).unref();
        }
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        const result = await runServe(flags, deps, { signal: graceful.signal, force: force.signal });
        if (result.forced)
          throw new WaboxError('cancelled', 'stopped at once by a second signal', {
            code: 'webhook.forced_stop',
            hint: 'the log lists what was abandoned; Meta redelivers unanswered POSTs',
          });
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}

export async function runServe(
  options: ServeOptions,
  deps: Deps,
  control: ServeControl,
): Promise<ServeResult> {
  const [
    { resolveSetting },
    server,
    { toWebhookPost, GroupCommitter },
    { AutoReplyEngine },
    { createReceiverLogger },
  ] = await Promise.all([
    import('../../config/settings.js'),
    import('../../server/webhook-server.js'),
    import('../../server/ingest.js'),
    import('../../server/autoreply-engine.js'),
    import('./logger.js'),
  ]);
  const [host, port, path, appSecret, verifyToken] = await Promise.all([
    resolveSetting(deps, 'webhook-host', options.host),
    resolveSetting(deps, 'webhook-port', options.port),
    resolveSetting(deps, 'webhook-path', options.path),
    resolveSetting(deps, 'app-secret'),
    resolveSetting(deps, 'verify-token'),
  ]);
  const limits = serverLimits(options);
  const insecure = options.insecureSkipSignature === true;
  if (appSecret === undefined && !insecure) {
    throw configInvalid('no app secret: the receiver cannot check that webhooks come from Meta', {
      code: 'webhook.no_app_secret',
      hint: 'set WABOX_APP_SECRET or run `wabox config set app-secret` (App Dashboard > App settings > Basic); --insecure-skip-signature skips the check for local experiments',
    });
  }
  const logger = await createReceiverLogger(deps, options.logLevel ?? 'info');
  if (insecure) {
    logger.warn(
      { insecureSkipSignature: true },
      'INSECURE: X-Hub-Signature-256 is NOT checked (--insecure-skip-signature): anyone who can reach this port can post events',
    );
    if (deps.io.isStderrTTY)
      deps.io.stderr.write(
        'WARNING: signatures are not checked (--insecure-skip-signature); never expose this port\n',
      );
  }
  if (verifyToken === undefined)
    logger.warn(
      {},
      'no verify token (WABOX_VERIFY_TOKEN or `wabox config set verify-token`): GET verification answers 403',
    );

  const store = await openReceiverStore(deps);
  try {
    const config = await deps.config();
    const library = libraryLoader(deps);
    let phoneNumberId: string | null = null;
    const engine = new AutoReplyEngine({
      store,
      library,
      send: async (message) => {
        const client = await deps.cloud();
        phoneNumberId = client.phoneNumberId;
        return client.sendMessage(message);
      },
      phoneNumberId: () => phoneNumberId,
      businessName: config.get('business-name'),
      agentName: config.get('agent-name'),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      dryRun: options.dryRun === true,
      logger,
      clock: () => deps.clock(),
      mask: deps.mask,
    });
    // one decision per batch (settings, templates, hours), one hook per POST (its arrival time)
    const committer = new GroupCommitter(async (posts) => {
      const decide = await engine.decider();
      if (decide)
        for (const post of posts) if (post.inbound.length > 0) post.decide = decide(post.receivedAt);
      return store.ingestWebhook(posts);
    });
    let requests = 0;
    const http = server.createWebhookServer({
      path: path!,
      appSecret: appSecret ?? null,
      verifyToken: verifyToken ?? null,
      insecureSkipSignature: insecure,
      logger,
      clock: () => deps.clock(),
      limits,
      handle: async (events, { receivedAt }) => {
        requests++;
        const post = toWebhookPost(events, receivedAt);
        const result = await committer.submit(post);
        if (result.claims.length > 0) engine.dispatch(result.claims, post.inbound);
        for (const waId of result.handoffs)
          logger.info({ waId }, 'hand-off: automatic replies stop, a person takes over');
        if (result.duplicates > 0)
          logger.debug({ duplicates: result.duplicates }, 'redelivered events ignored');
      },
    });
    let running: Awaited<ReturnType<typeof server.listen>>;
    try {
      running = await server.listen(http, Number(port), host!, path!);
    } catch (err) {
      await logger.flush();
      const code = (err as NodeJS.ErrnoException).code;
      throw new WaboxError('failure', `cannot listen on ${host}:${port}: ${(err as Error).message}`, {
        code: 'webhook.listen_failed',
        hint:
          code === 'EADDRINUSE'
            ? 'another program uses that port: choose another with --port (or `wabox config set webhook-port`)'
            : 'check --host and --port',
        cause: err,
      });
    }
    logger.info(
      { url: running.url, dryRun: options.dryRun === true, db: 'path' in store ? store.path : undefined },
      'listening',
    );
    if (deps.io.isStderrTTY) deps.io.stderr.write(`wabox webhook receiver listening on ${running.url}\n`);
    control.onListening?.(running.url);
    await startupChecks(deps, engine, options, logger, library);

    const resume = () =>
      engine
        .resume()
        .catch((err: unknown) =>
          logger.error({ err: deps.mask(String(err)) }, 'resuming automatic replies failed'),
        );
    await resume();
    const timer = setInterval(resume, 60_000);
    timer.unref();

    await new Promise<void>((resolve) => {
      if (control.signal.aborted) resolve();
      else control.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    clearInterval(timer);
    logger.info({}, 'shutting down: no new connections; finishing requests in flight');
    const drop = () => running.destroyConnections();
    control.force?.addEventListener('abort', drop, { once: true });
    const deadline = setTimeout(drop, SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    await running.close();
    clearTimeout(deadline);
    await committer.drain();
    logger.info({}, 'waiting for automatic replies in flight');
    await Promise.race([
      engine.drain(),
      new Promise<void>((resolve) => {
        if (control.force?.aborted) resolve();
        control.force?.addEventListener('abort', () => resolve(), { once: true });
      }),
    ]);
    control.force?.removeEventListener('abort', drop);
    const forced = control.force?.aborted === true;
    if (forced) {
      const abandoned = engine.abandon();
      if (abandoned.length > 0)
        logger.warn(
          { abandoned: abandoned.length, replies: abandoned },
          'forced stop: automatic replies abandoned; the next start marks those being sent as failed (they may have gone out) and sends the others if still fresh',
        );
    }
    logger.info({ requests, forced }, 'stopped');
    await logger.flush();
    return { url: running.url, requests, forced };
  } finally {
    await store.close();
  }
}

/** The limits on unauthenticated clients from the flags (server/webhook-server.ts ServerLimits). */
function serverLimits(options: ServeOptions): {
  [K in 'maxConnections' | 'maxBufferedBytes' | 'requestTimeoutMs']?: number;
} {
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

/** WAL pages between checkpoints on the receiver's connection (see openReceiverStore). */
const RECEIVER_CHECKPOINT_PAGES = 4000;

/**
 * The receiver's own connection to the store, with SQLite's durable commits (synchronous=FULL, the
 * default): COMMIT returns once the WAL is on disk, and only then are the POSTs of that commit answered.
 * The event loop waits for the disk meanwhile (~0.3 ms per commit here), which costs less than handing
 * the sync to another thread: measured on a 2-core machine, a thread pool fdatasync or a writer thread
 * (with the HTTP thread and the load generator competing for the cores) answered later than the
 * blocking sync, and group commit makes each sync cover every POST read while the previous one ran.
 *
 * Checkpoints every RECEIVER_CHECKPOINT_PAGES instead of 1000: a message's random wamid and contact put
 * each commit's index inserts on pages all over the file, and the same pages come back commit after
 * commit; copying them back once per 4000 WAL pages (~16 MB of WAL) instead of once per 1000 took 5-10%
 * less CPU a POST (bench/webhook-ingest.mjs, 7 alternating runs: median 13.9k against 12.9k POSTs/s,
 * p99 7 ms against 9 ms; 2000 and 8000 pages measured in between and no better).
 */
async function openReceiverStore(deps: Deps): Promise<Store> {
  const [{ resolveDbLocation }, { POSTGRES_URL }, { openSqliteStore }] = await Promise.all([
    import('../../config/settings.js'),
    import('../../config/keys.js'),
    import('../../store/sqlite.js'),
  ]);
  const location = await resolveDbLocation(deps);
  if (POSTGRES_URL.test(location))
    throw configInvalid('PostgreSQL support is not built yet: the store can only be a SQLite file for now', {
      code: 'store.postgres_unsupported',
      hint: 'point WABOX_DB (or `wabox config set db`) at a file path, or unset it for the default',
    });
  return openSqliteStore(location, {
    synchronous: 'FULL',
    // never block the event loop on another process's lock: the committer retries, then 503
    ingestBusyTimeoutMs: 0,
    walAutocheckpointPages: RECEIVER_CHECKPOINT_PAGES,
  });
}

/** Warnings at start for automatic replies that are on but cannot work. */
async function startupChecks(
  deps: Deps,
  engine: import('../../server/autoreply-engine.js').AutoReplyEngine,
  options: ServeOptions,
  logger: import('./logger.js').ReceiverLogger,
  library: () => Promise<AutoReplyLibrary>,
): Promise<void> {
  const settings = await engine.settings();
  const { anyAutoReply } = await import('../../core/autoreply.js');
  if (!anyAutoReply(settings)) {
    logger.info(
      {},
      'automatic replies are off (wabox autoreply set greeting|away on, wabox autoreply keyword add)',
    );
    return;
  }
  logger.info(
    {
      greeting: settings.greeting,
      away: settings.away,
      keywords: settings.keywords.length,
      handoff: settings.handoff,
      dryRun: options.dryRun === true,
    },
    'automatic replies are on',
  );
  try {
    const lib = await library();
    if (settings.away && lib.hours === undefined)
      logger.warn(
        {},
        'away messages are on but no business hours are set (wabox hours set ...): none will go out',
      );
  } catch (err) {
    logger.warn({ err: deps.mask((err as Error).message) }, 'cannot read the templates or business hours');
  }
  if (options.dryRun) return;
  try {
    const { resolveCloudSettings } = await import('../../config/settings.js');
    await resolveCloudSettings(deps);
  } catch (err) {
    logger.warn(
      { err: deps.mask((err as Error).message) },
      'automatic replies are on but the Cloud API is not configured: they will fail (or run with --dry-run)',
    );
  }
}

/**
 * The template library and business hours, reloaded when their files change (checked at most once a
 * second), so `wabox template add` or `wabox hours set` take effect without a restart. A file that no
 * longer validates keeps the last good version (and is logged by the caller's error path once).
 */
function libraryLoader(deps: Deps): () => Promise<AutoReplyLibrary> {
  let current: AutoReplyLibrary | undefined;
  let checkedAt = 0;
  let stamp = '';
  return async () => {
    const now = Date.now();
    if (current && now - checkedAt < 1000) return current;
    checkedAt = now;
    const [{ templatesPath, TemplateLibrary }, { hoursPath, HoursFile }] = await Promise.all([
      import('../../config/templates.js'),
      import('../../config/hours.js'),
    ]);
    const paths = [templatesPath(deps.env), hoursPath(deps.env)] as const;
    const stamps = await Promise.all(
      paths.map((p) =>
        stat(p).then(
          (s) => `${s.mtimeMs}:${s.size}`,
          () => 'none',
        ),
      ),
    );
    const next = stamps.join('|');
    if (current && next === stamp) return current;
    try {
      const [templates, hours] = await Promise.all([
        new TemplateLibrary(paths[0]).load(),
        new HoursFile(paths[1]).load(),
      ]);
      current = { templates, hours };
      stamp = next;
    } catch (err) {
      if (!current) throw err;
    }
    return current;
  };
}
