import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { readStdinText } from '../../cli/stdin.js';
import { invalidInput } from '../../core/errors.js';

export function register(parent: Command, deps: Deps): void {
  parent
    .command('set')
    .description('change one setting (validated); secrets are read from a hidden prompt or stdin')
    .argument('<key>')
    .argument('[value]', 'the value; not for secrets (token, app-secret, verify-token)')
    .addHelpText(
      'after',
      `
Examples:
  wabox config set default-country GB
  wabox config set business-name "Asha's Bakery"
  wabox config set api-version v23.0
  wabox config set token                       # hidden prompt on a terminal
  printf %s "$TOKEN" | wabox config set token  # from stdin in scripts
  wabox config set app-secret < app-secret.txt

Prints what changed on stderr, e.g. business-name: "Asha's Bakery" (profile default); secrets show as
set (…abcd). The token, app secret and verify token are kept in config.json in the config dir
(\`wabox config path\`), in plain text in a file only you can read (mode 0600); an environment
variable (WABOX_TOKEN, ...) is used instead when set, and is never written.`,
    )
    .option('-q, --quiet', 'print nothing on success')
    .option('--json', 'print the change as {profile, key, value, secret, changed} (secrets masked)')
    .action(async (key: string, value: string | undefined, flags: { quiet?: boolean; json?: boolean }) => {
      const change = await runConfigSet(key, value, deps);
      if (flags.json) emit(deps, flags, change, () => '');
      else if (!flags.quiet) note(deps.io, describeChange(change));
    });
}

/** `config set --json`: part of the interface, keep it stable. */
export interface ConfigChange {
  profile: string;
  key: string;
  /** The value as stored, as shown: secrets as `set (…abcd)`, a postgres:// password as `***`. */
  value: string;
  /** Whether the key is a secret (its value is never shown). */
  secret: boolean;
  /** False when the profile held this value already. */
  changed: boolean;
}

/** `business-name: "Asha's Kitchen" (profile default)`; a secret as `token: set (…abcd) (profile default)`. */
export function describeChange(c: ConfigChange): string {
  const shown = c.secret ? c.value : JSON.stringify(c.value);
  return `${c.key}: ${shown} (profile ${c.profile}${c.changed ? '' : ', unchanged'})`;
}

/**
 * Stores one value and says what changed (secrets masked). A secret never comes from the command
 * line: `value` must be undefined, and it is read from a hidden prompt (when one is possible) or stdin.
 */
export async function runConfigSet(
  key: string,
  value: string | undefined,
  deps: Deps,
): Promise<ConfigChange> {
  // loaded on use: config/keys checks phone numbers with libphonenumber, whose metadata is costly to load
  const { findKey, displayValue } = await import('../../config/keys.js');
  const spec = findKey(key);
  let input = value;
  if (spec.secret) {
    if (input !== undefined) {
      throw invalidInput(
        `${key} is a secret and is not taken from the command line (shell history, process list)`,
        {
          code: 'config.secret_on_command_line',
          hint: `run \`wabox config set ${key}\` and type it at the hidden prompt, or pipe it: printf %s "$VALUE" | wabox config set ${key}`,
        },
      );
    }
    input = await readSecret(key, deps);
  } else if (input === undefined) {
    if (!deps.io.canPrompt)
      throw invalidInput(`missing value for ${key}`, {
        code: 'usage.missing_value',
        hint: `wabox config set ${key} <value>`,
      });
    input = await (await deps.prompt()).input({ message: `${key} (${spec.description})` });
  }
  const config = await deps.config();
  const before = config.get(key);
  const stored = config.set(key, input);
  return {
    profile: config.profile,
    key,
    value: displayValue(spec, stored),
    secret: spec.secret === true,
    changed: before !== stored,
  };
}

async function readSecret(key: string, deps: Deps): Promise<string> {
  let secret: string;
  if (deps.io.canPrompt) {
    const prompter = await deps.prompt();
    if (prompter.password === undefined)
      throw invalidInput(`cannot ask for ${key} here`, { code: 'usage.no_prompt', hint: 'pipe it on stdin' });
    secret = await prompter.password({
      message: `${key} (hidden)`,
      validate: (v) => (v.trim() === '' ? `${key} is empty` : true),
    });
  } else {
    if (deps.io.isStdinTTY) {
      // reading a terminal without a hidden prompt would echo the secret
      throw invalidInput(`${key} is read from a hidden prompt or stdin, and neither is possible here`, {
        code: 'usage.no_prompt',
        hint: `drop --no-input to be asked, or pipe it: printf %s "$VALUE" | wabox config set ${key}`,
      });
    }
    secret = await readStdinText(deps.io, key);
  }
  // registered before validation, so no error message can carry it
  deps.mask.add(secret.trim());
  if (secret.trim() === '')
    throw invalidInput(`no ${key} given: stdin was empty`, {
      code: 'config.empty_secret',
      hint: `printf %s "$VALUE" | wabox config set ${key}`,
    });
  return secret;
}
