// Who runs this command, for `inbox --mine`, `assign --me` and a note's author: --as > WABOX_AGENT >
// the profile's agent-name.
import type { Deps } from '../../cli/deps.js';
import { normalizeAgent } from '../../core/label.js';

export const IDENTITY_HINT =
  'say who you are with --as <agent>, or WABOX_AGENT=<agent>, or once: wabox config set agent-name <name>';

/** The current agent's name, normalised; undefined when none of the three sources gives one. */
export async function currentAgent(deps: Deps, as: string | undefined): Promise<string | undefined> {
  const name = as ?? (deps.env.WABOX_AGENT || undefined) ?? (await deps.config()).get('agent-name');
  return name === undefined ? undefined : normalizeAgent(name);
}
