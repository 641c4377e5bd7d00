import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';

export interface ConfigListResult {
  profile: string;
  path: string;
  /** The profile's values as shown: secrets as `set (…abcd)`, a postgres:// password as `***`. */
  values: Record<string, string | null>;
  /** Keys whose value an environment variable overrides in this shell: key -> variable name. */
  overriddenBy: Record<string, string>;
  /** Built-in defaults of keys that have one. */
  defaults: Record<string, string>;
}

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .description('every setting of the profile in use, set or not (secrets masked)')
    .option('--json', 'print {profile, path, values, overriddenBy, defaults}')
    .addHelpText('after', '\nExamples:\n  wabox config list\n  wabox config list --json')
    .action(async (flags: { json?: boolean }) => emit(deps, flags, await runConfigList(deps), humanList));
}

export async function runConfigList(deps: Deps): Promise<ConfigListResult> {
  const [{ CONFIG_KEYS, findKey, displayValue }, config] = await Promise.all([
    import('../../config/keys.js'),
    deps.config(),
  ]);
  const values: Record<string, string | null> = {};
  for (const { key, value } of config.entries())
    values[key] = value === undefined ? null : displayValue(findKey(key), value);
  const overriddenBy: Record<string, string> = {};
  const defaults: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    if (key.env !== undefined && (deps.env[key.env] ?? '') !== '') overriddenBy[key.name] = key.env;
    if (key.default !== undefined) defaults[key.name] = key.default;
  }
  return { profile: config.profile, path: config.path, values, overriddenBy, defaults };
}

function humanList(r: ConfigListResult): string {
  const width = Math.max(...Object.keys(r.values).map((k) => k.length));
  return Object.entries(r.values)
    .map(([key, value]) => {
      const shown = value ?? (r.defaults[key] === undefined ? '(not set)' : `(default ${r.defaults[key]})`);
      const env = r.overriddenBy[key];
      return `${key.padEnd(width)}  ${shown}${env === undefined ? '' : `  (overridden by ${env})`}`;
    })
    .join('\n');
}
