import { type Command, Option } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, emitLine, note } from '../../cli/output.js';
import { contactLabel, isBsuid } from '../../core/contact-id.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { invalidInput } from '../../core/errors.js';
import { localTime, oneLine, truncate } from '../../core/text.js';
import type {
  ContactRecord,
  Direction,
  ListedMessage,
  MessageFilter,
  MessageRecord,
  MessageStatus,
  Store,
} from '../../store/store.js';
import { DEFAULT_FOLLOW_POLL_MS } from '../../store/store.js';
import { resolveContactArg } from '../shared/contact-arg.js';
import { followUntilInterrupted } from '../shared/follow.js';
import { parseLimit } from '../shared/int-arg.js';
import { nextPageCommand } from '../shared/next-page.js';

export interface MessagesListOptions {
  to?: string;
  /** Messages from this contact: --to plus --direction in. */
  from?: string;
  direction?: string;
  follow?: boolean;
  country?: string;
  since?: string;
  status?: string;
  limit?: string;
  before?: string;
  json?: boolean;
  ndjson?: boolean;
}

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'accepted',
  'failed',
  'sent',
  'delivered',
  'read',
  'played',
  'received',
];
const MAX_LIMIT = 100_000;
/** How often --follow looks for new messages on SQLite (PostgreSQL tells it: LISTEN/NOTIFY). */
export const FOLLOW_INTERVAL_MS = DEFAULT_FOLLOW_POLL_MS;
/** Messages --ndjson reads per query: its memory does not grow with the number written. */
const STREAM_PAGE = 1000;

export function register(parent: Command, deps: Deps): void {
  parent
    .command('list')
    .alias('ls')
    .description(
      'list recorded messages, newest first (a table on a terminal, tab-separated lines in a pipe)',
    )
    .option(
      '--to <contact>',
      'only messages with this contact, both ways (any phone form, as for wabox link, a BSUID or @username)',
    )
    .option('--from <contact>', 'only messages from this contact (--to <contact> --direction in)')
    .addOption(
      new Option('--direction <dir>', 'only inbound (in) or outbound (out) messages').choices(['in', 'out']),
    )
    .option(
      '-c, --country <code>',
      'region for a --to or --from number without a country code; default: config default-country',
    )
    .option(
      '--since <when>',
      'only messages since a time (2025-06-01, 2025-06-01T09:00+05:30) or a duration back (30m, 24h, 7d)',
    )
    .addOption(new Option('--status <status>', 'only messages with this status').choices(MESSAGE_STATUSES))
    .option('-n, --limit <n>', `at most this many, newest first (default 50, at most ${MAX_LIMIT})`)
    .option(
      '--before <cursor>',
      'only messages older than this cursor (from a --json row, or the "more:" line after a page)',
    )
    .option(
      '-f, --follow',
      'stream new messages as NDJSON until Ctrl-C (first the stored ones, oldest first, with --since or --limit)',
    )
    .option(
      '--json',
      'print an array of {id, direction, waId, userId, parentUserId, username, type, text, timestamp, status, error, replyTo, reason, pricing, cursor}',
    )
    .option(
      '--ndjson',
      'stream one JSON object per line, newest first: every message (or --limit), in constant memory',
    )
    .addHelpText(
      'after',
      `
Examples:
  wabox messages list
  wabox messages list --to +919876543210 --since 24h
  wabox messages list --to "07700 900123" --country GB --limit 10
  wabox messages list --status failed --since 7d --json
  wabox messages list --from +919876543210 --since 7d
  wabox messages list --direction in --json
  wabox messages list | cut -f3 | sort -u          # contacts written to
  wabox messages list --follow --direction in | jq -r .text
  wabox messages list --follow --since 1h          # the last hour, then new ones
  wabox messages list --ndjson > all.ndjson         # every message, any number of them
  wabox messages list --limit 100 --before misp1ds0.16   # the page after that cursor

Lines in a pipe: time (ISO 8601), direction (in/out), waId, type, status, text (one line; - when none).
--follow writes one JSON object per line (the --json fields) for each message stored after it started,
in the order they were stored; it works while wabox webhook serve (one or several) writes to the same store.
On SQLite it checks the file every ${FOLLOW_INTERVAL_MS} ms; on PostgreSQL it does not poll: each commit notifies it
(LISTEN/NOTIFY), so messages come in the order they were committed. Status changes of messages already
printed are not repeated. Ctrl-C ends it with exit code 130 (SIGTERM: 0), after everything read has been printed.`,
    )
    .action(async (flags: MessagesListOptions) => {
      if (flags.ndjson) {
        await runMessagesStream(flags, deps);
        return;
      }
      if (flags.follow) {
        if (deps.io.isStderrTTY) note(deps.io, 'following new messages (Ctrl-C to stop)…');
        await followUntilInterrupted(deps, (signal) => runMessagesFollow(flags, deps, signal));
        return;
      }
      const { messages, more } = await runMessagesPage(flags, deps);
      if (!flags.json && messages.length === 0) {
        note(deps.io, 'no messages');
        return;
      }
      const table = deps.io.isStdoutTTY && !flags.json ? await renderTable(messages, deps) : '';
      emit(deps, flags, messages, (list) => table || list.map(line).join('\n'));
      if (more && deps.io.isStdoutTTY && !flags.json)
        note(
          deps.io,
          `more: ${nextPageCommand('wabox messages list', flags, ['to', 'from', 'direction', 'country', 'since', 'status', 'limit'], messages.at(-1)!.cursor)}`,
        );
    });
}

