// The configuration keys wabox knows. Every value is validated on `config set` and on load, so a
// hand-edited file cannot smuggle in a value that fails later in a surprising place.
// Precedence (flag > env > profile > default) lives in one place: ./settings.ts.

import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ASSIGN_POLICIES } from '../core/assign-policy.js';
import { POSTGRES_URL } from '../core/db-location.js';
import { parseDuration } from '../core/duration.js';
import { invalidInput } from '../core/errors.js';
import { parseCountry } from '../core/phone.js';
import { DEFAULT_API_VERSION, DEFAULT_GRAPH_URL } from '../core/version.js';

export interface ConfigKey {
  name: string;
  description: string;
  /** Environment variable that overrides the profile value (DESIGN.md §5). */
  env?: string;
  /** Never printed back; `config set` reads it from a prompt or stdin, not the command line. */
  secret?: boolean;
  /** The value when neither a flag, the environment nor the profile gives one. */
  default?: string;
  /** Returns the normalised value or throws an invalid-input error. */
  validate(value: string): string;
}

const nonEmpty = (name: string, max: number) => (value: string) => {
  const v = value.trim();
  if (v === '' || v.length > max)
    throw invalidInput(`${name} must be 1-${max} characters`, { code: 'config.invalid_value' });
  return v;
};

const invalid = (message: string) => invalidInput(message, { code: 'config.invalid_value' });

/** A secret: 1-4096 printable ASCII characters without spaces. The message never quotes the value. */
const secretValue = (name: string) => (value: string) => {
  const v = value.trim();
  if (v === '') throw invalid(`${name} is empty`);
  if (v.length > 4096) throw invalid(`${name} is longer than 4096 characters`);
  if (!/^[\x21-\x7e]+$/.test(v))
    throw invalid(`${name} contains spaces or characters other than printable ASCII; was it pasted whole?`);
  return v;
};

/** A numeric Graph API id (phone number id, WABA id). */
const graphId = (name: string) => (value: string) => {
  const v = value.trim();
  if (!/^\d{1,30}$/.test(v))
    throw invalid(`${name} must be digits only (the numeric id from Meta's WhatsApp Manager), got "${v}"`);
  return v;
};

export const API_VERSION_PATTERN = /^v\d+\.\d+$/;

function apiVersion(value: string): string {
  const v = value.trim();
  if (!API_VERSION_PATTERN.test(v)) throw invalid(`api-version must look like v23.0, got "${v}"`);
  return v;
}

