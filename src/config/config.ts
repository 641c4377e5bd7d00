// The config file (conf: atomic writes, mode 0600). Shape:
//   { "profile": "default", "profiles": { "default": { "default-country": "IN", ... } } }
// Every read validates the whole file; a hand-edited file that no longer parses or validates is an
// error naming the file and the bad entry, never silently reset.
import { resolve } from 'node:path';
import Conf from 'conf';
import { configInvalid, invalidInput, notFound, WaboxError } from '../core/errors.js';
import { CONFIG_KEYS, findKey, secretsOf } from './keys.js';

type Profile = Record<string, string>;
interface ConfigData {
  profile?: string;
  profiles?: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

export interface ConfigOptions {
  dir: string;
  /** Use this profile instead of the file's active one (--profile, WABOX_PROFILE); it must exist. */
  profile?: string | undefined;
  /** Where `profile` came from, for the error when it does not exist, e.g. `--profile`. */
  profileSource?: string | undefined;
  /**
   * Called with every secret the file holds (secret keys of every profile, a postgres:// password)
   * each time it is read, so the CLI masks them in anything it prints.
   */
  onSecret?: ((secret: string) => void) | undefined;
}

export class Config {
  readonly #conf: Conf<ConfigData>;
  readonly #profileOverride: string | undefined;
  readonly #profileSource: string;

  constructor(options: ConfigOptions) {
    const path = resolve(options.dir, 'config.json');
    try {
      this.#conf = new Conf<ConfigData>({
        cwd: options.dir,
        configName: 'config',
        projectName: 'wabox',
        projectSuffix: '',
        configFileMode: 0o600,
        clearInvalidConfig: false,
        // validated as parsed: conf would turn a file holding `[]` or `5` into {} and write that back
        deserialize: (text) => reportSecrets(validateFile(JSON.parse(text), path), options.onSecret),
      });
    } catch (err) {
      // conf reads the file as it starts, so a broken file fails here before any #read
      throw unreadable(path, err);
    }
    this.#profileOverride = options.profile;
    this.#profileSource = options.profileSource ?? '--profile';
  }

  get path(): string {
    return this.#conf.path;
  }

  /** The profile asked for, whether or not it exists yet (`setup` creates it). */
  get requestedProfile(): string {
    return this.#profileOverride ?? this.#read().profile ?? DEFAULT_PROFILE;
  }

  /** The profile in use: the override, else the file's active one, else `default`. */
  get profile(): string {
    const override = this.#profileOverride;
    if (override === undefined) return this.#read().profile ?? DEFAULT_PROFILE;
    // a typo must not create a profile on the next set: profiles come from `config profile add`
    if (!this.hasProfile(override)) {
      const names = [DEFAULT_PROFILE, ...Object.keys(this.#read().profiles ?? {})];
      const near = closest(override, names);
      throw configInvalid(
        `no profile named "${override}" (selected by ${this.#profileSource})${near === undefined ? '' : `; did you mean "${near}"?`}`,
        {
          code: 'config.unknown_profile',
          hint: `list them with: wabox config profile list; create it with: wabox config profile add ${override}`,
        },
      );
    }
    return override;
  }

  /** The file's active profile (`config profile use`), ignoring --profile and WABOX_PROFILE. */
  get activeProfile(): string {
    return this.#read().profile ?? DEFAULT_PROFILE;
  }

  /** Whether the file has this profile (`default` always exists). */
  hasProfile(name: string): boolean {
    return name === DEFAULT_PROFILE || this.#read().profiles?.[name] !== undefined;
  }

  get(key: string): string | undefined {
    findKey(key);
    return this.#read().profiles?.[this.profile]?.[key];
  }

  set(key: string, value: string): string {
    const normalized = findKey(key).validate(value);
    this.#update((data) => {
      const profiles = data.profiles ?? {};
      profiles[this.profile] = { ...profiles[this.profile], [key]: normalized };
      return { ...data, profiles };
    });
    return normalized;
  }

  /** Returns whether the key had a value. */
  unset(key: string): boolean {
    findKey(key);
    let had = false;
    this.#update((data) => {
      const current = { ...data.profiles?.[this.profile] };
      had = key in current;
      delete current[key];
      return { ...data, profiles: { ...data.profiles, [this.profile]: current } };
    });
    return had;
  }

  /** Every known key of the profile in use, set or not. */
  entries(): Array<{ key: string; value: string | undefined }> {
    const profile = this.#read().profiles?.[this.profile] ?? {};
    return CONFIG_KEYS.map((k) => ({ key: k.name, value: profile[k.name] }));
  }

  profiles(): Array<{ name: string; active: boolean }> {
    const data = this.#read();
    const names = new Set([DEFAULT_PROFILE, ...Object.keys(data.profiles ?? {})]);
    const active = this.profile;
    return [...names].sort().map((name) => ({ name, active: name === active }));
  }

  addProfile(name: string): void {
    validateProfileName(name);
    this.#update((data) => {
      if (data.profiles?.[name] !== undefined)
        throw invalidInput(`profile "${name}" already exists`, { code: 'config.profile_exists' });
      return { ...data, profiles: { ...data.profiles, [name]: {} } };
    });
  }

  /** Creates the profile unless it exists (for `setup`); returns whether it was created. */
  ensureProfile(name: string): boolean {
    if (this.hasProfile(name)) return false;
    this.addProfile(name);
    return true;
  }

  useProfile(name: string): void {
    this.#update((data) => {
      if (name !== DEFAULT_PROFILE && data.profiles?.[name] === undefined) throw unknownProfile(name);
      return { ...data, profile: name };
    });
  }

  removeProfile(name: string): void {
    this.#update((data) => {
      if (data.profiles?.[name] === undefined) throw unknownProfile(name);
      if ((data.profile ?? DEFAULT_PROFILE) === name) {
        throw invalidInput(`profile "${name}" is in use`, {
          code: 'config.profile_in_use',
          hint: 'switch first: wabox config profile use <other>',
        });
      }
      const profiles = { ...data.profiles };
      delete profiles[name];
      return { ...data, profiles };
    });
  }

  #read(): ConfigData {
    try {
      return this.#conf.store;
    } catch (err) {
      throw unreadable(this.path, err);
    }
  }

  #update(change: (data: ConfigData) => ConfigData): void {
    this.#conf.store = change(this.#read()) as ConfigData & Record<string, unknown>;
  }
}