/**
 * A message in `messages list --json`: the stored record with the contact's identifiers, `waId` being
 * the phone in digits (null for a customer known only by BSUID or username).
 */
export type MessageJson = Omit<MessageRecord, 'waId'> & {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  /** Its position: `--before <cursor>` lists the messages after it. */
  cursor: string;
};

export async function runMessagesList(options: MessagesListOptions, deps: Deps): Promise<MessageJson[]> {
  return (await runMessagesPage(options, deps)).messages;
}

/** A page of messages, newest first, and whether older ones exist beyond it. */
export async function runMessagesPage(
  options: MessagesListOptions,
  deps: Deps,
): Promise<{ messages: MessageJson[]; more: boolean }> {
  const filter = await messageFilter(options, deps);
  const store = await deps.store();
  const limit = filter.limit!;
  const rows = await store.listMessages({ ...filter, limit: limit + 1 });
  const withIds = contactIds(store);
  return { messages: await Promise.all(rows.slice(0, limit).map(withIds)), more: rows.length > limit };
}

/**
 * `--ndjson`: every message matching the filters (at most --limit when given), newest first, one JSON
 * object per line, read a page at a time through the cursor. Returns how many were written.
 */
export async function runMessagesStream(options: MessagesListOptions, deps: Deps): Promise<number> {
  const filter = await messageFilter(options, deps);
  const store = await deps.store();
  let left = options.limit === undefined ? Number.POSITIVE_INFINITY : filter.limit!;
  let before = filter.before;
  let count = 0;
  while (left > 0) {
    const page = await store.listMessages({ ...filter, before, limit: Math.min(STREAM_PAGE, left) });
    // a contact cache per page, so that memory stays flat however many contacts the stream meets
    const withIds = contactIds(store);
    for (const m of page) emitLine(deps.io, await withIds(m));
    await deps.io.stdout.flush?.();
    count += page.length;
    left -= page.length;
    if (page.length < STREAM_PAGE) break;
    before = page.at(-1)!.cursor;
  }
  return count;
}

/** Adds each message's contact identifiers (each contact read once) and its cursor as text. */
function contactIds(store: Store): (m: ListedMessage) => Promise<MessageJson> {
  const contacts = new Map<string, Promise<ContactRecord | null>>();
  return async ({ id, direction, waId: key, cursor, ...rest }) => {
    if (!contacts.has(key)) contacts.set(key, store.getContact(key));
    const c = await contacts.get(key)!;
    const phone = c === null ? (isBsuid(key) ? null : key) : c.phone;
    return {
      id,
      direction,
      waId: phone,
      userId: c?.userId ?? (isBsuid(key) ? key : null),
      parentUserId: c?.parentUserId ?? null,
      username: c?.username ?? null,
      ...rest,
      cursor: encodeCursor(cursor),
    };
  };
}

/**
 * `--follow`: the stored messages first when --since or --limit is given (oldest first), then every
 * message committed after the start (store.followMessages: polled on SQLite every `intervalMs`, notified
 * on PostgreSQL), until `signal` aborts. One JSON object per line, as in `--json`. Returns how many were written.
 */
