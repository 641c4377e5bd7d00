import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit } from '../cli/output.js';
import { notFound } from '../core/errors.js';

export interface ConfigListResult {
  profile: string;
  path: string;
  values: Record<string, string | null>;
}

export function register(program: Command, deps: Deps): void {
  const config = program
    .command('config')
    .description('read and change settings (file in the user config dir; WABOX_CONFIG_DIR overrides)')
    .addHelpText(
      'after',
      `
Examples:
  wabox config set default-country IN
  wabox config get default-country
  wabox config list --json
  wabox config unset business-name
  wabox config path`,
    );
  config
    .command('get')
    .description('print one setting (exit 6 when it is not set)')
    .argument('<key>')
    .option('--json', 'print {key, value}')
    .addHelpText('after', '\nExample:\n  wabox config get default-country')
    .action(async (key: string, flags: { json?: boolean }) =>
      emit(deps, flags, await runConfigGet(key, deps), (r) => r.value),
    );
  config
    .command('set')
    .description('change one setting (validated)')
    .argument('<key>')
    .argument('<value>')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox config set default-country GB\n  wabox config set business-name "Asha\'s Bakery"',
    )
    .action(async (key: string, value: string) => {
      const stored = await runConfigSet(key, value, deps);
      if (deps.io.isStderrTTY) deps.io.stderr.write(`${key} = ${stored}\n`);
    });
  config
    .command('unset')
    .description('remove one setting')
    .argument('<key>')
    .addHelpText('after', '\nExample:\n  wabox config unset default-country')
    .action(async (key: string) => {
      await runConfigUnset(key, deps);
    });
  config
    .command('list')
    .description('every setting of the profile in use, set or not')
    .option('--json', 'print {profile, path, values}')
    .addHelpText('after', '\nExample:\n  wabox config list --json')
    .action(async (flags: { json?: boolean }) => emit(deps, flags, await runConfigList(deps), humanList));
  config
    .command('path')
    .description('print the config file path')
    .addHelpText('after', '\nExample:\n  wabox config path')
    .action(async () => emit(deps, {}, (await deps.config()).path, (p) => p));
}

export async function runConfigGet(key: string, deps: Deps): Promise<{ key: string; value: string }> {
  const value = (await deps.config()).get(key);
  if (value === undefined)
    throw notFound(`${key} is not set`, {
      code: 'config.not_set',
      hint: `set it with: wabox config set ${key} <value>`,
    });
  return { key, value };
}

export async function runConfigSet(key: string, value: string, deps: Deps): Promise<string> {
  return (await deps.config()).set(key, value);
}

export async function runConfigUnset(key: string, deps: Deps): Promise<boolean> {
  return (await deps.config()).unset(key);
}

export async function runConfigList(deps: Deps): Promise<ConfigListResult> {
  const config = await deps.config();
  const values: Record<string, string | null> = {};
  for (const { key, value } of config.entries()) values[key] = value ?? null;
  return { profile: config.profile, path: config.path, values };
}

function humanList(r: ConfigListResult): string {
  const width = Math.max(...Object.keys(r.values).map((k) => k.length));
  return Object.entries(r.values)
    .map(([key, value]) => `${key.padEnd(width)}  ${value ?? '(not set)'}`)
    .join('\n');
}
