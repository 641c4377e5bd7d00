// `wabox config <verb>`: settings in the user config dir, and named profiles of them.
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import * as get from './get.js';
import * as list from './list.js';
import * as path from './path.js';
import * as profile from './profile/index.js';
import * as set from './set.js';
import * as unset from './unset.js';

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
  for (const verb of [get, set, unset, list, path, profile]) verb.register(config, deps);
}
