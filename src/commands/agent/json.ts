// `agent add|list|set --json`'s shape, apart from ./shared.ts: it loads the hours (luxon), which the
// commands import only when they run.
import { formatWeek, isOpen } from '../../core/hours.js';
import type { AgentRecord } from '../../store/store.js';

/** `agent add|list|set --json`: part of the interface, keep it stable. */
export interface AgentJson {
  name: string;
  email: string | null;
  /** The week as specs ("mon-fri 09:00-17:00"); null: always within hours. */
  hours: string[] | null;
  timeZone: string;
  available: boolean;
  /** Whether now (the command's clock) falls within the agent's hours. */
  withinHours: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toAgentJson(a: AgentRecord, now: Date): AgentJson {
  return {
    name: a.name,
    email: a.email,
    hours: a.week === null ? null : formatWeek(a.week),
    timeZone: a.timeZone,
    available: a.available,
    withinHours: a.week === null || isOpen({ timeZone: a.timeZone, week: a.week, closed: [] }, now),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