/** An http(s) URL without query or fragment; returned without a trailing slash. */
function graphUrl(value: string): string {
  const v = value.trim();
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw invalid(`graph-url must be an http(s) URL such as ${DEFAULT_GRAPH_URL}, got "${v}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`graph-url must be an http or https URL, got "${v}"`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw invalid('graph-url must not carry credentials, a query or a fragment');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export const DEFAULT_TIMEOUT = '30s';

/** The deadline of one Cloud API call: `30s`, `2m`, or bare seconds; 1 s to 1 h. */
export function timeoutValue(value: string): string {
  const v = value.trim().toLowerCase();
  const ms = /^\d{1,7}$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  if (ms === null || ms < 1000 || ms > 3_600_000)
    throw invalid(`timeout must be a duration from 1s to 1h such as 30s or 2m, got "${value.trim()}"`);
  return /^\d+$/.test(v) ? `${v}s` : v;
}

/** Milliseconds of a value timeoutValue() accepted. */
export function timeoutMs(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : (parseDuration(value) ?? 30_000);
}

/** A response target: a duration from 1m to 30d such as 15m, 1h or 1h30m, counted in business hours. */
export function responseTarget(value: string): string {
  const v = value.trim().toLowerCase();
  const ms = parseDuration(v);
  if (ms === null || ms < 60_000 || ms > 30 * 86_400_000)
    throw invalid(
      `sla.first-response must be a duration from 1m to 30d such as 15m, 1h or 1h30m, got "${value.trim()}"`,
    );
  return v;
}

/** How the receiver assigns new conversations (core/assign.ts). */
function assignPolicy(value: string): string {
  const v = value.trim().toLowerCase();
  if (!(ASSIGN_POLICIES as readonly string[]).includes(v))
    throw invalid(`assign must be one of ${ASSIGN_POLICIES.join(', ')}, got "${value.trim()}"`);
  return v;
}

/**
 * The store: a `postgres://` URL, or a SQLite file path (`~/` expanded; a relative path is made
 * absolute against the current directory, so a saved value does not depend on where wabox runs).
 */
export function dbLocation(value: string): string {
  const v = value.trim();
  if (v === '') throw invalid('db is empty: give a SQLite file path or a postgres:// URL');
  if (POSTGRES_URL.test(v)) {
    try {
      new URL(v);
    } catch {
      throw invalid('db looks like a postgres:// URL but does not parse');
    }
    return v;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) throw invalid('db must be a SQLite file path or a postgres:// URL');
  if (v === ':memory:') return v;
  if (v === '~' || v.startsWith('~/')) return resolve(homedir(), v.slice(2));
  return isAbsolute(v) ? v : resolve(v);
}

/** The webhook receiver's defaults: local only; a tunnel or reverse proxy gives Meta its HTTPS URL. */
export const DEFAULT_WEBHOOK_HOST = '127.0.0.1';
export const DEFAULT_WEBHOOK_PORT = '8080';
export const DEFAULT_WEBHOOK_PATH = '/webhook';

/** A TCP port, 0-65535 (0: any free port, shown at start). */
export function webhookPort(value: string): string {
  const v = value.trim();
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535)
    throw invalid(`webhook-port must be a port number 0-65535, got "${v}"`);
  return String(Number(v));
}

/** A host name or IP address to listen on (0.0.0.0 or :: for every interface). */
export function webhookHost(value: string): string {
  const v = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (!/^[A-Za-z0-9.:%_-]{1,253}$/.test(v))
    throw invalid(`webhook-host must be a host name or IP address, got "${v}"`);
  return v;
}

/** The URL path Meta posts to: starts with "/", no query or fragment. */
export function webhookPath(value: string): string {
  const v = value.trim();
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,200}$/.test(v))
    throw invalid(`webhook-path must start with "/" and hold no spaces, query or fragment, got "${v}"`);
  return v;
}

/** Campaign sends per second: Meta allows 80 by default, 1,000 upgraded, 20 for a number shared with the Business app. */
export const DEFAULT_CAMPAIGN_RATE = '80';

