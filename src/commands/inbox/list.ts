// `wabox inbox`: one line per conversation, most recent activity first; the ones waiting for a person
// stand out (red on a terminal) with how long the customer has waited.
import type { ChalkInstance } from 'chalk';
import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, emitLine, note } from '../../cli/output.js';
import { decodeCursor } from '../../core/cursor.js';
import { invalidInput } from '../../core/errors.js';
import { normalizeAgent, normalizeLabel } from '../../core/label.js';
import { formatDuration, localTime, oneLine, truncate } from '../../core/text.js';
import {
  type ConversationFilter,
  type ConversationRecord,
  DEFAULT_FOLLOW_POLL_MS,
} from '../../store/store.js';
import { currentAgent, IDENTITY_HINT } from '../shared/current-agent.js';
import { followUntilInterrupted } from '../shared/follow.js';
import { parseLimit } from '../shared/int-arg.js';
import { nextPageCommand } from '../shared/next-page.js';
import {
  type InboxConversation,
  knownName,
  loadSla,
  stdoutStyle,
  toInboxConversation,
  who,
  windowText,
} from './shared.js';

export interface InboxListOptions {
  unread?: boolean;
  unanswered?: boolean;
  label?: string;
  status?: string;
  assigned?: string;
  unassigned?: boolean;
  /** --assigned <me>: see shared/current-agent.ts */
  mine?: boolean;
  as?: string;
  limit?: string;
  before?: string;
  follow?: boolean;
  json?: boolean;
}

const MAX_LIMIT = 10_000;
/** A profile name is cut on a terminal (WhatsApp's are short; a webhook's may be anything). */
export const NAME_COLUMNS = 40;

/** Adds the list's options and action to the `inbox` command itself (`wabox inbox [filters]`). */
export function register(inbox: Command, deps: Deps): void {
  inbox
    .option('--unread', 'only conversations with unread messages')
    .option('--unanswered', 'only conversations waiting for a reply from a person')
    .option('--label <label>', 'only contacts with this label')
    .addOption(
      new Option('--status <status>', 'only open or only resolved conversations').choices([
        'open',
        'resolved',
      ]),
    )
    .option('--assigned <agent>', 'only conversations assigned to this agent')
    .option('--unassigned', 'only conversations assigned to nobody')
    .option('--mine', 'only conversations assigned to you (--as, WABOX_AGENT or config agent-name)')
    .option('--as <agent>', 'who you are, for --mine')
    .option('-n, --limit <n>', `at most this many, most recent first (default 50, at most ${MAX_LIMIT})`)
    .option(
      '--before <cursor>',
      'only conversations after this cursor (from a --json row, or the "more:" line after a page)',
    )
    .option(
      '-f, --follow',
      'then print each conversation that changes (assigned, resolved, a new message, ...) until Ctrl-C',
    )
    .option('--json', 'print an array of conversations (see README: Inbox commands)')
    .action(async (flags: InboxListOptions) => {
      if (flags.follow) {
        await followUntilInterrupted(deps, (signal) => runInboxFollow(flags, deps, signal));
        return;
      }
      const { conversations: list, more } = await runInboxPage(flags, deps);
      if (!flags.json && list.length === 0) {
        note(deps.io, 'no conversations');
        return;
      }
      emit(deps, flags, list, (l) => {
        if (!deps.io.isStdoutTTY) return l.map(pipeLine).join('\n');
        const s = stdoutStyle(deps);
        return l.map((c) => ttyLine(c, s, deps.io.columns)).join('\n');
      });
      if (more && deps.io.isStdoutTTY && !flags.json)
        note(
          deps.io,
          `more: ${nextPageCommand('wabox inbox', flags, ['unread', 'unanswered', 'unassigned', 'mine', 'label', 'status', 'assigned', 'as', 'limit'], list.at(-1)!.cursor!)}`,
        );
    });
}

export async function runInboxList(options: InboxListOptions, deps: Deps): Promise<InboxConversation[]> {
  return (await runInboxPage(options, deps)).conversations;
}

