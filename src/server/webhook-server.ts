// The webhook receiver (../shared/reference/cloud-api.md §4): GET verification, signed POSTs, health.
// A POST is answered 200 only after its handler resolved, i.e. after the store committed its events:
// Meta redelivers anything not acknowledged, so a crash never loses an acknowledged event.
//
// Logs: a line per refused or failed request at info (or error); a line per accepted POST and per health
// check only at debug: under load those lines cost more than the rest of the request's own work.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isWebhookPayload, parseWebhook, type WebhookEvent } from '../cloud/webhook-events.js';
import { verifySignature } from '../cloud/webhook-signature.js';
import { WaboxError } from '../core/errors.js';

/** Larger bodies get 413 (Meta batches at most 1,000 updates; real payloads are a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Retry-After of a 503 (the store locked, over the memory budget), in seconds. */
export const RETRY_AFTER_S = 5;

/**
 * What the receiver accepts before any signature is checked: anyone who can reach the port can open
 * connections and send bodies, so the memory they can make it hold is bounded.
 */
export interface ServerLimits {
  /** Connections open at once; Node closes any beyond it at once. */
  maxConnections: number;
  /** Body bytes held across all requests in flight; a request over it gets 503 and Connection: close. */
  maxBufferedBytes: number;
  /** Time to receive a request's headers and its whole body; then 408 and the connection is closed. */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 10_000,
};

/**
 * Bodies up to this size may use the whole buffer budget; larger ones only its first half, so slow
 * large bodies cannot starve Meta's (a few KB each).
 */
export const SMALL_BODY_BYTES = 64 * 1024;

export interface WebhookLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** False when debug lines go nowhere: the server then does not even build them. */
  isLevelEnabled?(level: 'debug'): boolean;
}

export interface WebhookServerOptions {
  path: string;
  /** Null only with insecureSkipSignature. */
  appSecret: string | null;
  verifyToken: string | null;
  insecureSkipSignature?: boolean;
  /** Stores the events of one POST; the 200 waits for it. */
  handle(events: WebhookEvent[], context: { rawBody: Buffer; receivedAt: Date }): Promise<void>;
  logger: WebhookLogger;
  clock?: () => Date;
  limits?: Partial<ServerLimits>;
  /** Resolves when the store answers: /healthz is 503 otherwise, so a load balancer takes this receiver out. */
  storeHealth?: () => Promise<void>;
}

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
  /** Drops every connection now, in-flight requests included (a second Ctrl-C, a shutdown timeout). */
  destroyConnections(): void;
}