export async function runMessagesFollow(
  options: MessagesListOptions,
  deps: Deps,
  signal: AbortSignal,
  intervalMs = FOLLOW_INTERVAL_MS,
): Promise<number> {
  const filter = await messageFilter(options, deps);
  const store = await deps.store();
  // following starts before the backlog is read: nothing falls between the two, and a message stored in
  // between (in both) is printed once
  const follow = await store.followMessages(
    { waId: filter.waId, direction: filter.direction, status: filter.status, since: filter.since },
    { signal, pollMs: intervalMs },
  );
  const printed = new Set<string>();
  let count = 0;
  const withIds = contactIds(store);
  if (options.since !== undefined || options.limit !== undefined) {
    for (const m of (await store.listMessages(filter)).reverse()) {
      emitLine(deps.io, await withIds(m));
      printed.add(m.id);
      count++;
    }
    await deps.io.stdout.flush?.();
  }
  for await (const batch of follow) {
    for (const { seq, ...message } of batch) {
      if (printed.delete(message.id)) continue;
      emitLine(
        deps.io,
        await withIds({ ...message, cursor: { at: Date.parse(message.timestamp), id: seq } }),
      );
      count++;
    }
    await deps.io.stdout.flush?.();
  }
  return count;
}

async function messageFilter(options: MessagesListOptions, deps: Deps): Promise<MessageFilter> {
  const filter: MessageFilter = { limit: parseLimit(options.limit, MAX_LIMIT) };
  if (options.before !== undefined) {
    if (options.follow)
      throw invalidInput('--before lists older messages: it does not go with --follow', {
        code: 'usage.conflict',
      });
    filter.before = decodeCursor(options.before);
  }
  if (options.ndjson && (options.follow || options.json))
    throw invalidInput(`--ndjson does not go with ${options.follow ? '--follow' : '--json'}`, {
      code: 'usage.conflict',
      hint: '--ndjson streams stored messages; --follow streams new ones; --json prints one array',
    });
  if (options.direction !== undefined) {
    if (options.direction !== 'in' && options.direction !== 'out')
      throw invalidInput(`--direction must be in or out, got "${options.direction}"`, {
        code: 'usage.bad_direction',
      });
    filter.direction = options.direction as Direction;
  }
  if (options.from !== undefined) {
    if (options.to !== undefined)
      throw invalidInput('give --to or --from, not both', {
        code: 'usage.conflict',
        hint: '--from <phone> is --to <phone> --direction in',
      });
    if (filter.direction === 'out')
      throw invalidInput('--from lists inbound messages: it does not go with --direction out', {
        code: 'usage.conflict',
        hint: 'for messages sent to a contact: --to <phone> --direction out',
      });
    filter.direction = 'in';
  }
  const contact = options.from ?? options.to;
  if (contact !== undefined) {
    filter.waId = (await resolveContactArg(deps, contact, { country: options.country, known: true })).waId;
  }
  if (options.since !== undefined) {
    const { parseSince } = await import('../../core/time.js');
    const since = parseSince(options.since, deps.clock());
    if (since === null)
      throw invalidInput(`--since "${options.since}" is neither a time nor a duration`, {
        code: 'usage.bad_since',
        hint: 'use an ISO 8601 time (2025-06-01, 2025-06-01T09:00+05:30) or a duration (30m, 24h, 7d, 2w)',
      });
    filter.since = since;
  }
  if (options.status !== undefined) {
    if (!MESSAGE_STATUSES.includes(options.status as MessageStatus))
      throw invalidInput(`unknown status "${options.status}"`, {
        code: 'usage.bad_status',
        hint: `one of: ${MESSAGE_STATUSES.join(', ')}`,
      });
    filter.status = options.status as MessageStatus;
  }
  return filter;
}

function shown(m: MessageJson): string {
  return contactLabel({ waId: m.userId ?? '', phone: m.waId, userId: m.userId, username: m.username });
}

function line(m: MessageJson): string {
  return [m.timestamp, m.direction, m.waId ?? shown(m), m.type, m.status, m.text === null ? '-' : m.text]
    .map(oneLine)
    .join('\t');
}

async function renderTable(messages: MessageJson[], deps: Deps): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const cells = messages.map((m) => [
    localTime(m.timestamp),
    m.direction === 'out' ? '→ out' : '← in',
    oneLine(shown(m)),
    oneLine(m.type),
    m.error?.code != null ? `${m.status} (${m.error.code})` : m.status,
  ]);
  const heads = ['TIME', 'DIR', 'CONTACT', 'TYPE', 'STATUS'];
  const widths = heads.map(
    (h, i) => Math.max(h.length, ...cells.map((c) => [...(c[i] as string)].length)) + 2,
  );
  const textWidth = Math.max(20, deps.io.columns - widths.reduce((a, b) => a + b, 0) - 8);
  const table = new Table({
    head: [...heads, 'TEXT'],
    colWidths: [...widths, textWidth],
    style: { head: deps.io.color ? ['cyan'] : [], border: deps.io.color ? ['grey'] : [] },
  });
  messages.forEach((m, i) => {
    table.push([...(cells[i] as string[]), m.text === null ? '' : truncate(m.text, textWidth - 3)]);
  });
  return table.toString();
}
