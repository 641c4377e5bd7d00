// The whole CLI with every command registered: what tests drive. The process entry (entry.ts) calls
// program.ts itself, to register only the command it runs when it can (bench/startup.mjs).
import type { Command } from 'commander';
import { registerCommands } from './commands.js';
import type { Deps } from './deps.js';
import * as program from './program.js';

export function buildProgram(deps: Deps): Command {
  return program.buildProgram(deps, registerCommands);
}

/** Runs one invocation; program.ts turns errors into exit codes. */
export function main(argv: readonly string[], deps: Deps): Promise<number> {
  return program.main(argv, deps, registerCommands);
}