export function createWebhookServer(options: WebhookServerOptions): Server {
  const clock = options.clock ?? (() => new Date());
  const debug = options.logger.isLevelEnabled?.('debug') ?? true;
  const limits: ServerLimits = {
    maxConnections: options.limits?.maxConnections ?? DEFAULT_LIMITS.maxConnections,
    maxBufferedBytes: options.limits?.maxBufferedBytes ?? DEFAULT_LIMITS.maxBufferedBytes,
    requestTimeoutMs: options.limits?.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs,
  };
  const budget = new BufferBudget(limits.maxBufferedBytes);
  const server = createServer(
    {
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // how often Node looks for requests past their timeout (default 30 s)
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
    },
    (req, res) => {
      const started = performance.now();
      // once close() began, a keep-alive connection ends with the response it is busy with
      res.once('finish', () => {
        if (!server.listening) setImmediate(() => server.closeIdleConnections());
      });
      const url = requestUrl(req.url ?? '/');
      const done = ({ status, log, quiet }: RouteResult) =>
        (debug || !quiet) &&
        options.logger[quiet ? 'debug' : 'info'](
          {
            method: req.method,
            path: url.pathname,
            status,
            ms: +(performance.now() - started).toFixed(1),
            ...log,
          },
          'request',
        );
      route(req, res, url, options, clock, budget)
        .then(done)
        .catch((err: unknown) => {
          // transient (the store locked by another process): 503, and Meta redelivers later
          const transient = err instanceof WaboxError && err.kind === 'transient';
          const status = transient ? 503 : 500;
          options.logger[transient ? 'warn' : 'error'](
            { err: err instanceof Error ? err.message : String(err), path: url.pathname },
            'request failed',
          );
          if (res.headersSent) res.destroy();
          else if (transient) {
            res.setHeader('retry-after', String(RETRY_AFTER_S));
            send(res, 503, 'temporarily unavailable');
          } else send(res, 500, 'internal error');
          done({ status });
        });
    },
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

/** The body bytes held by requests in flight, against the budget (see ServerLimits). */
class BufferBudget {
  #used = 0;
  constructor(readonly max: number) {}

  /** Takes `bytes` more for a request that then holds `total`; false (nothing taken) when over. */
  take(bytes: number, total: number): boolean {
    const limit = total <= SMALL_BODY_BYTES ? this.max : this.max / 2;
    if (this.#used + bytes > limit) return false;
    this.#used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#used -= bytes;
  }
}

/** The path and query of a request target; cheaper than `new URL` on every POST. */
function requestUrl(target: string): { pathname: string; searchParams: URLSearchParams } {
  const q = target.indexOf('?');
  const pathname = q < 0 ? target : target.slice(0, q);
  let params: URLSearchParams | undefined;
  return {
    pathname,
    get searchParams() {
      params ??= new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
      return params;
    },
  };
}

interface RouteResult {
  status: number;
  log?: object;
  /** Logged at debug only: an accepted POST, a health check. */
  quiet?: boolean;
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  url: { pathname: string; searchParams: URLSearchParams },
  options: WebhookServerOptions,
  clock: () => Date,
  budget: BufferBudget,
): Promise<RouteResult> {
  if (url.pathname === '/healthz' && req.method === 'GET') return health(res, options.storeHealth);
  if (url.pathname !== options.path) return { status: send(res, 404, 'not found') };
  if (req.method === 'GET') return { status: verifyChallenge(res, url, options.verifyToken) };
  if (req.method !== 'POST') {
    res.setHeader('allow', 'GET, POST');
    return { status: send(res, 405, 'method not allowed') };
  }
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return { status: tooLarge(req, res) };
  // a declared length is taken from the budget at once, a chunked body as it comes
  const reserved = Math.max(declared || 0, 0);
  if (!budget.take(reserved, reserved)) return { status: overBudget(req, res) };
  let held = reserved;
  try {
    const rawBody = await readBody(req, (total) => {
      if (total <= held) return true;
      if (!budget.take(total - held, total)) return false;
      held = total;
      return true;
    });
    if (rawBody === 'over') return { status: overBudget(req, res) };
    if (rawBody === 'gone') {
      res.destroy();
      return { status: 499, log: { reason: 'the client closed the connection before its body ended' } };
    }
    if (rawBody === null) return { status: tooLarge(req, res) };
    return await accept(req, res, rawBody, options, clock);
  } finally {
    budget.release(held);
  }
}

async function accept(
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: Buffer,
  options: WebhookServerOptions,
  clock: () => Date,
): Promise<RouteResult> {
  if (options.insecureSkipSignature) {
    options.logger.warn({}, 'signature NOT checked (--insecure-skip-signature): anyone can post events');
  } else if (!verifySignature(rawBody, header(req, 'x-hub-signature-256'), options.appSecret ?? '')) {
    return { status: send(res, 401, 'invalid signature') };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { status: send(res, 400, 'invalid JSON') };
  }
  if (!isWebhookPayload(body))
    return { status: send(res, 400, 'not a webhook payload: expected {"entry": [...]}') };
  const events = parseWebhook(body);
  await options.handle(events, { rawBody, receivedAt: clock() });
  return { status: send(res, 200, 'ok'), log: { events: events.length }, quiet: true };
}

/** hub.mode=subscribe with the right hub.verify_token: 200 and the challenge as text/plain; else 403. */
function verifyChallenge(
  res: ServerResponse,
  url: { searchParams: URLSearchParams },
  verifyToken: string | null,
): number {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token');
  const challenge = url.searchParams.get('hub.challenge');
  if (
    mode === 'subscribe' &&
    verifyToken !== null &&
    token !== null &&
    challenge !== null &&
    sameSecret(token, verifyToken)
  ) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(challenge);
    return 200;
  }
  return send(res, 403, 'forbidden');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The body; null when it grows past MAX_BODY_BYTES (a lying or missing Content-Length), 'over' when
 * `admit(totalSoFar)` refuses a chunk (the buffer budget), 'gone' when the connection closed first
 * (the client left, the request timed out).
 */
function readBody(
  req: IncomingMessage,
  admit: (total: number) => boolean,
): Promise<Buffer | null | 'over' | 'gone'> {
  // events rather than `for await`: the async iterator costs more than the rest of a small POST's parsing
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (result: null | 'over' | 'gone') => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      chunks.length = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) stop(null);
      else if (!admit(size)) stop('over');
      else chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('error', onError);
      req.off('close', onClose);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => reject(err);
    const onClose = () => stop('gone');
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/** {"ok":true,"store":"ok"}, or 503 with {"ok":false,"store":"unreachable"} when the store does not answer. */
async function health(
  res: ServerResponse,
  storeHealth: (() => Promise<void>) | undefined,
): Promise<RouteResult> {
  let body: object = { ok: true };
  if (storeHealth !== undefined) {
    const up = await storeHealth().then(
      () => true,
      () => false,
    );
    body = { ok: up, store: up ? 'ok' : 'unreachable' };
  }
  const status = (body as { ok: boolean }).ok ? 200 : 503;
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  return { status, quiet: status === 200 };
}

/** Over the buffer budget: 503, and the connection closes (its body is not read). */
function overBudget(req: IncomingMessage, res: ServerResponse): number {
  res.setHeader('connection', 'close');
  res.setHeader('retry-after', String(RETRY_AFTER_S));
  send(res, 503, 'busy: too many request bodies in flight');
  req.resume();
  return 503;
}

function tooLarge(req: IncomingMessage, res: ServerResponse): number {
  res.setHeader('connection', 'close');
  send(res, 413, 'payload too large');
  req.resume();
  return 413;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, text: string): number {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
  return status;
}

export function listen(server: Server, port: number, host: string, path: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${shownHost}:${address.port}${path}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
        destroyConnections: () => server.closeAllConnections(),
      });
    });
  });
}
