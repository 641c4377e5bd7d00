import type { Config } from '../config/config.js';
import type { IO } from './io.js';

export type Env = Readonly<Record<string, string | undefined>>;

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
  /** Exit code for a run that finished without throwing (a batch with failed rows sets 1). */
  exitCode: number;
}

export interface GlobalOptions {
  debug: boolean;
  profile: string | undefined;
}

export interface DepsOverrides {
  clock?: () => Date;
  config?: () => Promise<Config>;
}

export function createDeps(io: IO, env: Env, overrides: DepsOverrides = {}): Deps {
  let config: Promise<Config> | undefined;
  const deps: Deps = {
    io,
    env,
    globals: { debug: false, profile: undefined },
    exitCode: 0,
    clock: overrides.clock ?? (() => new Date()),
    config() {
      config ??=
        overrides.config?.() ??
        Promise.all([import('../config/config.js'), import('../config/paths.js')]).then(
          ([{ Config }, { configDir }]) =>
            new Config({ dir: configDir(env), profile: deps.globals.profile ?? env.WABOX_PROFILE }),
        );
      return config;
    },
  };
  return deps;
}
