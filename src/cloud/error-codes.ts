// Graph API error codes -> what they mean for wabox: a category, whether a retry can help, and a hint
// for the user. Source: ../shared/reference/cloud-api.md §2.2 (code table) and §3 (throughput); Meta
// says to branch on `code` (and `error_data.details`), never on the HTTP status or the message title.
import type { ErrorKind } from '../core/errors.js';

export type ErrorCategory =
  | 'auth'
  | 'permission'
  | 'invalid-request'
  | 'window-closed'
  | 'template'
  | 'media'
  | 'rate-limit'
  | 'pair-rate-limit'
  | 'transient'
  | 'policy'
  | 'unknown';

/**
 * none: never retried (fix something first). backoff: exponential backoff with full jitter, honouring
 * Retry-After. pair: 4^X seconds for that recipient (Meta's advice for 131056).
 */
export type RetryPolicy = 'none' | 'backoff' | 'pair';

export interface CodeInfo {
  category: ErrorCategory;
  /** One line: what it means, paraphrased from the reference. */
  meaning: string;
  hint?: string;
  /** The smallest useful wait before a retry (131057: about a minute). */
  minDelayMs?: number;
  /** The exit kind when it is not retried or retries ran out; default per category. */
  kind?: ErrorKind;
  /**
   * A transient failure that says the request was not carried out, so even a send may be repeated
   * (rate limits are repeatable by category).
   */
  notCarriedOut?: boolean;
}

/** The message wabox prints for a closed customer-service window, locally (store) or from 131047. */
export const WINDOW_CLOSED_MESSAGE =
  "24-hour window closed: the customer's last message is more than 24 hours old, so WhatsApp accepts only approved templates";
export const WINDOW_CLOSED_HINT =
  'send an approved template instead: wabox send <to> --template <name> --lang <code>; list them with: wabox meta-template list';

const TOKEN_HINT =
  'create a new access token (a system user token does not expire) and store it with: wabox config set token';
const PERMISSION_HINT =
  'the token lacks a permission: give it whatsapp_business_messaging and whatsapp_business_management for this WABA (Business settings > System users), then: wabox config set token';
const RATE_HINT = 'slow down; wabox retried with backoff and the limit still held';

/** Per-code table: cloud-api.md §2.2. */
export const ERROR_CODES: Readonly<Record<number, CodeInfo>> = {
  0: {
    category: 'auth',
    meaning: 'could not authenticate the app user (token expired or invalidated)',
    hint: TOKEN_HINT,
  },
  1: { category: 'transient', meaning: 'unknown API error (invalid request or possible server error)' },
  2: { category: 'transient', meaning: 'API service temporarily unavailable (downtime or overload)' },
  3: { category: 'permission', meaning: 'capability or permission issue', hint: PERMISSION_HINT },
  4: { category: 'rate-limit', meaning: 'application request limit reached', hint: RATE_HINT },
  10: { category: 'permission', meaning: 'permission not granted or removed', hint: PERMISSION_HINT },
  100: {
    category: 'invalid-request',
    meaning: 'invalid parameter',
    hint: 'a field of the request is unsupported or misspelled; run with --dry-run to see the request body',
  },
  190: { category: 'auth', meaning: 'access token expired or invalid', hint: TOKEN_HINT },
  368: {
    category: 'policy',
    meaning: 'temporarily blocked for policy violations',
    hint: 'check the account in WhatsApp Manager (Account quality / Policy enforcement)',
  },
  470: {
    category: 'window-closed',
    meaning: 'outside the 24-hour customer-service window (On-Premises code)',
    hint: WINDOW_CLOSED_HINT,
  },
  80007: { category: 'rate-limit', meaning: 'WhatsApp Business Account rate limit reached', hint: RATE_HINT },
  130429: { category: 'rate-limit', meaning: 'Cloud API message throughput reached', hint: RATE_HINT },
  130472: {
    category: 'policy',
    meaning: "the user's number is part of an experiment; message not sent",
  },
  131000: {
    category: 'transient',
    meaning: 'something went wrong: the message failed for an unknown reason',
    hint: 'try again later; if it persists, open a Meta support ticket with the fbtrace_id',
  },
  131005: {
    category: 'permission',
    meaning: 'access denied: permission not granted or removed',
    hint: PERMISSION_HINT,
  },
  131008: { category: 'invalid-request', meaning: 'a required parameter is missing' },
  131009: {
    category: 'invalid-request',
    meaning: 'a parameter value is not valid (for mark-as-read: an unknown message id)',
  },
  131016: { category: 'transient', meaning: 'service temporarily unavailable' },
  131021: {
    category: 'invalid-request',
    meaning: 'the recipient is the sender (same number)',
    hint: 'send to a customer number, not to your own business number',
  },
  131026: {
    category: 'invalid-request',
    meaning:
      'message undeliverable: the number is not on WhatsApp, has not accepted the terms, uses a too-old app, or blocked you',
    hint: 'check the number; treat it as unreachable for now',
  },
  131030: {
    category: 'invalid-request',
    meaning: 'recipient not in the allowed list (a test number reaches only its verified recipients)',
    hint: 'add the number as a recipient in WhatsApp Manager > API setup, or use a production number',
  },
  131031: {
    category: 'policy',
    meaning: 'business account locked (policy, or a wrong two-step PIN)',
    hint: 'check the account in WhatsApp Manager',
  },
  131042: {
    category: 'policy',
    meaning: 'business eligibility or payment issue',
    hint: 'check the payment method in WhatsApp Manager',
  },
  131045: {
    category: 'policy',
    meaning: 'incorrect certificate: phone number registration error',
    hint: 're-register the phone number (POST /<phone-number-id>/register)',
  },
  131047: { category: 'window-closed', meaning: WINDOW_CLOSED_MESSAGE, hint: WINDOW_CLOSED_HINT },
  131048: {
    category: 'policy',
    meaning: 'spam rate limit: too many earlier messages were blocked or flagged',
    hint: 'check the quality rating (wabox numbers) and send less',
  },
  131049: {
    category: 'policy',
    meaning: 'not delivered to maintain healthy ecosystem engagement (per-user marketing cap)',
    hint: 'do not retry now; try this customer again later',
  },
  131051: { category: 'invalid-request', meaning: 'unsupported message type' },
  131052: { category: 'media', meaning: 'could not download the media the user sent' },
  131053: {
    category: 'media',
    meaning: 'could not upload or fetch the media of your message',
    hint: 'check that the link is public https and the type/size are supported (wabox media upload checks them)',
  },
  131056: {
    category: 'pair-rate-limit',
    meaning: 'pair rate limit: too many messages to this recipient in a short time',
    hint: 'wait before messaging this customer again (about 1 message per 6 seconds); other customers are unaffected',
  },
  131057: {
    category: 'transient',
    meaning: 'business account in maintenance mode (e.g. a throughput upgrade)',
    hint: 'try again in about a minute',
    minDelayMs: 60_000,
    notCarriedOut: true,
  },
  132000: {
    category: 'template',
    meaning: 'template parameter count mismatch',
    hint: 'give exactly the parameters the template has (wabox meta-template show <name>)',
  },
  132001: {
    category: 'template',
    meaning: 'template does not exist in that language, or is not approved',
    hint: 'check the name and --lang against: wabox meta-template list --status APPROVED',
    kind: 'not-found',
  },
  132005: { category: 'template', meaning: 'the filled-in template text is too long' },
  132007: { category: 'template', meaning: 'template format character policy violated' },
  132012: {
    category: 'template',
    meaning: 'template parameter format mismatch',
    hint: 'check each parameter type (text, currency, date_time, header media) against the template',
  },
  132015: { category: 'template', meaning: 'template paused for low quality' },
  132016: { category: 'template', meaning: 'template permanently disabled for low quality' },
  133004: { category: 'transient', meaning: 'server temporarily unavailable' },
  133010: {
    category: 'policy',
    meaning: 'phone number not registered on the Cloud API',
    hint: 'register the number (POST /<phone-number-id>/register with its two-step PIN)',
  },
  137000: { category: 'invalid-request', meaning: 'identity key hash mismatch' },
};