/** A page of the inbox and whether more conversations follow it. */
export async function runInboxPage(
  options: InboxListOptions,
  deps: Deps,
): Promise<{ conversations: InboxConversation[]; more: boolean }> {
  const { filter, limit } = await inboxFilter(options, deps);
  const store = await deps.store();
  const now = deps.clock();
  const rows = await store.listConversations({ ...filter, limit: limit + 1 });
  const sla = await loadSla(deps);
  return {
    conversations: rows.slice(0, limit).map((c) => toInboxConversation(c, now, sla)),
    more: rows.length > limit,
  };
}

/** Fields that change with the clock alone: a row is printed again only when something else changed. */
const CLOCK_FIELDS = ['windowOpen', 'windowRemainingMs', 'waitingMs', 'slaRemainingMs', 'slaState'] as const;
/** Changed conversations read per query. */
const FOLLOW_CHUNK = 500;

/**
 * `inbox --follow`: first the inbox (oldest activity first, so the latest is nearest to what follows; on
 * a terminal always, in NDJSON only with --limit), then each conversation that changes and matches the
 * filters, until `signal` aborts: on a terminal as the inbox line, else one JSON object per line (the
 * `inbox --json` fields). A row is printed again only when more than its clock-derived times changed.
 * Returns how many rows were printed.
 */
export async function runInboxFollow(
  options: InboxListOptions,
  deps: Deps,
  signal: AbortSignal,
  intervalMs = DEFAULT_FOLLOW_POLL_MS,
): Promise<number> {
  if (options.before !== undefined)
    throw invalidInput('--before lists older conversations: it does not go with --follow', {
      code: 'usage.conflict',
      hint: '--follow starts from the latest conversations; --limit sets how many it shows first',
    });
  const { filter, limit } = await inboxFilter(options, deps);
  const store = await deps.store();
  const sla = await loadSla(deps);
  const human = deps.io.isStdoutTTY && !options.json;
  const s = stdoutStyle(deps);
  // following starts before the inbox is read: a change in between shows in both, and is printed once
  const follow = await store.followConversations({ signal, pollMs: intervalMs });
  const shown = new Map<string, string>();
  let count = 0;
  const print = (rows: ConversationRecord[]) => {
    const now = deps.clock();
    for (const row of rows) {
      const c = toInboxConversation(row, now, sla);
      const kept: Record<string, unknown> = { ...c };
      for (const field of CLOCK_FIELDS) delete kept[field];
      const fingerprint = JSON.stringify(kept);
      if (shown.get(row.waId) === fingerprint) continue;
      shown.set(row.waId, fingerprint);
      if (human) emit(deps, {}, c, () => ttyLine(c, s, deps.io.columns));
      else emitLine(deps.io, c);
      count++;
    }
  };
  if (human || options.limit !== undefined)
    print((await store.listConversations({ ...filter, limit })).reverse());
  await deps.io.stdout.flush?.();
  if (deps.io.isStderrTTY) note(deps.io, 'following changes to the inbox (Ctrl-C to stop)…');
  for await (const keys of follow) {
    for (let i = 0; i < keys.length; i += FOLLOW_CHUNK) {
      const chunk = keys.slice(i, i + FOLLOW_CHUNK);
      const rows = await store.listConversations({ ...filter, waIds: chunk, limit: chunk.length });
      // one that left the view (assigned away, label removed) is printed again when it comes back
      const still = new Set(rows.map((r) => r.waId));
      for (const key of chunk) if (!still.has(key)) shown.delete(key);
      print(rows.reverse());
    }
    await deps.io.stdout.flush?.();
  }
  return count;
}

