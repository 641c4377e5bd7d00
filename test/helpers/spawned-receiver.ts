// The built `wabox webhook serve` as a child process (its own event loop, killable with SIGKILL), for the
// crash and multi-receiver tests. killSpawned() in an afterEach ends whatever a test left running.
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

export function killSpawned(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Starts the receiver with `env` on an ephemeral port; resolves with its URL once it logs "listening". */
export async function serve(env: Record<string, string>, args: readonly string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'webhook', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /"url":"([^"]+)".*"msg":"listening"/.exec(err);
      if (m) resolve(m[1]!);
    });
    exited.then(() => reject(new Error(`the receiver exited before listening:\n${err}`)));
    setTimeout(() => reject(new Error(`no listening line within 15 s:\n${err}`)), 15_000).unref();
  });
  return { child, url, stderr: () => err, exited };
}

/** A graceful stop (SIGTERM: the requests in flight are finished); resolves once it exited. */
export function stopServed(served: Served): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  served.child.kill('SIGTERM');
  return served.exited;
}