/** The retry policy of each category: only transient and rate-limit failures are retried. */
export const RETRY_BY_CATEGORY: Readonly<Record<ErrorCategory, RetryPolicy>> = {
  auth: 'none',
  permission: 'none',
  'invalid-request': 'none',
  'window-closed': 'none',
  template: 'none',
  media: 'none',
  'rate-limit': 'backoff',
  'pair-rate-limit': 'pair',
  transient: 'backoff',
  policy: 'none',
  unknown: 'none',
};

/** The exit kind of a failure that was not retried, or whose retries ran out. */
export const KIND_BY_CATEGORY: Readonly<Record<ErrorCategory, ErrorKind>> = {
  auth: 'config',
  permission: 'config',
  'invalid-request': 'refused',
  'window-closed': 'refused',
  template: 'refused',
  media: 'refused',
  'rate-limit': 'transient',
  'pair-rate-limit': 'transient',
  transient: 'transient',
  policy: 'refused',
  unknown: 'refused',
};

export interface Classification extends CodeInfo {
  retry: RetryPolicy;
  kind: ErrorKind;
}

/**
 * Classifies one Graph error. Codes 200-299 are permissions; code 100 with subcode 33 is an id that
 * does not exist or the token cannot see (a configuration problem, e.g. a wrong phone number id).
 * An unknown code is transient when the HTTP status is 5xx or Graph marks it `is_transient`, else a refusal.
 */
export function classify(
  code: number | null,
  options: { status?: number | null; subcode?: number | null; isTransient?: boolean } = {},
): Classification {
  let info: CodeInfo | undefined = code === null ? undefined : ERROR_CODES[code];
  if (code !== null && code >= 200 && code <= 299)
    info = {
      category: 'permission',
      meaning: 'API permission not granted or removed',
      hint: PERMISSION_HINT,
    };
  if (code === 100 && options.subcode === 33)
    info = {
      category: 'invalid-request',
      meaning: 'the object does not exist, or the token cannot see it',
      hint: 'check phone-number-id and waba-id (wabox doctor), and that the token was given access to this WABA',
      kind: 'config',
    };
  if (!info) {
    const transient = options.isTransient === true || (options.status ?? 0) >= 500;
    info = transient
      ? { category: 'transient', meaning: 'temporary server error' }
      : { category: 'unknown', meaning: 'the API refused the request' };
  }
  return {
    ...info,
    retry: RETRY_BY_CATEGORY[info.category],
    kind: info.kind ?? KIND_BY_CATEGORY[info.category],
  };
}

/** Error codes Meta's wording says to retry (cloud-api.md §2.2), plus 131057 after a wait. */
export const RETRYABLE_CODES: readonly number[] = Object.entries(ERROR_CODES)
  .filter(([, info]) => RETRY_BY_CATEGORY[info.category] !== 'none')
  .map(([code]) => Number(code));
