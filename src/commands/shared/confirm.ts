// A destructive command's consent: --yes, or a question on a terminal; in a pipe without --yes, a usage
// error naming the flag (DESIGN.md §2), raised before anything is changed.
import type { Deps } from '../../cli/deps.js';
import { invalidInput, WaboxError } from '../../core/errors.js';

/** Throws unless the user may be asked or passed --yes: call before doing any work. */
export function requireConsent(deps: Deps, yes: boolean | undefined, what: string): void {
  if (yes || deps.io.canPrompt) return;
  throw invalidInput(`refusing to ${what} without --yes`, {
    code: 'usage.confirm',
    hint: 'pass --yes (nobody can be asked: not a terminal or --no-input)',
  });
}

/** Asks (unless --yes); a "no" cancels (exit 130) with nothing changed. */
export async function confirmOrCancel(deps: Deps, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  const ok = await (await deps.prompt()).confirm({ message: question, default: false });
  if (!ok) throw new WaboxError('cancelled', 'nothing was changed', { code: 'cancelled' });
}
