// Ending a long-running command cleanly (`messages list --follow`): SIGINT (Ctrl-C) and SIGTERM abort a
// signal instead of killing the process, so the command finishes its output and main() closes the
// store. Listening starts when asked and stops with dispose(): other commands keep Node's default.

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Interruption {
  /** Aborted with the signal's name as its reason. */
  signal: AbortSignal;
  /** Stops listening (a second Ctrl-C then kills the process as usual). */
  dispose(): void;
}

export function listenForInterrupt(): Interruption {
  const controller = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (controller.signal.aborted) {
        // a second signal while finishing: give up at once, as without a handler
        process.exit(name === 'SIGINT' ? 130 : 143);
      }
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