function campaignRate(value: string): string {
  const v = value.trim();
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000)
    throw invalid(`campaign-rate must be a whole number of messages per second, 1-1000, got "${v}"`);
  return String(Number(v));
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    name: 'default-country',
    description: 'region for numbers written without a country code (ISO 3166-1 alpha-2, e.g. IN)',
    validate: (value) => parseCountry(value),
  },
  {
    name: 'business-name',
    description: 'your business name, {{business.name}} in templates',
    validate: nonEmpty('business-name', 100),
  },
  {
    name: 'agent-name',
    description: 'your name as an agent, {{agent.name}} in templates',
    validate: nonEmpty('agent-name', 100),
  },
  {
    name: 'token',
    description: 'Cloud API access token (a system user token); set it without a value to be prompted',
    env: 'WABOX_TOKEN',
    secret: true,
    validate: secretValue('token'),
  },
  {
    name: 'phone-number-id',
    description: 'the business phone number id that sends (WhatsApp Manager > API setup)',
    env: 'WABOX_PHONE_NUMBER_ID',
    validate: graphId('phone-number-id'),
  },
  {
    name: 'waba-id',
    description: 'the WhatsApp Business Account id (message templates, phone numbers)',
    env: 'WABOX_WABA_ID',
    validate: graphId('waba-id'),
  },
  {
    name: 'api-version',
    description: `Graph API version (default ${DEFAULT_API_VERSION})`,
    env: 'WABOX_API_VERSION',
    default: DEFAULT_API_VERSION,
    validate: apiVersion,
  },
  {
    name: 'graph-url',
    description: `Graph API base URL (default ${DEFAULT_GRAPH_URL})`,
    env: 'WABOX_GRAPH_URL',
    default: DEFAULT_GRAPH_URL,
    validate: graphUrl,
  },
  {
    name: 'timeout',
    description: `the longest one Cloud API call may take, retries included (default ${DEFAULT_TIMEOUT})`,
    env: 'WABOX_TIMEOUT',
    default: DEFAULT_TIMEOUT,
    validate: timeoutValue,
  },
  {
    name: 'db',
    description:
      'the message store: a SQLite file path or a postgres:// URL (default: wabox.db in the data dir)',
    env: 'WABOX_DB',
    validate: dbLocation,
  },
  {
    name: 'campaign-rate',
    description: `messages per second a campaign sends unless --rate says (default ${DEFAULT_CAMPAIGN_RATE}; at most 1000)`,
    env: 'WABOX_CAMPAIGN_RATE',
    default: DEFAULT_CAMPAIGN_RATE,
    validate: campaignRate,
  },
  {
    name: 'app-secret',
    description: 'the Meta app secret that signs webhooks (X-Hub-Signature-256)',
    env: 'WABOX_APP_SECRET',
    secret: true,
    validate: secretValue('app-secret'),
  },
  {
    name: 'verify-token',
    description: 'the token Meta sends to verify the webhook URL (you choose it)',
    env: 'WABOX_VERIFY_TOKEN',
    secret: true,
    validate: secretValue('verify-token'),
  },
  {
    name: 'webhook-host',
    description: `the address wabox webhook serve listens on (default ${DEFAULT_WEBHOOK_HOST})`,
    env: 'WABOX_WEBHOOK_HOST',
    default: DEFAULT_WEBHOOK_HOST,
    validate: webhookHost,
  },
  {
    name: 'webhook-port',
    description: `the port wabox webhook serve listens on (default ${DEFAULT_WEBHOOK_PORT})`,
    env: 'WABOX_WEBHOOK_PORT',
    default: DEFAULT_WEBHOOK_PORT,
    validate: webhookPort,
  },
  {
    name: 'webhook-path',
    description: `the URL path Meta posts webhooks to (default ${DEFAULT_WEBHOOK_PATH})`,
    env: 'WABOX_WEBHOOK_PATH',
    default: DEFAULT_WEBHOOK_PATH,
    validate: webhookPath,
  },
  {
    name: 'sla.first-response',
    description:
      'the first-response target in business hours (e.g. 15m, 1h); inbox shows what is at risk or over',
    validate: responseTarget,
  },
  {
    name: 'assign',
    description:
      'who gets a new conversation: manual (default), round-robin or least-open among available agents in their hours',
    validate: assignPolicy,
  },
];

export function findKey(name: string): ConfigKey {
  const key = CONFIG_KEYS.find((k) => k.name === name);
  if (!key) {
    throw invalidInput(`unknown config key "${name}"`, {
      code: 'config.unknown_key',
      hint: `valid keys: ${CONFIG_KEYS.map((k) => k.name).join(', ')}`,
    });
  }
  return key;
}

/** What a secret looks like when shown: `set (…a1b2)` or `not set`. */
export function maskSecret(value: string | undefined): string {
  if (value === undefined || value === '') return 'not set';
  return value.length >= 12 ? `set (…${value.slice(-4)})` : 'set';
}

/** How a value is shown by `config get|list`: secrets masked, a password in a postgres:// URL hidden. */
export function displayValue(key: ConfigKey, value: string): string {
  if (key.secret) return maskSecret(value);
  const password = urlPassword(key, value);
  return password === undefined ? value : value.replace(`:${password}@`, ':***@');
}

/** The secret parts of a value, for the output masker: the whole value of a secret key, a URL's password. */
export function secretsOf(key: ConfigKey, value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  if (key.secret) return [value];
  const password = urlPassword(key, value);
  return password === undefined ? [] : [password, decodeURIComponent(password)];
}

function urlPassword(key: ConfigKey, value: string): string | undefined {
  if (key.name !== 'db' || !POSTGRES_URL.test(value)) return undefined;
  try {
    const password = new URL(value).password;
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
