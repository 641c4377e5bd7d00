import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit } from '../../cli/output.js';
import { notFound } from '../../core/errors.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('get')
    .description(
      'print one setting of the profile in use (exit 6 when it is not set; secrets show as "set (…abcd)")',
    )
    .argument('<key>')
    .option('--json', 'print {key, value}')
    .addHelpText('after', '\nExamples:\n  wabox config get default-country\n  wabox config get token')
    .action(async (key: string, flags: { json?: boolean }) =>
      emit(deps, flags, await runConfigGet(key, deps), (r) => r.value),
    );
}

export async function runConfigGet(key: string, deps: Deps): Promise<{ key: string; value: string }> {
  // loaded on use: config/keys checks phone numbers with libphonenumber, whose metadata is costly to load
  const { findKey, displayValue } = await import('../../config/keys.js');
  const spec = findKey(key);
  const value = (await deps.config()).get(key);
  if (value === undefined)
    throw notFound(`${key} is not set`, {
      code: 'config.not_set',
      hint: spec.secret
        ? `set it with: wabox config set ${key}; it asks for the value, or reads it from stdin`
        : `set it with: wabox config set ${key} <value>`,
    });
  return { key, value: displayValue(spec, value) };
}
