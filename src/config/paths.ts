import envPaths from 'env-paths';

const paths = envPaths('wabox', { suffix: '' });

/** The config dir: WABOX_CONFIG_DIR, else the OS's user config dir (e.g. ~/.config/wabox). */
export function configDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.WABOX_CONFIG_DIR || paths.config;
}

/** The data dir (the SQLite store lives here): the OS's user data dir (e.g. ~/.local/share/wabox). */
export function dataDir(): string {
  return paths.data;
}
