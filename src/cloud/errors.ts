// The one error the Cloud API client throws (like octokit's RequestError): what the API said (HTTP
// status, Graph code, subcode, details, fbtrace_id), how wabox classified it, and the request that
// caused it with every secret masked. It is a WaboxError, so the CLI maps it to an exit code.
import { type ErrorKind, WaboxError } from '../core/errors.js';
import { type Classification, classify, type ErrorCategory } from './error-codes.js';

/** The request behind an error. Headers are copied with the Authorization value masked. */
export interface RequestInfo {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The JSON body, or a description of a multipart body; never the token. */
  body?: unknown;
}

/** The Graph error object: {error: {message, type, code, error_subcode, error_data, fbtrace_id}}. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { messaging_product?: string; details?: string } | string;
  fbtrace_id?: string;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
}

export interface GraphErrorInit {
  message: string;
  /** HTTP status, or null when no response arrived (network error, timeout). */
  status: number | null;
  graphCode: number | null;
  subcode?: number | null;
  details?: string | null;
  fbtraceId?: string | null;
  graphType?: string | null;
  classification: Classification;
  request: RequestInfo;
  /** How many requests were made (1 = no retry). */
  attempts?: number;
  /** The raw response body (parsed JSON, or text cut to 2,000 characters). */
  response?: unknown;
  hint?: string;
  /** From the response's Retry-After header, in ms. */
  retryAfterMs?: number | undefined;
  /** Overrides the `code` used by --json (default `cloud.<category>`). */
  code?: string;
  cause?: unknown;
}

export class GraphError extends WaboxError {
  readonly status: number | null;
  readonly graphCode: number | null;
  readonly subcode: number | null;
  readonly graphDetails: string | null;
  readonly fbtraceId: string | null;
  readonly graphType: string | null;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly request: RequestInfo;
  readonly response: unknown;
  /** The wait a Retry-After header asked for, in ms; undefined when the response had none. */
  retryAfterMs: number | undefined;
  #attempts: number;

  constructor(init: GraphErrorInit) {
    const c = init.classification;
    super(c.kind, init.message, {
      code: init.code ?? `cloud.${c.category.replace(/-/g, '_')}`,
      hint: init.hint ?? c.hint,
      cause: init.cause,
      // what --json prints under error.details: everything but the request body
      details: {
        status: init.status,
        graphCode: init.graphCode,
        subcode: init.subcode ?? null,
        details: init.details ?? null,
        fbtraceId: init.fbtraceId ?? null,
        category: c.category,
        attempts: init.attempts ?? 1,
        request: { method: init.request.method, url: init.request.url },
      },
    });
    this.name = 'GraphError';
    this.status = init.status;
    this.graphCode = init.graphCode;
    this.subcode = init.subcode ?? null;
    this.graphDetails = init.details ?? null;
    this.fbtraceId = init.fbtraceId ?? null;
    this.graphType = init.graphType ?? null;
    this.category = c.category;
    this.retryable = c.retry !== 'none';
    this.request = init.request;
    this.response = init.response;
    this.retryAfterMs = init.retryAfterMs;
    this.#attempts = init.attempts ?? 1;
  }

  /** How many requests were made (1 = no retry). */
  get attempts(): number {
    return this.#attempts;
  }

  set attempts(n: number) {
    this.#attempts = n;
    if (this.details) this.details.attempts = n;
  }

  /** For --debug: the whole exchange, secrets already masked. */
  dump(): string {
    return JSON.stringify(
      { request: this.request, status: this.status, response: this.response, attempts: this.attempts },
      null,
      2,
    );
  }
}

/** Parses a Graph error body; undefined when the body is not one. */
export function graphErrorBody(body: unknown): GraphErrorBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  return error as GraphErrorBody;
}

/** Builds the GraphError for an HTTP error response carrying a Graph error body. */
export function fromGraphBody(
  status: number,
  error: GraphErrorBody,
  request: RequestInfo,
  response: unknown,
  options: { notRepeatable?: string } = {},
): GraphError {
  const code = typeof error.code === 'number' ? error.code : null;
  const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : null;
  const details =
    typeof error.error_data === 'string'
      ? error.error_data
      : typeof error.error_data?.details === 'string'
        ? error.error_data.details
        : null;
  let classification = classify(code, { status, subcode, isTransient: error.is_transient === true });
  // a server error after a request that may have been carried out: not repeated, the caller checks
  const held =
    options.notRepeatable !== undefined &&
    classification.category === 'transient' &&
    classification.notCarriedOut !== true;
  if (held) classification = { ...classification, retry: 'none', hint: options.notRepeatable };
  // Meta: "(#131047) Re-engagement message"; keep the title, add the details, name the code once
  const title = (error.message ?? '').replace(/^\(#\d+\)\s*/, '').trim();
  let message =
    classification.category === 'window-closed'
      ? classification.meaning
      : `WhatsApp refused the request: ${title || classification.meaning}`;
  if (details && classification.category !== 'window-closed' && !message.includes(details))
    message += ` (${details})`;
  if (code !== null) message += ` [code ${code}${subcode !== null ? `/${subcode}` : ''}]`;
  return new GraphError({
    message,
    status,
    graphCode: code,
    subcode,
    details,
    fbtraceId: typeof error.fbtrace_id === 'string' ? error.fbtrace_id : null,
    graphType: typeof error.type === 'string' ? error.type : null,
    classification,
    request,
    response,
  });
}

/** A failure with no Graph error body: network, timeout, 5xx without JSON, malformed JSON. */
export function transportError(
  message: string,
  request: RequestInfo,
  options: {
    status?: number | null;
    retryable: boolean;
    response?: unknown;
    hint?: string;
    code: string;
    cause?: unknown;
    /** Default transient (exit 5); `failure` for an answer no retry can mend. */
    kind?: ErrorKind;
  },
): GraphError {
  const classification: Classification = {
    category: 'transient',
    meaning: message,
    retry: options.retryable ? 'backoff' : 'none',
    kind: options.kind ?? 'transient',
  };
  return new GraphError({
    message,
    status: options.status ?? null,
    graphCode: null,
    classification,
    request,
    response: options.response,
    hint: options.hint,
    code: options.code,
    cause: options.cause,
  });
}
