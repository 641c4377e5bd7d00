import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { emit, note } from '../cli/output.js';
import { invalidInput, notFound } from '../core/errors.js';

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

export interface ProfileEntry {
  name: string;
  active: boolean;
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
  wabox config set phone-number-id 106540352242922
  wabox config set token                     # asks for it, hidden; or: printf %s "$TOKEN" | wabox config set token
  wabox config get default-country
  wabox config list --json
  wabox config unset business-name
  wabox config profile add shop2 && wabox --profile shop2 config set token
  wabox config path

Precedence: a command's flag > environment (WABOX_TOKEN, WABOX_PHONE_NUMBER_ID, ...) > the profile > default.
Secrets (token, app-secret, verify-token) are never printed back and never taken from the command line.`,
    );
  config
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
  config
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
  config
    .command('unset')
    .description('remove one setting')
    .argument('<key>')
    .addHelpText('after', '\nExamples:\n  wabox config unset default-country\n  wabox config unset token')
    .action(async (key: string) => {
      await runConfigUnset(key, deps);
    });
  config
    .command('list')
    .description('every setting of the profile in use, set or not (secrets masked)')
    .option('--json', 'print {profile, path, values, overriddenBy, defaults}')
    .addHelpText('after', '\nExamples:\n  wabox config list\n  wabox config list --json')
    .action(async (flags: { json?: boolean }) => emit(deps, flags, await runConfigList(deps), humanList));
  config
    .command('path')
    .description('print the config file path')
    .addHelpText('after', '\nExamples:\n  wabox config path')
    .action(async () => emit(deps, {}, (await deps.config()).path, (p) => p));
  registerProfile(config, deps);
}

function registerProfile(config: Command, deps: Deps): void {
  const profile = config
    .command('profile')
    .description(
      'named sets of settings, e.g. one per business number (--profile or WABOX_PROFILE picks one per run)',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox config profile add shop2
  wabox --profile shop2 config set phone-number-id 106540352242923
  wabox config profile use shop2
  wabox config profile list
  wabox config profile rm shop2 --yes`,
    );
  profile
    .command('add')
    .description('create an empty profile')
    .argument('<name>', '1-40 letters, digits, _ . or -')
    .option('--use', 'also make it the active profile')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox config profile add shop2\n  wabox config profile add staging --use',
    )
    .action(async (name: string, flags: { use?: boolean }) => {
      await runProfileAdd(name, flags, deps);
      note(
        deps.io,
        flags.use
          ? `added profile "${name}" and made it active`
          : `added profile "${name}"; use it with --profile ${name}, or make it active: wabox config profile use ${name}`,
      );
    });
  profile
    .command('use')
    .description('make a profile the active one (saved in the config file)')
    .argument('<name>')
    .addHelpText('after', '\nExamples:\n  wabox config profile use shop2\n  wabox config profile use default')
    .action(async (name: string) => {
      await runProfileUse(name, deps);
      if (deps.io.isStderrTTY) note(deps.io, `now using profile "${name}"`);
    });
  profile
    .command('list')
    .alias('ls')
    .description('every profile; * marks the one in use')
    .option('--json', 'print an array of {name, active}')
    .addHelpText('after', '\nExamples:\n  wabox config profile list\n  wabox config profile list --json')
    .action(async (flags: { json?: boolean }) =>
      emit(deps, flags, await runProfileList(deps), (list) =>
        list.map((p) => `${p.active ? '*' : ' '} ${p.name}`).join('\n'),
      ),
    );
  profile
    .command('rm')
    .alias('remove')
    .description('delete a profile and its settings (asks first; --yes when it cannot ask)')
    .argument('<name>')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      '\nExamples:\n  wabox config profile rm shop2\n  wabox config profile rm shop2 --yes',
    )
    .action(async (name: string, flags: { yes?: boolean }) => {
      const removed = await runProfileRm(name, flags, deps);
      if (removed && deps.io.isStderrTTY) note(deps.io, `removed profile "${name}"`);
    });
}

export async function runConfigGet(key: string, deps: Deps): Promise<{ key: string; value: string }> {
  const { findKey, displayValue } = await import('../config/keys.js');
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

/**
 * Stores one value and returns it as shown (secrets masked). A secret never comes from the command
 * line: `value` must be undefined, and it is read from a hidden prompt (when one is possible) or stdin.
 */
export async function runConfigSet(key: string, value: string | undefined, deps: Deps): Promise<string> {
  const { findKey, displayValue } = await import('../config/keys.js');
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
    const { readStdinText } = await import('../cli/stdin.js');
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

export async function runConfigUnset(key: string, deps: Deps): Promise<boolean> {
  return (await deps.config()).unset(key);
}

export async function runConfigList(deps: Deps): Promise<ConfigListResult> {
  const [{ CONFIG_KEYS, findKey, displayValue }, config] = await Promise.all([
    import('../config/keys.js'),
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

export async function runProfileAdd(name: string, flags: { use?: boolean }, deps: Deps): Promise<void> {
  const config = await deps.config();
  config.addProfile(name);
  if (flags.use) config.useProfile(name);
}

export async function runProfileUse(name: string, deps: Deps): Promise<void> {
  (await deps.config()).useProfile(name);
}

export async function runProfileList(deps: Deps): Promise<ProfileEntry[]> {
  return (await deps.config()).profiles();
}

/** Returns false when the user declined at the prompt. */
export async function runProfileRm(name: string, flags: { yes?: boolean }, deps: Deps): Promise<boolean> {
  const config = await deps.config();
  // the same checks removeProfile makes, before asking anything
  if (name === config.activeProfile)
    throw invalidInput(`profile "${name}" is the active profile`, {
      code: 'config.profile_in_use',
      hint: 'switch first: wabox config profile use <other>',
    });
  if (!config.hasProfile(name))
    throw notFound(`no profile named "${name}"`, {
      code: 'config.unknown_profile',
      hint: 'list them with: wabox config profile list',
    });
  if (!flags.yes) {
    if (!deps.io.canPrompt)
      throw invalidInput(`removing profile "${name}" deletes its settings: pass --yes to confirm`, {
        code: 'usage.confirm',
        hint: `wabox config profile rm ${name} --yes`,
      });
    const ok = await (await deps.prompt()).confirm({
      message: `Delete profile "${name}" and all its settings?`,
      default: false,
    });
    if (!ok) {
      note(deps.io, 'nothing removed');
      return false;
    }
  }
  config.removeProfile(name);
  return true;
}
