// The parts of a running webhook receiver, in the order `webhook serve` (serve.ts runServe) puts
// them together: logger, store, template library, automatic-reply engine, HTTP server, shutdown.

import { stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Deps } from '../../cli/deps.js';
import type { CloudClient } from '../../cloud/client.js';
import type { AssignPolicy } from '../../core/assign.js';
import { anyAutoReply } from '../../core/autoreply.js';
import { WaboxError } from '../../core/errors.js';
import type { AutoReplyEngine, AutoReplyLibrary } from '../../server/autoreply-engine.js';
import type { CsatSender } from '../../server/csat-sender.js';
import type { GroupCommitter } from '../../server/ingest.js';
import type { RunningServer, ServerLimits } from '../../server/webhook-server.js';
import type { Store } from '../../store/store.js';
import { createReceiverLogger, type LogLevel, type ReceiverLogger } from './logger.js';

/** How long a graceful shutdown waits for in-flight requests before dropping them. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** Where to listen, the secrets to check requests with, and the limits on clients. */
export interface ReceiverSettings {
  host: string;
  port: string;
  path: string;
  appSecret: string | null;
  verifyToken: string | null;
  insecure: boolean;
  limits: Partial<Pick<ServerLimits, 'maxConnections' | 'maxBufferedBytes' | 'requestTimeoutMs'>>;
  /** config assign: how new conversations are assigned (read at start). */
  assign: AssignPolicy;
}

/** The JSON-lines logger, first telling what the settings leave unchecked. */
export async function receiverLogger(
  deps: Deps,
  level: LogLevel,
  settings: ReceiverSettings,
): Promise<ReceiverLogger> {
  const logger = await createReceiverLogger(deps, level);
  if (settings.insecure) {
    logger.warn(
      { insecureSkipSignature: true },
      'INSECURE: X-Hub-Signature-256 is NOT checked (--insecure-skip-signature): anyone who can reach this port can post events',
    );
    if (deps.io.isStderrTTY)
      deps.io.stderr.write(
        'WARNING: signatures are not checked (--insecure-skip-signature); never expose this port\n',
      );
  }
  if (settings.verifyToken === null)
    logger.warn(
      {},
      'no verify token (WABOX_VERIFY_TOKEN or `wabox config set verify-token`): GET verification answers 403',
    );
  return logger;
}

/** Sends through the profile's Cloud API client, opened at the first send; the number it sends from. */
function cloudSend(deps: Deps) {
  let phoneNumberId: string | null = null;
  return {
    send: async (message: Parameters<CloudClient['sendMessage']>[0]) => {
      const client = await deps.cloud();
      phoneNumberId = client.phoneNumberId;
      return client.sendMessage(message);
    },
    phoneNumberId: () => phoneNumberId,
  };
}

/** Decides automatic replies in the ingest transaction and sends them after the 200. */
export async function autoReplyEngine(
  deps: Deps,
  parts: { store: Store; library: () => Promise<AutoReplyLibrary>; logger: ReceiverLogger },
  dryRun: boolean,
): Promise<AutoReplyEngine> {
  const { AutoReplyEngine } = await import('../../server/autoreply-engine.js');
  const config = await deps.config();
  return new AutoReplyEngine({
    ...parts,
    ...cloudSend(deps),
    businessName: config.get('business-name'),
    agentName: config.get('agent-name'),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    dryRun,
    clock: () => deps.clock(),
    mask: deps.mask,
  });
}

/** Sends satisfaction questions through the Cloud API (`wabox resolve` and the receiver's timer). */
export async function csatSender(deps: Deps, store: Store): Promise<CsatSender> {
  const { CsatSender } = await import('../../server/csat-sender.js');
  const config = await deps.config();
  return new CsatSender({
    store,
    library: libraryLoader(deps),
    ...cloudSend(deps),
    businessName: config.get('business-name'),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    clock: () => deps.clock(),
    mask: deps.mask,
  });
}

/** How often the receiver looks for satisfaction questions whose delay has passed. */
const CSAT_EVERY_MS = 15_000;

