// The WhatsApp Cloud API client: undici with a keep-alive Agent (connect, header and body timeouts),
// a User-Agent on every request, JSON and multipart bodies, Graph errors turned into GraphError,
// and retries for transient and rate-limit failures only (./retry.ts, ./error-codes.ts).
// A library: it never prints, never reads process.env, never exits. Tests inject the sleep, the clock,
// the random source, the retry budget and the timeouts so nothing real has to be waited for.
import { openAsBlob } from 'node:fs';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, type Dispatcher, FormData, request, errors as undiciErrors } from 'undici';
import { configInvalid } from '../core/errors.js';
import { DEFAULT_API_VERSION, DEFAULT_GRAPH_URL } from '../core/version.js';
import { classify } from './error-codes.js';
import { fromGraphBody, GraphError, graphErrorBody, type RequestInfo, transportError } from './errors.js';
import type { MediaFile } from './media.js';
import { type OutgoingMessage, recipientOf } from './messages.js';
import { type BusinessProfile, PROFILE_FIELDS, parseBusinessProfile } from './profile.js';
import { backoffDelay, DEFAULT_RETRY, PairBackoff, parseRetryAfter, type RetryOptions } from './retry.js';
import { userAgent as defaultUserAgent } from './version.js';

export interface Timeouts {
  /** Establishing the TCP/TLS connection (default 10 s). */
  connectMs: number;
  /** From the end of the request to the response headers (default 30 s; uploads 120 s). */
  headersMs: number;
  /** Idle time between body chunks (default 30 s). */
  bodyMs: number;
  /**
   * The whole call, retries and waits included (default 30 s): a server that trickles a byte at a time
   * never trips the idle timeouts. For a streamed download it covers the time to the response headers.
   */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  totalMs: 30_000,
};

/** The largest response body read into memory (default 16 MiB); a larger one is an error. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CloudClientOptions {
  token: string;
  phoneNumberId: string;
  wabaId?: string | undefined;
  /** Graph API version, e.g. v23.0 (the version of Meta's description wabox is tested against). */
  apiVersion?: string;
  /** https://graph.facebook.com, or a local server in tests. */
  baseUrl?: string;
  userAgent?: string;
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<Timeouts>;
  /** The largest response body read into memory (default 16 MiB). */
  maxBodyBytes?: number;
  /** Waits between retries (tests pass a fake that returns at once and records the waits). */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch (retry budget, Retry-After dates, pair backoff). */
  now?: () => number;
  /** [0, 1) for the backoff jitter. */
  random?: () => number;
  /** Connections kept to the API (default 8); a campaign keeps one per send in flight, so none waits. */
  connections?: number;
  /** Bring your own undici dispatcher (it is not closed by `close()`). */
  dispatcher?: Dispatcher;
  /** One line per request and response, secrets masked (for --debug). */
  debug?: (line: string) => void;
  /** Told before each wait between retries (for a note on stderr). */
  onRetry?: (info: { attempt: number; delayMs: number; error: GraphError }) => void;
}

export interface CallSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path under /<version>/ (ids are encoded by the caller), or an absolute URL. */
  path?: string;
  url?: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** A multipart body, built anew for each attempt (a file stream cannot be read twice). */
  form?: () => Promise<FormData>;
  /** Description of a multipart body for error dumps. */
  formInfo?: Record<string, unknown>;
  /**
   * Whether repeating the request is harmless. A send is not: after a timeout or a broken connection
   * the message may have gone out, so it is not retried (only failures the API reports are).
   */
  idempotent?: boolean;
  /** The recipient of a send, for 131056 pair-rate backoff. */
  recipient?: string;
  /** Return the body as a stream instead of parsed JSON. */
  stream?: boolean;
  /** Send the Authorization header (default true). */
  auth?: boolean;
  timeouts?: Partial<Timeouts>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  attempts: number;
}

/** POST /messages answer, flattened: `send --json` prints {id, waId, status}. */
export interface SendResult {
  id: string;
  /** The WhatsApp id the API resolved the number to; null when it gave none (BSUID sends). */
  waId: string | null;
  /** messages[0].message_status: accepted (default), held_for_quality_assessment or paused. */
  status: string;
  input: string | null;
}

