// The commander program and the one place that turns errors into exit codes. main.ts runs it with every
// command (what tests use); entry.ts, the process entry, registers only the command being run when it
// can, so that `wabox link` neither loads nor wires the other commands (bench/startup.mjs).
import { Command, CommanderError, Help, Option } from 'commander';
import { WaboxError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import type { Deps } from './deps.js';
import { ExitCode, exitCodeOf, formatError } from './errors.js';
import { decideColor } from './io.js';
import { loadStyle } from './output.js';

/** Adds the commands to the program: every one (commands.ts), or only the one being run (entry.ts). */
export type Registrar = (program: Command, deps: Deps) => void;

export function buildProgram(deps: Deps, registerCommands: Registrar): Command {
  const program = new Command('wabox')
    .description(
      'WhatsApp for businesses from the terminal: links and QR codes, templates, the Cloud API, an inbox.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--no-color', 'plain output without colour (also NO_COLOR=1)'))
    .addOption(new Option('--no-input', 'never prompt; a missing value is an error'))
    .addOption(new Option('--profile <name>', 'use this configuration profile (also WABOX_PROFILE)'))
    .addOption(new Option('--debug', 'print stack traces for unexpected errors'))
    .showSuggestionAfterError(true)
    .configureHelp({
      showGlobalOptions: true,
      // commander's sortSubcommands compares with localeCompare, whose first call loads ICU's collation
      // data, slow to start; command names are ASCII, so code-unit order is the same order.
      visibleCommands(cmd) {
        return Help.prototype.visibleCommands
          .call(this, cmd)
          .sort((a, b) => (a.name() < b.name() ? -1 : a.name() > b.name() ? 1 : 0));
      },
    })
    .addHelpText(
      'after',
      `
Examples:
  wabox link +919876543210 --text "Hi! I'd like to order"
  wabox qr "+44 7700 900123" --text "Hello" -o shop-window.png
  wabox link --batch contacts.csv --text "Hi {{name}}" --output links.csv
  wabox inspect "https://wa.me/447700900123?text=Hello"

Exit codes: 0 ok, 1 failed, 2 usage, 3 config, 4 refused by WhatsApp, 5 transient, 6 not found, 130 cancelled.
Docs: README.md; every command has --help with examples.`,
    );
  program.hook('preAction', (_root, action) => {
    const globals = action.optsWithGlobals() as {
      color?: boolean;
      input?: boolean;
      profile?: string;
      debug?: boolean;
    };
    deps.globals.debug = Boolean(globals.debug);
    deps.globals.profile = globals.profile;
    if (globals.color === false) deps.io.color = decideColor(deps.env, deps.io.isStderrTTY, false);
    if (globals.input === false) deps.io.canPrompt = false;
  });
  // set before the commands are added: program.command() copies both into every subcommand it makes
  // (commander's copyInheritedSettings), cheaper than walking the tree afterwards (bench/startup.mjs)
  // and from deps.io, not commander's defaults, which build process.stdout and process.stderr (see
  // cli/io.ts)
  const { io } = deps;
  program.exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: () => {}, // main() prints every error through formatError
    getOutHelpWidth: () => (io.isStdoutTTY ? io.columns : 80),
    getErrHelpWidth: () => (io.isStderrTTY ? io.columns : 80),
    getOutHasColors: () => io.isStdoutTTY && io.color,
    getErrHasColors: () => io.color,
  });
  registerCommands(program, deps);
  return program;
}

/** Runs one invocation; the only place that turns errors into exit codes. */
export async function main(
  argv: readonly string[],
  deps: Deps,
  registerCommands: Registrar,
): Promise<number> {
  const program = buildProgram(deps, registerCommands);
  const mask = deps.mask;
  try {
    // chalk loads only when colour is on (output.ts)
    if (deps.io.color) await loadStyle();
    await program.parseAsync([...argv], { from: 'user' });
    return deps.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') {
        // `wabox` or `wabox config` alone: the help went to stderr; that is a usage error for scripts
        return ExitCode.usage;
      }
      const usage = new WaboxError('invalid-input', err.message.replace(/^error: /, ''), {
        code: 'usage',
        hint: 'see --help for usage and examples',
      });
      deps.io.stderr.write(formatError(usage, { json: jsonRequested(program), debug: false, mask }));
      return ExitCode.usage;
    }
    if (isPromptCancel(err)) {
      deps.io.stderr.write('cancelled\n');
      return ExitCode.cancelled;
    }
    await registerConfigSecrets(deps);
    deps.io.stderr.write(formatError(err, { json: jsonRequested(program), debug: deps.globals.debug, mask }));
    return exitCodeOf(err);
  } finally {
    // the store (if a command opened it) is closed however the command ended
    await deps.close().catch((err: unknown) => {
      deps.io.stderr.write(mask(`warning: closing the store failed: ${(err as Error).message}\n`));
    });
  }
}

/**
 * A command that took its settings from the environment never read the config file, so the secrets
 * in it are not registered with the masker yet; an error (a path, a dumped request) may still carry
 * one. Reading the file registers them all (every profile). A broken file registers nothing.
 */
async function registerConfigSecrets(deps: Deps): Promise<void> {
  try {
    (await deps.config()).profiles();
  } catch {
    // the error being reported may be this very one
  }
}

/**
 * Whether the command run was given --json, so its error is JSON too. Commander keeps an option's value
 * on the command that parsed it, and parses every option of the command before it reports one it does
 * not know.
 */
function jsonRequested(program: Command): boolean {
  const commands = [program];
  for (let c = commands.pop(); c !== undefined; c = commands.pop()) {
    if (c.getOptionValue('json') === true) return true;
    commands.push(...c.commands);
  }
  return false;
}

/** inquirer throws ExitPromptError when the user presses Ctrl-C at a prompt. */
function isPromptCancel(err: unknown): boolean {
  return err instanceof Error && err.name === 'ExitPromptError';
}
