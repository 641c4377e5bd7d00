import type { CloudClient, CloudClientOptions } from '../cloud/client.js';
import type { Config } from '../config/config.js';
import type { CloudSettings, Env } from '../config/settings.js';
import type { Store } from '../store/store.js';
import { openCloudClient, openCloudClientFor } from './cloud.js';
import type { IO } from './io.js';
import { createMasker, type Masker } from './mask.js';
import type { Prompter } from './prompt.js';

/**
 * Everything a command needs from the outside world, as lazy memoised getters so a command loads only
 * what it uses (`wabox link` never opens the config file when the number has a country code) and tests
 * build one by hand.
 */
export interface Deps {
  io: IO;
  env: Env;
  /** Options that apply to every command (--debug, --profile, --no-input), set before the action runs. */
  globals: GlobalOptions;
  config(): Promise<Config>;
  clock(): Date;
  /** Interactive prompts (inquirer, loaded on first use); only call it when `io.canPrompt`. */
  prompt(): Promise<Prompter>;
  /** Exit code for a run that finished without throwing (a batch with failed rows sets 1). */
  exitCode: number;
  /**
   * Removes every known secret from text. Starts with the secret WABOX_* variables; secrets read from
   * the config file or given as flags are added as they are read. Everything that prints errors uses it.
   */
  mask: Masker;
  /**
   * The message store at resolveDbLocation (a SQLite file or a postgres:// URL, migrated), opened on
   * first use; main() closes it when the command ends.
   */
  store(): Promise<Store>;
  /**
   * The Cloud API client for the resolved settings (resolveCloudSettings: flag > env > profile), made
   * on first use (undici loads then); close() releases its connections.
   */
  cloud(): Promise<CloudClient>;
  /** A new Cloud API client for settings not saved yet (`wabox setup` checks a token); the caller closes it. */
  cloudFor(settings: CloudSettings): Promise<CloudClient>;
  /** Releases what the run opened (the store, the Cloud API connections). Safe to call more than once. */
  close(): Promise<void>;
}

export interface GlobalOptions {
  debug: boolean;
  profile: string | undefined;
}

export interface DepsOverrides {
  clock?: () => Date;
  config?: () => Promise<Config>;
  prompt?: () => Promise<Prompter>;
  store?: () => Promise<Store>;
  /** Cloud API client knobs for tests: retry budget, fake sleep and clock, timeouts. */
  cloudOptions?: Partial<CloudClientOptions>;
}

export function createDeps(io: IO, env: Env, overrides: DepsOverrides = {}): Deps {
  let config: Promise<Config> | undefined;
  let prompter: Promise<Prompter> | undefined;
  let store: Promise<Store> | undefined;
  let cloud: Promise<CloudClient> | undefined;
  const mask = createMasker(env);
  const deps: Deps = {
    io,
    env,
    globals: { debug: false, profile: undefined },
    exitCode: 0,
    mask,
    clock: overrides.clock ?? (() => new Date()),
    config() {
      config ??=
        overrides.config?.() ??
        Promise.all([import('../config/config.js'), import('../config/paths.js')]).then(
          ([{ Config }, { configDir }]) =>
            new Config({
              dir: configDir(env),
              profile: deps.globals.profile ?? env.WABOX_PROFILE,
              profileSource: deps.globals.profile === undefined ? 'WABOX_PROFILE' : '--profile',
              onSecret: mask.add,
            }),
        );
      return config;
    },
    store() {
      store ??= overrides.store?.() ?? openStore(deps);
      return store;
    },
    cloud() {
      cloud ??= openCloudClient(deps, overrides.cloudOptions);
      return cloud;
    },
    cloudFor(settings) {
      return openCloudClientFor(deps, settings, overrides.cloudOptions);
    },
    async close() {
      const client = cloud;
      cloud = undefined;
      if (client !== undefined) await (await client.catch(() => undefined))?.close();
      const opened = store;
      store = undefined;
      if (opened === undefined) return;
      const s = await opened.catch(() => undefined);
      await s?.close();
    },
    prompt() {
      prompter ??=
        overrides.prompt?.() ??
        import('./prompt.js').then(({ createInquirerPrompter }) => createInquirerPrompter(io));
      return prompter;
    },
  };
  return deps;
}

async function openStore(deps: Deps): Promise<Store> {
  // settings load conf and libphonenumber-js: only for a command that opens the store
  const [{ resolveDbLocation }, { openStore }] = await Promise.all([
    import('../config/settings.js'),
    import('../store/open.js'),
  ]);
  return openStore(await resolveDbLocation(deps), { now: () => deps.clock().getTime() });
}