/** Asks the satisfaction questions that are due, now and every CSAT_EVERY_MS; returns the stop. */
export async function askCsatWhenDue(deps: Deps, store: Store, logger: ReceiverLogger): Promise<() => void> {
  const sender = await csatSender(deps, store);
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= sender
      .sendDue()
      .then((counts) => {
        if (counts.asked + counts.skipped > 0) logger.info(counts, 'satisfaction questions');
      })
      .catch((err: unknown) =>
        logger.error({ err: deps.mask(String(err)) }, 'sending satisfaction questions failed'),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  await tick();
  const timer = setInterval(tick, CSAT_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The HTTP server, whose verified POSTs are committed in groups, then handed to the engine. */
export async function webhookReceiver(
  deps: Deps,
  settings: ReceiverSettings,
  parts: { store: Store; engine: AutoReplyEngine; logger: ReceiverLogger },
): Promise<{ http: Server; committer: GroupCommitter; requests: () => number }> {
  const [{ createWebhookServer }, { toWebhookPost, GroupCommitter }] = await Promise.all([
    import('../../server/webhook-server.js'),
    import('../../server/ingest.js'),
  ]);
  const { store, engine, logger } = parts;
  // one decision per batch (settings, templates, hours), one hook per POST (its arrival time)
  const committer = new GroupCommitter(
    async (posts) => {
      const decide = await engine.decider();
      if (decide)
        for (const post of posts) if (post.inbound.length > 0) post.decide = decide(post.receivedAt);
      if (settings.assign !== 'manual') for (const post of posts) post.assign = settings.assign;
      return store.ingestWebhook(posts);
    },
    undefined,
    undefined,
    undefined,
    store.serialWrites,
  );
  let requests = 0;
  const http = createWebhookServer({
    path: settings.path,
    appSecret: settings.appSecret,
    verifyToken: settings.verifyToken,
    insecureSkipSignature: settings.insecure,
    logger,
    clock: () => deps.clock(),
    limits: settings.limits,
    storeHealth: () => store.ping(),
    handle: async (events, { receivedAt }) => {
      requests++;
      const post = toWebhookPost(events, receivedAt);
      const result = await committer.submit(post);
      if (result.claims.length > 0) engine.dispatch(result.claims, post.inbound);
      for (const waId of result.handoffs)
        logger.info({ waId }, 'hand-off: automatic replies stop, a person takes over');
      for (const m of result.merges)
        logger.info({ into: m.into, from: m.from, why: m.why }, 'two contacts were one person: merged');
      for (const o of result.optOuts)
        logger.info(o, o.optedOut ? 'marketing opt-out' : 'marketing messages resumed');
      if (result.accountEvents.length > 0)
        logger.info({ fields: result.accountEvents }, 'account events stored');
      if (result.duplicates > 0)
        logger.debug({ duplicates: result.duplicates }, 'redelivered events ignored');
    },
  });
  return { http, committer, requests: () => requests };
}

/** Listens, or fails with what to do about it (a port in use names --port). */
export async function listenOrExplain(
  http: Server,
  settings: ReceiverSettings,
  logger: ReceiverLogger,
): Promise<RunningServer> {
  const { listen } = await import('../../server/webhook-server.js');
  const { host, port, path } = settings;
  try {
    return await listen(http, Number(port), host, path);
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
}

/** Sends what an earlier run left unsent, now and every minute; returns the stop. */
export async function resumeEveryMinute(
  deps: Deps,
  engine: AutoReplyEngine,
  logger: ReceiverLogger,
): Promise<() => void> {
  const resume = () =>
    engine
      .resume()
      .catch((err: unknown) =>
        logger.error({ err: deps.mask(String(err)) }, 'resuming automatic replies failed'),
      );
  await resume();
  const timer = setInterval(resume, 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Stops accepting, finishes the requests in flight (dropped after SHUTDOWN_TIMEOUT_MS or on `force`),
 * commits what was read, then waits for the automatic replies in flight unless forced. True if forced.
 */
export async function shutDown(
  force: AbortSignal | undefined,
  parts: {
    running: RunningServer;
    committer: GroupCommitter;
    engine: AutoReplyEngine;
    logger: ReceiverLogger;
  },
): Promise<boolean> {
  const { running, committer, engine, logger } = parts;
  logger.info({}, 'shutting down: no new connections; finishing requests in flight');
  const drop = () => running.destroyConnections();
  force?.addEventListener('abort', drop, { once: true });
  const deadline = setTimeout(drop, SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  await running.close();
  clearTimeout(deadline);
  await committer.drain();
  logger.info({}, 'waiting for automatic replies in flight');
  await Promise.race([
    engine.drain(),
    new Promise<void>((resolve) => {
      if (force?.aborted) resolve();
      force?.addEventListener('abort', () => resolve(), { once: true });
    }),
  ]);
  force?.removeEventListener('abort', drop);
  const forced = force?.aborted === true;
  if (forced) {
    const abandoned = engine.abandon();
    if (abandoned.length > 0)
      logger.warn(
        { abandoned: abandoned.length, replies: abandoned },
        'forced stop: automatic replies abandoned; the next start marks those being sent as failed (they may have gone out) and sends the others if still fresh',
      );
  }
  return forced;
}

/** WAL pages between checkpoints on the receiver's connection (see openReceiverStore). */
const RECEIVER_CHECKPOINT_PAGES = 4000;
/**
 * The receiver's page cache: into a copy of a 1M-message store, a store-only ingest loop took 85 µs a
 * message with the default 16 MB against 75 µs with 32 MB (57 µs into an empty store).
 */
const RECEIVER_CACHE_KB = 32_000;

/**
 * The receiver's own connection to the store, with SQLite's durable commits (synchronous=FULL): the
 * POSTs of a commit are answered only once its WAL is on disk. The sync blocks the event loop, which
 * measured cheaper than handing it to another thread on 2 cores (bench/webhook-ingest.mjs); group
 * commit makes each sync cover every POST read meanwhile. Checkpoints every RECEIVER_CHECKPOINT_PAGES:
 * random wamids touch the same index pages commit after commit, and copying them back less often costs
 * less CPU per POST.
 */
export async function openReceiverStore(deps: Deps): Promise<Store> {
  const [{ resolveDbLocation }, { openStore }] = await Promise.all([
    import('../../config/settings.js'),
    import('../../store/open.js'),
  ]);
  return openStore(await resolveDbLocation(deps), {
    now: () => deps.clock().getTime(),
    sqlite: {
      synchronous: 'FULL',
      // never block the event loop on another process's lock: the committer retries, then 503
      ingestBusyTimeoutMs: 0,
      walAutocheckpointPages: RECEIVER_CHECKPOINT_PAGES,
      cacheSizeKb: RECEIVER_CACHE_KB,
    },
  });
}

/** Warnings at start for automatic replies that are on but cannot work. */
export async function startupChecks(
  deps: Deps,
  engine: AutoReplyEngine,
  dryRun: boolean,
  logger: ReceiverLogger,
  library: () => Promise<AutoReplyLibrary>,
): Promise<void> {
  const settings = await engine.settings();
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
      dryRun,
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
  if (dryRun) return;
  try {
    // loaded on use: config/settings loads conf and libphonenumber's metadata
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
export function libraryLoader(deps: Deps): () => Promise<AutoReplyLibrary> {
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
