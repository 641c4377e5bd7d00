import { createDeps } from './deps.js';
import { createProcessIO } from './io.js';
import { main, type Registrar } from './program.js';

/**
 * Commands that run with only themselves registered: starting them neither loads nor wires the other
 * commands (bench/startup.mjs). Any other first word, root help, `help <command>` and `completion` (which
 * reads the whole command tree) register every command.
 */
const ALONE: Readonly<Record<string, () => Promise<Registrar>>> = {
  link: async () => (await import('../commands/link.js')).register,
  inspect: async () => (await import('../commands/inspect.js')).register,
  qr: async () => (await import('../commands/qr.js')).register,
};

/** The process entry point used by bin/wabox.js. */
export async function run(): Promise<void> {
  const io = createProcessIO(process.env);
  const deps = createDeps(io, process.env);
  const argv = process.argv.slice(2);
  const name = commandName(argv);
  const alone = name !== undefined && Object.hasOwn(ALONE, name) ? ALONE[name] : undefined;
  const register = alone ? await alone() : (await import('./commands.js')).registerCommands;
  process.exitCode = await main(argv, deps, register);
}

/**
 * The first word that is not a global option or the value of one; undefined when there is none. Read by
 * hand because commander finds the command only once every command is registered, the cost ALONE saves.
 */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return argv[i + 1];
    if (arg === '--profile') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