export interface MediaInfo {
  id: string;
  url: string | null;
  mimeType: string | null;
  sha256: string | null;
  /** Bytes; the API sends it as a string. */
  fileSize: number | null;
}

/** A message template as Meta lists it (management API). */
export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string | null;
  parameterFormat: string | null;
  qualityScore: string | null;
  rejectedReason: string | null;
  components: unknown[];
}

export interface PhoneNumberInfo {
  id: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: string | null;
  nameStatus: string | null;
  status: string | null;
  codeVerificationStatus: string | null;
  platformType: string | null;
  /** Deprecated by Meta: messagingLimit replaces it. */
  messagingLimitTier: string | null;
  /** The business portfolio's messaging limit (whatsapp_business_manager_messaging_limit), e.g. TIER_250. */
  messagingLimit: string | null;
}

const TEMPLATE_FIELDS =
  'id,name,language,status,category,parameter_format,quality_score,rejected_reason,components';
const NUMBER_FIELDS =
  'id,display_phone_number,verified_name,quality_rating,name_status,status,code_verification_status,platform_type,messaging_limit_tier,whatsapp_business_manager_messaging_limit';
const MAX_PAGES = 1000;
const MAX_ERROR_BODY = 64 * 1024;

const MAYBE_SENT_HINT =
  'the message may have been sent: check before sending it again (the webhook reports what arrived)';

