import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { note } from '../../cli/output.js';
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
  wabox config set app-secret < app-secret.txt`,
    )
    .action(async (key: string, value: string | undefined) => {
      const shown = await runConfigSet(key, value, deps);
      if (deps.io.isStderrTTY) note(deps.io, `${key} = ${shown}`);
    });
}

/**
 * Stores one value and returns it as shown (secrets masked). A secret never comes from the command
 * line: `value` must be undefined, and it is read from a hidden prompt (when one is possible) or stdin.
 */
export async function runConfigSet(key: string, value: string | undefined, deps: Deps): Promise<string> {
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
  return displayValue(spec, config.set(key, input));
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
    const { readStdinText } = await import('../../cli/stdin.js');
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