/** The store filter of the inbox options (without the page's extra row) and the page size. */
async function inboxFilter(
  options: InboxListOptions,
  deps: Deps,
): Promise<{ filter: ConversationFilter; limit: number }> {
  const limit = parseLimit(options.limit, MAX_LIMIT);
  const filter: ConversationFilter = {};
  if (options.before !== undefined) filter.before = decodeCursor(options.before);
  if (options.unread) filter.unread = true;
  if (options.unanswered) filter.unanswered = true;
  if (options.status !== undefined) {
    if (options.status !== 'open' && options.status !== 'resolved')
      throw invalidInput(`--status must be open or resolved, got "${options.status}"`, {
        code: 'usage.bad_status',
      });
    filter.status = options.status;
  }
  if (options.label !== undefined) filter.label = normalizeLabel(options.label);
  if ([options.assigned !== undefined, options.unassigned, options.mine].filter(Boolean).length > 1)
    throw invalidInput('give one of --assigned <agent>, --unassigned or --mine', { code: 'usage.conflict' });
  if (options.as !== undefined && !options.mine)
    throw invalidInput('--as goes with --mine', {
      code: 'usage.conflict',
      hint: 'wabox inbox --mine --as <agent>',
    });
  if (options.assigned !== undefined) filter.assignee = normalizeAgent(options.assigned);
  if (options.unassigned) filter.assignee = null;
  if (options.mine) {
    const me = await currentAgent(deps, options.as);
    if (me === undefined)
      throw invalidInput('--mine needs to know who you are', { code: 'usage.no_agent', hint: IDENTITY_HINT });
    filter.assignee = me;
  }
  return { filter, limit };
}

/**
 * In a pipe, tab-separated: phone, name, status, assignee, labels (comma-separated), campaign, unread,
 * last message time (ISO 8601), window closes at (ISO 8601), waiting (ms), last message text, SLA state
 * (ok, at-risk, over); - when none.
 */
function pipeLine(c: InboxConversation): string {
  const dash = (v: string | number | null) => (v === null || v === '' ? '-' : String(v));
  return [
    who(c),
    dash(c.name),
    c.status,
    dash(c.assignee),
    dash(c.labels.join(',')),
    dash(c.campaign),
    String(c.unread),
    dash(c.lastMessage?.timestamp ?? null),
    dash(c.windowClosesAt),
    dash(c.waitingMs),
    dash(c.lastMessage === null ? null : truncate(c.lastMessage.text ?? `[${c.lastMessage.type}]`, 200)),
    dash(c.slaState),
  ]
    .map(oneLine)
    .join('\t');
}

/**
 * On a terminal: ● Asha Rao +919876543210 · 2 unread · 2025-06-10 13:05 ← "Is the cake ready?" ·
 * waiting 2h 05m · SLA 12m left · window 21h 55m left · vip, order · campaign diwali · @ravi. Unanswered: red.
 */
function ttyLine(c: InboxConversation, s: ChalkInstance, columns: number): string {
  const name = knownName(c);
  const customer = name === null ? who(c) : `${truncate(name, NAME_COLUMNS)} ${s.dim(who(c))}`;
  const parts: string[] = [];
  if (c.unread > 0) parts.push(s.bold(`${c.unread} unread`));
  if (c.unanswered) parts.push(s.bold(`waiting ${formatDuration(c.waitingMs ?? 0)}`));
  if (c.slaRemainingMs !== null)
    parts.push(
      s.bold(
        c.slaState === 'over'
          ? `over SLA by ${formatDuration(-c.slaRemainingMs)}`
          : `SLA ${formatDuration(c.slaRemainingMs)} left`,
      ),
    );
  parts.push(`window ${windowText(c)}`);
  if (c.labels.length > 0) parts.push(c.labels.map((l) => `#${oneLine(l).replace(/ /g, '_')}`).join(' '));
  if (c.campaign !== null) parts.push(`campaign ${oneLine(c.campaign)}`);
  if (c.referral !== null && c.campaign === null) parts.push('ad referral');
  if (c.assignee !== null) parts.push(`@${oneLine(c.assignee)}`);
  if (c.status === 'resolved') parts.push('resolved');
  if (c.handoffAt !== null) parts.push('hand-off');
  let last = '';
  if (c.lastMessage !== null) {
    const arrow = c.lastMessage.direction === 'in' ? '←' : '→';
    const text = c.lastMessage.text ?? `[${c.lastMessage.type}]`;
    last = `${localTime(c.lastMessage.timestamp)} ${arrow} ${truncate(text, Math.max(20, Math.min(60, columns - 40)))}`;
  }
  const marker = c.unanswered ? '●' : c.unread > 0 ? '•' : ' ';
  const head = `${marker} ${customer}`;
  const line = [head, ...parts, ...(last === '' ? [] : [last])].join(' · ');
  if (c.unanswered) return s.red(line);
  return c.status === 'resolved' ? s.dim(line) : line;
}