/** Network errors where the request never reached the server: always safe to retry. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
]);

export class CloudClient {
  readonly phoneNumberId: string;
  readonly wabaId: string | undefined;
  readonly apiVersion: string;
  readonly baseUrl: string;
  readonly #token: string;
  readonly #userAgent: string;
  readonly #retry: RetryOptions;
  readonly #timeouts: Timeouts;
  readonly #maxBodyBytes: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: boolean;
  readonly #debug: ((line: string) => void) | undefined;
  readonly #onRetry: CloudClientOptions['onRetry'];
  readonly #pairs = new PairBackoff();

  constructor(options: CloudClientOptions) {
    if (!options.token)
      throw configInvalid('no Cloud API token', {
        code: 'config.no_token',
        hint: 'store it with: wabox config set token, or set WABOX_TOKEN',
      });
    this.#token = options.token;
    this.phoneNumberId = options.phoneNumberId;
    this.wabaId = options.wabaId || undefined;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.baseUrl = (options.baseUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
    this.#userAgent = options.userAgent ?? defaultUserAgent();
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#debug = options.debug;
    this.#onRetry = options.onRetry;
    this.#ownDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connectTimeout: this.#timeouts.connectMs,
        headersTimeout: this.#timeouts.headersMs,
        bodyTimeout: this.#timeouts.bodyMs,
        keepAliveTimeout: 10_000,
        connections: options.connections ?? 8,
      });
  }

  /** Closes the keep-alive connections (when the dispatcher is the client's own). */
  async close(): Promise<void> {
    if (this.#ownDispatcher) await this.#dispatcher.close();
  }

  // -- messages ------------------------------------------------------------------------------------

  /** POST /{phone-number-id}/messages. Not retried after a timeout: the message may have gone out. */
  async sendMessage(message: OutgoingMessage): Promise<SendResult> {
    const res = await this.call<Record<string, unknown>>({
      method: 'POST',
      path: `${enc(this.phoneNumberId)}/messages`,
      json: message,
      idempotent: false,
      recipient: recipientOf(message),
    });
    const body = res.body ?? {};
    const msg = (body.messages as Array<Record<string, unknown>> | undefined)?.[0];
    const contact = (body.contacts as Array<Record<string, unknown>> | undefined)?.[0];
    const id = typeof msg?.id === 'string' ? msg.id : undefined;
    if (id === undefined)
      throw transportError(
        'the API accepted the request but returned no message id',
        this.#requestInfo('POST', this.#url(`${enc(this.phoneNumberId)}/messages`), message),
        {
          status: res.status,
          retryable: false,
          response: body,
          code: 'cloud.bad_response',
          hint: 'the message may have been sent; check before sending it again',
        },
      );
    return {
      id,
      waId: typeof contact?.wa_id === 'string' ? contact.wa_id : null,
      status: typeof msg?.message_status === 'string' ? msg.message_status : 'accepted',
      input: typeof contact?.input === 'string' ? contact.input : null,
    };
  }

  /** Marks a received message as read (and shows a typing indicator with `typing`). */
  async markRead(payload: Record<string, unknown>): Promise<{ success: boolean }> {
    const res = await this.call<{ success?: boolean }>({
      method: 'POST',
      path: `${enc(this.phoneNumberId)}/messages`,
      json: payload,
      idempotent: true,
    });
    return { success: res.body?.success === true };
  }

  // -- media ---------------------------------------------------------------------------------------

  /** Uploads a checked local file (multipart: file, type, messaging_product); returns the media id. */
  async uploadMedia(file: MediaFile): Promise<{ id: string }> {
    const path = `${enc(this.phoneNumberId)}/media`;
    const formInfo = {
      messaging_product: 'whatsapp',
      type: file.mimeType,
      file: `<${file.name}, ${file.size} bytes>`,
    };
    const res = await this.call<{ id?: unknown }>({
      method: 'POST',
      path,
      form: () => mediaForm(file),
      formInfo,
      idempotent: true,
      timeouts: {
        headersMs: Math.max(this.#timeouts.headersMs, 120_000),
        totalMs: Math.max(this.#timeouts.totalMs, 120_000),
      },
    });
    const id = res.body?.id;
    // Meta's media ids are digits; the same rule as a media id given to send (no spaces, 1-256)
    if ((typeof id !== 'string' && typeof id !== 'number') || !/^\S{1,256}$/.test(String(id)))
      throw transportError(
        `the API accepted the upload but its answer holds no media id (id: ${clip(JSON.stringify(id) ?? 'missing')})`,
        this.#requestInfo('POST', this.#url(path), formInfo),
        {
          status: res.status,
          retryable: false,
          response: res.body,
          code: 'cloud.bad_response',
          kind: 'failure',
          hint: 'is graph-url the Graph API, not a mock? check it with: wabox doctor',
        },
      );
    return { id: String(id) };
  }

  /** GET /{media-id}: the download URL (valid 5 minutes), type, hash and size. */
  async getMedia(mediaId: string): Promise<MediaInfo> {
    const res = await this.call<Record<string, unknown>>({
      method: 'GET',
      path: enc(mediaId),
      query: { phone_number_id: this.phoneNumberId },
    });
    const b = res.body ?? {};
    const size = b.file_size === undefined ? null : Number(b.file_size);
    return {
      id: typeof b.id === 'string' ? b.id : mediaId,
      url: typeof b.url === 'string' ? b.url : null,
      mimeType: typeof b.mime_type === 'string' ? b.mime_type : null,
      sha256: typeof b.sha256 === 'string' ? b.sha256 : null,
      fileSize: size !== null && Number.isFinite(size) ? size : null,
    };
  }

  /**
   * Opens the media bytes at a URL from getMedia. The token goes only to an https URL or to the API's
   * own origin (a test server), never to a plain-http stranger.
   */
  async downloadMedia(
    url: string,
  ): Promise<{ body: Readable; mimeType: string | null; size: number | null }> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw configInvalid(`the media URL from the API is not a URL: ${url}`, { code: 'cloud.bad_media_url' });
    }
    if (target.protocol !== 'https:' && target.origin !== new URL(this.baseUrl).origin)
      throw configInvalid(`refusing to send the token to ${target.origin}: media URLs must be https`, {
        code: 'cloud.insecure_media_url',
      });
    const res = await this.call<Readable>({ method: 'GET', url, stream: true, timeouts: { bodyMs: 60_000 } });
    const type = res.headers['content-type'];
    const length = res.headers['content-length'];
    return {
      body: res.body,
      mimeType: typeof type === 'string' ? type : null,
      size: typeof length === 'string' ? Number(length) : null,
    };
  }

  async deleteMedia(mediaId: string): Promise<{ success: boolean }> {
    const res = await this.call<{ success?: boolean }>({
      method: 'DELETE',
      path: enc(mediaId),
      query: { phone_number_id: this.phoneNumberId },
    });
    return { success: res.body?.success === true };
  }

  // -- templates, profile, numbers -----------------------------------------------------------------

  /** Every approved/pending/... message template of the WABA, following every page. */
  async listTemplates(
    filter: { status?: string; language?: string; name?: string } = {},
  ): Promise<MetaTemplate[]> {
    const rows = await this.paginate(`${enc(this.#requireWaba())}/message_templates`, {
      fields: TEMPLATE_FIELDS,
      limit: 100,
      status: filter.status,
      language: filter.language,
      name: filter.name,
    });
    return rows.map((r) => {
      const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : null);
      return {
        id: str('id') ?? '',
        name: str('name') ?? '',
        language: str('language') ?? '',
        status: str('status') ?? 'UNKNOWN',
        category: str('category'),
        parameterFormat: str('parameter_format'),
        qualityScore:
          typeof r.quality_score === 'object' && r.quality_score !== null
            ? (((r.quality_score as Record<string, unknown>).score as string | undefined) ?? null)
            : str('quality_score'),
        rejectedReason: str('rejected_reason'),
        components: Array.isArray(r.components) ? r.components : [],
      };
    });
  }

  async getBusinessProfile(): Promise<BusinessProfile> {
    const res = await this.call({
      method: 'GET',
      path: `${enc(this.phoneNumberId)}/whatsapp_business_profile`,
      query: { fields: PROFILE_FIELDS },
    });
    return parseBusinessProfile(res.body);
  }

  /** POST the checked body from profileUpdateBody(). */
  async setBusinessProfile(body: Record<string, unknown>): Promise<{ success: boolean }> {
    const res = await this.call<{ success?: boolean }>({
      method: 'POST',
      path: `${enc(this.phoneNumberId)}/whatsapp_business_profile`,
      json: body,
      idempotent: true,
    });
    return { success: res.body?.success === true };
  }

  /** The WABA's phone numbers with quality rating and display-name status, every page. */
  async listPhoneNumbers(): Promise<PhoneNumberInfo[]> {
    const rows = await this.paginate(`${enc(this.#requireWaba())}/phone_numbers`, {
      fields: NUMBER_FIELDS,
      limit: 100,
    });
    return rows.map(phoneNumberInfo);
  }

  /** GET /{phone-number-id}: checks token and id together; `apiVersion` is the version Graph used. */
  async getPhoneNumber(): Promise<PhoneNumberInfo & { apiVersion: string | null }> {
    const res = await this.call<Record<string, unknown>>({
      method: 'GET',
      path: enc(this.phoneNumberId),
      query: {
        fields:
          'id,display_phone_number,verified_name,quality_rating,name_status,whatsapp_business_manager_messaging_limit',
      },
    });
    const v = res.headers['facebook-api-version'];
    return { ...phoneNumberInfo(res.body ?? {}), apiVersion: typeof v === 'string' ? v : null };
  }

  /** GET a list endpoint and follow `paging` to the end (at most 1,000 pages). */
  async paginate(
    path: string,
    query: Record<string, string | number | undefined>,
  ): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    const origin = new URL(this.baseUrl).origin;
    let spec: CallSpec = { method: 'GET', path, query };
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.call<{
        data?: unknown;
        paging?: { next?: unknown; cursors?: { after?: unknown } };
      }>(spec);
      const data = res.body?.data;
      if (Array.isArray(data))
        for (const row of data)
          if (typeof row === 'object' && row !== null) out.push(row as Record<string, unknown>);
      const next = res.body?.paging?.next;
      const after = res.body?.paging?.cursors?.after;
      if (typeof next !== 'string' || next === '' || seen.has(next)) return out;
      seen.add(next);
      // follow `next` only on the API's own origin (the token goes with it); else use the cursor
      let nextUrl: URL | undefined;
      try {
        nextUrl = new URL(next);
      } catch {
        nextUrl = undefined;
      }
      if (nextUrl && nextUrl.origin === origin) spec = { method: 'GET', url: nextUrl.toString() };
      else if (typeof after === 'string' && after !== '')
        spec = { method: 'GET', path, query: { ...query, after } };
      else return out;
    }
    return out;
  }

  #requireWaba(): string {
    if (!this.wabaId)
      throw configInvalid('no WhatsApp Business Account id (waba-id) is set', {
        code: 'config.no_waba_id',
        hint: 'find it in WhatsApp Manager > Account tools or API setup, then: wabox config set waba-id <id>, or set WABOX_WABA_ID',
      });
    return this.wabaId;
  }

  // -- the request machinery -----------------------------------------------------------------------

  #url(path: string, query?: Record<string, string | number | undefined>): string {
    const url = new URL(`${this.baseUrl}/${this.apiVersion}/${path}`);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** Replaces the token anywhere in a string, and any access_token= query value. */
  redact(text: string): string {
    return text
      .split(this.#token)
      .join('***')
      .replace(/(access_token=)[^&\s"]+/g, '$1***');
  }

  #requestInfo(
    method: string,
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): RequestInfo {
    const masked: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers))
      masked[k] = k.toLowerCase() === 'authorization' ? 'Bearer ***' : this.redact(v);
    const info: RequestInfo = { method, url: this.redact(url), headers: masked };
    if (body !== undefined) info.body = JSON.parse(this.redact(JSON.stringify(body)));
    return info;
  }

  /** One logical call: requests, retries and waits, within the retry budget. */
  async call<T = unknown>(spec: CallSpec): Promise<CallResult<T>> {
    const start = this.#now();
    const budget = this.#retry.budgetMs;
    const totalMs = spec.timeouts?.totalMs ?? this.#timeouts.totalMs;
    // a real timer: the injected clock and sleep only drive the retry waits
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), totalMs);
    timer.unref?.();
    let retries = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        if (spec.recipient !== undefined) {
          const wait = this.#pairs.waitFor(spec.recipient, this.#now());
          if (wait > 0) await this.#sleep(wait);
        }
        try {
          if (deadline.signal.aborted) throw this.#deadlineError(spec, totalMs);
          const res = await this.#once<T>(spec, deadline.signal, totalMs);
          if (spec.recipient !== undefined) this.#pairs.clear(spec.recipient);
          return { ...res, attempts: attempt };
        } catch (err) {
          if (!(err instanceof GraphError)) throw err;
          err.attempts = attempt;
          if (!err.retryable) throw err;
          await this.#beforeRetry(spec, err, attempt, retries++, start, budget);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits before the next attempt, or throws `err` when no retry is left within the budget. */
  async #beforeRetry(
    spec: CallSpec,
    err: GraphError,
    attempt: number,
    retries: number,
    start: number,
    budget: number,
  ): Promise<void> {
    if (attempt >= this.#retry.maxAttempts) throw gaveUp(err, attempt, 'attempts');
    let wait: number;
    if (err.category === 'pair-rate-limit' && spec.recipient !== undefined)
      wait = this.#pairs.hit(spec.recipient, this.#now());
    else if (err.retryAfterMs !== undefined) wait = err.retryAfterMs;
    else wait = Math.max(backoffDelay(retries, this.#retry, this.#random), minDelayOf(err));
    if (this.#now() - start + wait > budget) throw gaveUp(err, attempt, 'budget', wait);
    this.#onRetry?.({ attempt, delayMs: wait, error: err });
    this.#debug?.(`retry ${attempt} of ${this.#retry.maxAttempts - 1} in ${wait} ms (${err.category})`);
    await this.#sleep(wait);
  }

  #deadlineError(spec: CallSpec, totalMs: number, cause?: unknown): GraphError {
    const url = spec.url ?? this.#url(spec.path ?? '', spec.query);
    const info = this.#requestInfo(spec.method, url, spec.json ?? spec.formInfo);
    const idempotent = spec.idempotent ?? spec.method !== 'POST';
    return transportError(`no complete answer from ${safeHost(url)} within ${seconds(totalMs)}`, info, {
      retryable: false,
      code: 'cloud.timeout',
      hint: idempotent
        ? 'the API is slow or unreachable; try again later, or allow more time: wabox config set timeout 60s'
        : MAYBE_SENT_HINT,
      cause,
    });
  }

  async #once<T>(
    spec: CallSpec,
    signal: AbortSignal,
    totalMs: number,
  ): Promise<Omit<CallResult<T>, 'attempts'>> {
    const url = spec.url ?? this.#url(spec.path ?? '', spec.query);
    const headers: Record<string, string> = { 'user-agent': this.#userAgent, accept: 'application/json' };
    if (spec.auth !== false) headers.authorization = `Bearer ${this.#token}`;
    let body: string | FormData | undefined;
    if (spec.form) body = await spec.form();
    else if (spec.json !== undefined) body = JSON.stringify(spec.json);
    // Meta's description requires Content-Type even on GET and DELETE (operations such as
    // getWhatsAppBusinessProfile and deleteMedia list it as a required header); multipart sets its own
    if (!(body instanceof FormData)) headers['content-type'] = 'application/json';
    const info = this.#requestInfo(spec.method, url, spec.json ?? spec.formInfo, headers);
    const idempotent = spec.idempotent ?? spec.method !== 'POST';
    const timeouts = { ...this.#timeouts, ...spec.timeouts };
    const started = this.#now();
    this.#debug?.(
      `→ ${spec.method} ${info.url}${info.body === undefined ? '' : ` ${JSON.stringify(info.body)}`}`,
    );
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: spec.method,
        headers,
        body,
        dispatcher: this.#dispatcher,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw this.#deadlineError(spec, totalMs, err);
      throw this.#networkError(err, info, idempotent, timeouts);
    }
    const status = res.statusCode;
    if (spec.stream && status >= 200 && status < 300) {
      this.#debug?.(`← ${status} (${this.#now() - started} ms, streaming)`);
      return { status, headers: res.headers, body: res.body as unknown as T };
    }
    const ok = status >= 200 && status < 300;
    let text: string;
    try {
      text = await readText(res.body, res.headers, ok ? this.#maxBodyBytes : MAX_ERROR_BODY, ok);
    } catch (err) {
      if (err instanceof BodyTooLarge)
        throw transportError(
          `the API's answer is larger than ${formatBytes(this.#maxBodyBytes)}; wabox stopped reading it`,
          info,
          {
            status,
            retryable: false,
            code: 'cloud.response_too_large',
            kind: 'failure',
            hint: idempotent
              ? 'check graph-url (wabox config get graph-url): is it the Graph API?'
              : 'the request may have been carried out; check before sending it again',
          },
        );
      if (signal.aborted) throw this.#deadlineError(spec, totalMs, err);
      throw this.#networkError(err, info, idempotent, timeouts);
    }
    this.#debug?.(`← ${status} (${this.#now() - started} ms) ${this.redact(text.slice(0, 2000))}`);
    let parsed: unknown;
    let json = false;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
        json = true;
      } catch {
        parsed = undefined;
      }
    }
    const response = json ? JSON.parse(this.redact(text)) : this.redact(text.slice(0, 2000));
    if (status >= 200 && status < 300) {
      if (!json && text.trim() !== '')
        throw transportError(`the API answered ${status} with a body that is not JSON`, info, {
          status,
          retryable: idempotent,
          response,
          code: 'cloud.bad_response',
          hint: idempotent
            ? 'the API or a proxy in between is misbehaving; try again later'
            : 'the request may have been carried out; check before sending it again',
        });
      return { status, headers: res.headers, body: (json ? parsed : {}) as T };
    }
    // the redacted copy: an API that echoes the token in a message must not put it in ours
    const graph = json ? graphErrorBody(response) : undefined;
    if (graph) {
      const err = fromGraphBody(
        status,
        graph,
        info,
        response,
        idempotent ? {} : { notRepeatable: MAYBE_SENT_HINT },
      );
      const after = parseRetryAfter(res.headers['retry-after'], this.#now());
      err.retryAfterMs = after;
      throw err;
    }
    // no Graph error body: a proxy, a load balancer, or an outage
    const after = parseRetryAfter(res.headers['retry-after'], this.#now());
    if (status === 429 || status >= 500) {
      const err = transportError(
        status === 429
          ? `the API answered 429 Too Many Requests`
          : `the API answered ${status}${json ? '' : ' without a JSON error'}`,
        info,
        {
          status,
          // a 429 accepted nothing; a gateway's 5xx may come after the API carried the request out
          retryable: status === 429 || idempotent,
          response,
          code: status === 429 ? 'cloud.rate_limit' : 'cloud.server_error',
          hint: status === 429 || idempotent ? undefined : MAYBE_SENT_HINT,
        },
      );
      err.retryAfterMs = after;
      throw err;
    }
    const classification =
      status === 401 ? classify(190) : status === 403 ? classify(10) : classify(null, { status });
    throw new GraphError({
      message: `the API answered ${status}${text.trim() === '' ? '' : `: ${this.redact(text.trim().slice(0, 200))}`}`,
      status,
      graphCode: null,
      classification,
      request: info,
      response,
      code: status === 404 ? 'cloud.not_found' : undefined,
    });
  }

  #networkError(err: unknown, info: RequestInfo, idempotent: boolean, timeouts: Timeouts): GraphError {
    const code = (err as { code?: string }).code ?? '';
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? '';
    const host = safeHost(info.url);
    if (err instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT')
      return transportError(`could not connect to ${host} within ${timeouts.connectMs / 1000} s`, info, {
        retryable: true,
        code: 'cloud.connect_timeout',
        hint: 'check the network (and graph-url / WABOX_GRAPH_URL)',
        cause: err,
      });
    if (NOT_SENT_CODES.has(code) || NOT_SENT_CODES.has(cause))
      return transportError(`could not reach ${host} (${code || cause})`, info, {
        retryable: true,
        code: 'cloud.network',
        hint: 'check the network (and graph-url / WABOX_GRAPH_URL)',
        cause: err,
      });
    const maybeSent = idempotent ? undefined : MAYBE_SENT_HINT;
    if (err instanceof undiciErrors.HeadersTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT')
      return transportError(`no answer from ${host} within ${timeouts.headersMs / 1000} s`, info, {
        retryable: idempotent,
        code: 'cloud.timeout',
        hint: maybeSent ?? 'the API is slow or unreachable; try again later',
        cause: err,
      });
    if (err instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_BODY_TIMEOUT')
      return transportError(`the answer from ${host} stalled for ${timeouts.bodyMs / 1000} s`, info, {
        retryable: idempotent,
        code: 'cloud.timeout',
        hint: maybeSent ?? 'the API is slow or unreachable; try again later',
        cause: err,
      });
    return transportError(
      `the connection to ${host} failed: ${this.redact((err as Error).message ?? String(err))}`,
      info,
      {
        retryable: idempotent,
        code: 'cloud.network',
        hint: maybeSent ?? 'check the network and try again',
        cause: err,
      },
    );
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : `${n} bytes`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the API';
  }
}

async function mediaForm(file: MediaFile): Promise<FormData> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mimeType);
  form.set('file', await openAsBlob(file.path, { type: file.mimeType }), file.name);
  return form;
}

class BodyTooLarge extends Error {}

/** Reads at most `max` bytes: beyond it the body is cut (`strict` false) or refused (`strict`). */
async function readText(
  body: Dispatcher.ResponseData['body'],
  headers: Dispatcher.ResponseData['headers'],
  max: number,
  strict: boolean,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const declared = Number(headers['content-length']);
  if (strict && declared > max) {
    body.destroy();
    throw new BodyTooLarge();
  }
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length > max) {
      body.destroy();
      if (strict) throw new BodyTooLarge();
      chunks.push(buf.subarray(0, max - size));
      break;
    }
    size += buf.length;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function phoneNumberInfo(r: Record<string, unknown>): PhoneNumberInfo {
  const str = (k: string) => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : null);
  return {
    id: str('id') ?? '',
    displayPhoneNumber: str('display_phone_number'),
    verifiedName: str('verified_name'),
    qualityRating: str('quality_rating'),
    nameStatus: str('name_status'),
    status: str('status'),
    codeVerificationStatus: str('code_verification_status'),
    platformType: str('platform_type') ?? str('host_platform'),
    messagingLimitTier: str('messaging_limit_tier'),
    messagingLimit: str('whatsapp_business_manager_messaging_limit'),
  };
}

function minDelayOf(err: GraphError): number {
  return err.graphCode === null ? 0 : (classify(err.graphCode).minDelayMs ?? 0);
}

function gaveUp(
  err: GraphError,
  attempts: number,
  why: 'attempts' | 'budget',
  nextWait?: number,
): GraphError {
  if (attempts > 1) err.message += ` (still failing after ${attempts} attempts)`;
  if (why === 'budget' && nextWait !== undefined && attempts === 1 && nextWait >= 1000)
    err.message += ` (the next try would be in ${Math.ceil(nextWait / 1000)} s, beyond the retry budget)`;
  return err;
}
