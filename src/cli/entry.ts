import { createDeps } from './deps.js';
import { createProcessIO } from './io.js';
import { main } from './main.js';

/** The process entry point used by bin/wabox.js. */
export async function run(): Promise<void> {
  const io = createProcessIO(process.env);
  // a closed pipe (`wabox ... | head -1`) is a normal end for a Unix tool, not a crash
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const deps = createDeps(io, process.env);
  const code = await main(process.argv.slice(2), deps);
  process.exitCode = code;
}
