// Who gets a new conversation (`wabox config set assign round-robin|least-open`): agents who are
// available and within their hours at the customer's message, in name order.

import type { AssignPolicy } from './assign-policy.js';
import { type BusinessHours, isOpen, type WeekSchedule } from './hours.js';

export { ASSIGN_POLICIES, type AssignPolicy } from './assign-policy.js';

export interface AssignableAgent {
  name: string;
  available: boolean;
  /** Null: always within hours. */
  week: WeekSchedule | null;
  timeZone: string;
}

/** The agents who can take a conversation at `at`, by name. */
export function eligibleAgents(agents: readonly AssignableAgent[], at: Date): string[] {
  return agents
    .filter((a) => {
      if (!a.available) return false;
      if (a.week === null) return true;
      const hours: BusinessHours = { timeZone: a.timeZone, week: a.week, closed: [] };
      return isOpen(hours, at);
    })
    .map((a) => a.name)
    .sort();
}

/**
 * The agent a policy picks among `eligible` (sorted): round-robin the first after `last` (wrapping),
 * least-open the one with the fewest open conversations (ties by name); null for manual or nobody.
 */
export function pickAgent(
  policy: AssignPolicy,
  eligible: readonly string[],
  last: string | null,
  openCounts: ReadonlyMap<string, number>,
): string | null {
  if (policy === 'manual' || eligible.length === 0) return null;
  if (policy === 'round-robin') return eligible.find((name) => last === null || name > last) ?? eligible[0]!;
  let best = eligible[0]!;
  for (const name of eligible) if ((openCounts.get(name) ?? 0) < (openCounts.get(best) ?? 0)) best = name;
  return best;
}
