// What the --follow commands share (`messages list --follow`, `inbox --follow`): they run until Ctrl-C
// or SIGTERM, finish what they read, and exit 130 after Ctrl-C (a cancel, DESIGN §4), 0 after SIGTERM.
import type { Deps } from '../../cli/deps.js';
import { listenForInterrupt } from '../../cli/signals.js';

export async function followUntilInterrupted(
  deps: Deps,
  follow: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const stop = listenForInterrupt();
  try {
    await follow(stop.signal);
  } finally {
    stop.dispose();
  }
  if (stop.signal.reason === 'SIGINT') deps.exitCode = 130;
}