function reportSecrets(data: ConfigData, onSecret: ((secret: string) => void) | undefined): ConfigData {
  if (onSecret === undefined) return data;
  for (const values of Object.values(data.profiles ?? {})) {
    for (const key of CONFIG_KEYS) for (const secret of secretsOf(key, values[key.name])) onSecret(secret);
  }
  return data;
}

function unreadable(path: string, err: unknown) {
  if (err instanceof WaboxError) return err;
  const why = err instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
  // V8 quotes the text around a syntax error (`Unexpected token 'E', ..."token": EAA"...`), which can be
  // a secret: keep the reason, drop the quote
  const message = (err as Error).message.replace(/,\s*(?:\.\.\.)?".*$/s, ' (content not shown)');
  return configInvalid(`${path} ${why}: ${message}`, {
    code: 'config.unreadable',
    hint: 'fix the file by hand, or move it away to start over',
  });
}

function validateFile(data: unknown, path: string): ConfigData {
  const bad = (entry: string, why: string) =>
    configInvalid(`${path}: ${entry} ${why}`, {
      code: 'config.invalid_file',
      // not `wabox config unset`: it reads (and so refuses) the file like every other command
      hint: `fix or remove that entry in ${path}`,
    });
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw bad('the file', 'is not a JSON object');
  const { profile, profiles, ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw bad(`"${extra}"`, 'is not a known setting');
  if (profile !== undefined && (typeof profile !== 'string' || !PROFILE_NAME.test(profile)))
    throw bad('"profile"', 'is not a profile name');
  if (profiles === undefined) return { profile: profile as string | undefined };
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles))
    throw bad('"profiles"', 'is not an object');
  for (const [name, values] of Object.entries(profiles as Record<string, unknown>)) {
    if (!PROFILE_NAME.test(name)) throw bad(`profiles."${name}"`, 'is not a valid profile name');
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      throw bad(`profiles.${name}`, 'is not an object');
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const known = CONFIG_KEYS.find((k) => k.name === key);
      if (!known) throw bad(`profiles.${name}."${key}"`, 'is not a known key');
      if (typeof value !== 'string') throw bad(`profiles.${name}.${key}`, 'is not a string');
      try {
        known.validate(value);
      } catch (err) {
        throw bad(`profiles.${name}.${key}`, `is invalid: ${(err as Error).message}`);
      }
    }
  }
  return data as ConfigData;
}

function validateProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw invalidInput(`invalid profile name "${name}": use 1-40 letters, digits, _ . or -`, {
      code: 'config.bad_profile_name',
    });
  }
}

/** The name nearest to `input` (edit distance at most 2, or one contains the other), if any. */
function closest(input: string, names: readonly string[]): string | undefined {
  const a = input.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const b = name.toLowerCase();
    const d = b.includes(a) || a.includes(b) ? 1 : editDistance(a, b);
    if (d <= 2 && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function unknownProfile(name: string) {
  return notFound(`no profile named "${name}"`, {
    code: 'config.unknown_profile',
    hint: 'list them with: wabox config profile list',
  });
}
