// `wabox resolve <contact>`: mark a conversation resolved, and ask the customer to rate it when csat
// questions are on (with no delay here; otherwise the receiver asks when the delay has passed).
import type { Command } from 'commander';
import type { Deps } from '../cli/deps.js';
import { warn } from '../cli/output.js';
import { CSAT_SETTINGS_KEY, normalizeCsat } from '../core/csat.js';
import type { Store } from '../store/store.js';
import { type ConversationChange, changed, resolveKnownContact } from './inbox/shared.js';
import { type CsatJson, csatJson } from './inbox/show.js';
import { type ConversationStatusOptions, registerStatusCommand } from './shared/conversation-status.js';

/** `resolve --json`: {changed, conversation} and the satisfaction question this resolution scheduled. */
export interface ResolveResult extends ConversationChange {
  /** Null when csat questions are off, nothing changed, or this period's question exists already. */
  csat: CsatJson | null;
}

export function register(program: Command, deps: Deps): void {
  registerStatusCommand(program, deps, {
    name: 'resolve',
    description: 'mark a conversation resolved (a new message from the customer reopens it)',
    done: 'resolved',
    already: 'already resolved',
    listed: 'resolved',
    run: runResolve,
  });
}

export async function runResolve(options: ConversationStatusOptions, deps: Deps): Promise<ResolveResult> {
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  const didChange = await store.setConversationStatus(waId, 'resolved');
  const csat = didChange ? await askToRate(deps, store, waId) : null;
  return { ...(await changed(deps, store, waId, didChange)), csat };
}

/** Schedules the question of this resolution; without a delay, sends it now. */
async function askToRate(deps: Deps, store: Store, waId: string): Promise<CsatJson | null> {
  const settings = normalizeCsat(await store.getSetting(CSAT_SETTINGS_KEY));
  if (!settings.on) return null;
  const resolvedAt = deps.clock();
  const question = await store.csat.schedule(waId, {
    resolvedAt,
    dueAt: new Date(resolvedAt.getTime() + settings.delayMinutes * 60_000),
  });
  if (question === null || settings.delayMinutes > 0) return question && csatJson(question);
  const { csatSender } = await import('./webhook/receiver.js');
  const sent = await (await csatSender(deps, store)).ask(question);
  if (sent.state === 'skipped') warn(deps.io, `the satisfaction question was not sent: ${sent.reason}`);
  const [now] = (await store.csat.list({ waId })).filter((q) => q.id === question.id);
  return csatJson(now ?? question);
}
