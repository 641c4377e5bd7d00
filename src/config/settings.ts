// The one place that decides a setting's value (DESIGN.md §5):
//   flag > environment (WABOX_*) > active profile in the config file > default.
// Commands call resolveCloudSettings / resolveSetting / resolveDbLocation; nothing else reads WABOX_*
// variables for configuration keys.
import { join, resolve } from 'node:path';
import { POSTGRES_URL } from '../core/db-location.js';
import { configInvalid, WaboxError } from '../core/errors.js';
import { type Config, DEFAULT_PROFILE } from './config.js';
import { type ConfigKey, findKey, secretsOf, timeoutMs } from './keys.js';
import { dataDir } from './paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What resolving a setting reads: the environment, the config file (which knows the profile asked for
 * and where it came from), and the masker that learns every secret value found.
 */
export interface SettingsContext {
  env: Env;
  config(): Promise<Config>;
  mask: { add(secret: string | undefined): void };
}

export type SettingSource = 'flag' | 'env' | 'profile' | 'default';

export interface ResolvedSetting {
  key: string;
  value: string | undefined;
  /** Where the value came from; undefined when nothing gave one. */
  source: SettingSource | undefined;
  /** The environment variable (source `env`) or the profile name (source `profile`). */
  origin?: string;
}

/** What the Cloud API client needs; see resolveCloudSettings. */
export interface CloudSettings {
  token: string;
  phoneNumberId: string;
  wabaId: string | undefined;
  /** e.g. `v23.0` */
  apiVersion: string;
  /** The Graph base URL without a trailing slash, e.g. `https://graph.facebook.com`. */
  baseUrl: string;
  /** The deadline of one call, retries included (`timeout`). */
  timeouts: { totalMs: number };
}

export interface CloudFlags {
  token?: string | undefined;
  phoneNumberId?: string | undefined;
  wabaId?: string | undefined;
  apiVersion?: string | undefined;
  graphUrl?: string | undefined;
}

/**
 * Resolves one key with its source. A flag value that does not validate is a usage error (exit 2)
 * naming the flag; an environment value that does not validate is a config error (exit 3) naming the
 * variable. Secret values are registered with the output masker.
 */
export async function resolveSettingWithSource(
  ctx: SettingsContext,
  name: string,
  flag?: string,
): Promise<ResolvedSetting> {
  const key = findKey(name);
  if (flag !== undefined) {
    const value = validated(key, flag, 'flag');
    return remember(ctx, key, { key: name, value, source: 'flag' });
  }
  const envValue = key.env === undefined ? undefined : ctx.env[key.env];
  if (envValue !== undefined && envValue !== '') {
    const value = validated(key, envValue, 'env');
    return remember(ctx, key, { key: name, value, source: 'env', origin: key.env });
  }
  // Config.profile rejects a --profile/WABOX_PROFILE that names no profile
  const config = await ctx.config();
  const profile = config.profile;
  const stored = config.get(name);
  if (stored !== undefined) {
    return remember(ctx, key, { key: name, value: stored, source: 'profile', origin: profile });
  }
  if (key.default !== undefined) return { key: name, value: key.default, source: 'default' };
  return { key: name, value: undefined, source: undefined };
}

/** The value of one key (flag > env > profile > default), or undefined when nothing sets it. */
export async function resolveSetting(
  ctx: SettingsContext,
  name: string,
  flag?: string,
): Promise<string | undefined> {
  return (await resolveSettingWithSource(ctx, name, flag)).value;
}

/**
 * Everything the Cloud API client needs. A missing token or phone-number-id is a config error (exit 3)
 * naming every missing key and how to set it; an unknown profile selected by --profile/WABOX_PROFILE
 * is a config error too.
 */
export async function resolveCloudSettings(
  ctx: SettingsContext,
  flags: CloudFlags = {},
): Promise<CloudSettings> {
  const [token, phoneNumberId, wabaId, apiVersion, graphUrl, timeout] = await Promise.all([
    resolveSetting(ctx, 'token', flags.token),
    resolveSetting(ctx, 'phone-number-id', flags.phoneNumberId),
    resolveSetting(ctx, 'waba-id', flags.wabaId),
    resolveSetting(ctx, 'api-version', flags.apiVersion),
    resolveSetting(ctx, 'graph-url', flags.graphUrl),
    resolveSetting(ctx, 'timeout'),
  ]);
  const missing = [
    ...(token === undefined ? ['token'] : []),
    ...(phoneNumberId === undefined ? ['phone-number-id'] : []),
  ];
  if (token === undefined || phoneNumberId === undefined) {
    throw missingSettings(missing, (await ctx.config()).profile);
  }
  return {
    token,
    phoneNumberId,
    wabaId,
    apiVersion: apiVersion ?? findKey('api-version').default!,
    baseUrl: graphUrl ?? findKey('graph-url').default!,
    timeouts: { totalMs: timeoutMs(timeout ?? findKey('timeout').default!) },
  };
}

/**
 * Where the store lives: WABOX_DB > the profile's `db` > the default in the user data dir:
 * `wabox.db` for the `default` profile, `wabox-<profile>.db` for another one (profiles are usually
 * different business numbers, whose conversations and 24-hour windows must not mix). A SQLite path is
 * absolute; a `postgres://` URL is returned as it is (the caller decides whether it supports it).
 */
export async function resolveDbLocation(ctx: SettingsContext): Promise<string> {
  const { value } = await resolveSettingWithSource(ctx, 'db');
  if (value === undefined) return defaultDbPath((await ctx.config()).profile);
  if (POSTGRES_URL.test(value) || value === ':memory:') return value;
  return resolve(value);
}

/** The default SQLite file of a profile (see resolveDbLocation). */
export function defaultDbPath(profile: string): string {
  return join(dataDir(), profile === DEFAULT_PROFILE ? 'wabox.db' : `wabox-${profile}.db`);
}

/** The error for missing required settings: names each key, its environment variable and the command. */
export function missingSettings(keys: readonly string[], profile: string): WaboxError {
  const how = keys.map((name) => {
    const key = findKey(name);
    const command = key.secret ? `wabox config set ${name}` : `wabox config set ${name} <value>`;
    return `${name}: set ${key.env} or run \`${command}\`${key.secret ? ' (it reads a hidden prompt or stdin)' : ''}`;
  });
  return configInvalid(`missing configuration: ${keys.join(', ')} (profile "${profile}")`, {
    code: 'config.missing',
    hint: how.join('; '),
    details: { missing: [...keys], profile },
  });
}

function validated(key: ConfigKey, value: string, from: 'flag' | 'env'): string {
  try {
    return key.validate(value);
  } catch (err) {
    if (!(err instanceof WaboxError)) throw err;
    if (from === 'flag') throw err; // already invalid-input (exit 2), naming the key
    throw configInvalid(`${key.env} is invalid: ${err.message}`, {
      code: 'config.invalid_env',
      hint: `fix or unset ${key.env}`,
    });
  }
}

function remember(ctx: SettingsContext, key: ConfigKey, setting: ResolvedSetting): ResolvedSetting {
  for (const secret of secretsOf(key, setting.value)) ctx.mask.add(secret);
  return setting;
}
