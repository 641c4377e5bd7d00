// Ending a long-running command cleanly (`messages list --follow`): SIGINT (Ctrl-C) and SIGTERM abort a
// signal instead of killing the process, so the command finishes its output and main() closes the
// store. Listening starts when asked and stops with dispose(): other commands keep Node's default.

/**
 * A second signal this soon after the first is the first one re-raised: atomically (under conf, once
 * the config was read) catches SIGINT/SIGTERM in an exit hook and sends it to the process again.
 */
const RERAISED_WITHIN_MS = 1000;

export interface Interruption {
  /** Aborted with the signal's name as its reason. */
  signal: AbortSignal;
  /** Stops listening (a second Ctrl-C then kills the process as usual). */
  dispose(): void;
}

const exitAtOnce = (name: NodeJS.Signals) => process.exit(name === 'SIGINT' ? 130 : 143);

/**
 * The first signal aborts; a second one (not the first re-raised) calls `onSecond`, by default exiting
 * at once with 130 or 143.
 */
export function listenForInterrupt(
  now: () => number = Date.now,
  onSecond: (name: NodeJS.Signals) => void = exitAtOnce,
): Interruption {
  const controller = new AbortController();
  let first = 0;
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      first = now();
      controller.abort(name);
    } else if (now() - first > RERAISED_WITHIN_MS) {
      onSecond(name);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
