// `wabox inbox show <contact>`: the thread, oldest first, with exact times, delivery statuses (failed
// ones with the error code and its meaning), quoted messages, automatic replies and internal notes; marks it read.
import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import type { Deps } from '../../cli/deps.js';
import { emit, note } from '../../cli/output.js';
import { ERROR_CODES } from '../../cloud/error-codes.js';
import { cutGraphemes, formatDuration, localTime, oneLine, safeLines, truncate } from '../../core/text.js';
import type {
  CsatRecord,
  CsatState,
  Direction,
  MessageStatus,
  StatusEventRecord,
} from '../../store/store.js';
import { runRead } from '../read.js';
import { contactArgument } from '../shared/contact-arg.js';
import { parseLimit } from '../shared/int-arg.js';
import {
  type InboxConversation,
  knownName,
  loadSla,
  resolveKnownContact,
  stdoutStyle,
  toInboxConversation,
  who,
} from './shared.js';

export interface InboxShowOptions {
  contact: string;
  country?: string;
  limit?: string;
  markRead?: boolean;
  json?: boolean;
}

/** `inbox show --json`: part of the interface. */
export interface InboxShowResult {
  /** The conversation after marking it read (unread 0). */
  conversation: InboxConversation;
  /** Oldest first: the latest --limit messages. */
  messages: ThreadMessageJson[];
  /** Older messages exist beyond --limit. */
  hasMore: boolean;
  /** How many of the customer's messages were marked read locally by this run. */
  markedRead: number;
  /** --mark-read: the receipt sent for the customer's last message; null without --mark-read or when they never wrote. */
  readReceipt: { id: string; success: boolean } | null;
  /** The contact's merges (two records found to be one person), oldest first. */
  merges: ContactMergeJson[];
  /** Internal notes (`wabox note`) in the thread's time span, oldest first; never messages. */
  notes: NoteJson[];
  /** Satisfaction questions of the conversation's resolutions, oldest first. */
  csat: CsatJson[];
}

/** A satisfaction question (`wabox autoreply set csat on`). Times ISO 8601 (UTC), null until they happen. */
export interface CsatJson {
  id: number;
  state: CsatState;
  /** 1..5; the three buttons 😞 😐 😀 are 1, 3, 5. */
  score: number | null;
  comment: string | null;
  /** The assignee when the conversation was resolved. */
  agent: string | null;
  resolvedAt: string;
  askedAt: string | null;
  answeredAt: string | null;
  /** Why it was skipped (window_closed: the customer's 24-hour window had closed). */
  reason: string | null;
}

export function csatJson(r: CsatRecord): CsatJson {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return {
    id: r.id,
    state: r.state,
    score: r.score,
    comment: r.comment,
    agent: r.agent,
    resolvedAt: r.resolvedAt.toISOString(),
    askedAt: iso(r.askedAt),
    answeredAt: iso(r.answeredAt),
    reason: r.reason,
  };
}

export interface NoteJson {
  id: number;
  /** The agent who wrote it; null when unknown. */
  author: string | null;
  text: string;
  /** ISO 8601 (UTC). */
  createdAt: string;
}

export interface ContactMergeJson {
  /** ISO 8601 (UTC). */
  at: string;
  /** The key of the record merged into this contact. */
  from: string | null;
  /** What showed the two to be one person (contacts, user_changed_number, contact_request, ...). */
  why: string | null;
}

export interface ThreadMessageJson {
  id: string;
  direction: Direction;
  type: string;
  text: string | null;
  /** ISO 8601 (UTC). */
  timestamp: string;
  /** Outbound: accepted, sent, delivered, read, played or failed. Inbound: received, or read once seen here. */
  status: MessageStatus;
  statusAt: string | null;
  /** Every status the webhook reported, by timestamp. */
  statuses: StatusEventRecord[];
  /** Why it failed: the Graph error code, its title and details, and what the code means. */
  error: ThreadError | null;
  /** The id of the message it quotes. */
  replyTo: string | null;
  /** That message, when the store has it (text cut to 80 characters). */
  quoted: QuotedJson | null;
  /** greeting, away or keyword:<rule> for an automatic reply; null for a person or the customer. */
  reason: string | null;
}

export interface ThreadError {
  code: number | null;
  title: string;
  details: string | null;
  /** What the code means (src/cloud/error-codes.ts), null for a code wabox does not know. */
  meaning: string | null;
  hint: string | null;
}

export interface QuotedJson {
  id: string;
  direction: Direction;
  type: string;
  text: string | null;
  timestamp: string;
}

const QUOTE_CHARS = 80;
const NAME_COLUMNS = 60;
const MAX_LIMIT = 10_000;

export function register(inbox: Command, deps: Deps): void {
  contactArgument(
    inbox
      .command('show')
      .description("a conversation's thread with exact times and delivery statuses; marks it read"),
  )
    .option('-n, --limit <n>', `the latest n messages (default 50, at most ${MAX_LIMIT})`)
    .option('--mark-read', "also send WhatsApp's read receipt (blue ticks) for the customer's last message")
    .option('--json', 'print {conversation, messages, notes, csat, hasMore, markedRead, readReceipt}')
    .addHelpText(
      'after',
      `
Examples:
  wabox inbox show +919876543210
  wabox inbox show "098765 43210" --country IN --limit 20
  wabox inbox show +919876543210 --mark-read
  wabox inbox show +919876543210 --json | jq '.messages[] | select(.status == "failed") | .error'

Times are local with seconds (ISO 8601 in --json). Showing a thread marks it read in the store
(unread 0); the customer sees blue ticks only with --mark-read. An unknown contact exits 6.`,
    )
    .action(async (contact: string, _flags: unknown, cmd: Command) => {
      // `inbox` has --json and --limit too: commander may hand them to the parent
      const flags = cmd.optsWithGlobals() as Omit<InboxShowOptions, 'contact'>;
      const result = await runInboxShow({ ...flags, contact }, deps);
      emit(deps, flags, result, (r) => human(r, stdoutStyle(deps)));
      if (!flags.json && result.hasMore)
        note(
          deps.io,
          `older messages not shown (the latest ${result.messages.length}); --limit <n> shows more`,
        );
    });
}

export async function runInboxShow(options: InboxShowOptions, deps: Deps): Promise<InboxShowResult> {
  const limit = parseLimit(options.limit, MAX_LIMIT);
  const { store, waId } = await resolveKnownContact(deps, options.contact, { country: options.country });
  let readReceipt: InboxShowResult['readReceipt'] = null;
  if (options.markRead) {
    // the receipt first: when WhatsApp refuses it, the conversation stays unread here too
    const [lastInbound] = await store.listMessages({ waId, direction: 'in', limit: 1 });
    if (lastInbound === undefined) note(deps.io, 'no message from the customer to mark as read');
    else {
      const receipt = await runRead({ messageId: lastInbound.id }, deps);
      readReceipt = { id: receipt.id, success: receipt.success };
    }
  }
  const markedRead = await store.markConversationRead(waId, deps.clock());
  // read after marking: the thread shows what is stored now
  const thread = await store.getThread(waId, limit);
  const quotedIds = [...new Set(thread.messages.flatMap((m) => (m.replyTo === null ? [] : [m.replyTo])))];
  const inPage = new Map(thread.messages.map((m) => [m.id, m]));
  const missing = quotedIds.filter((id) => !inPage.has(id));
  const quotedRecords = new Map([
    ...inPage,
    ...(await store.getMessages(missing)).map((m) => [m.id, m] as const),
  ]);

  const conversation = await store.getConversation(waId);
  const merges = (await store.contactEvents(waId))
    .filter((e) => e.kind === 'merge')
    .map((e) => ({ at: e.at, from: text(e.detail.from), why: text(e.detail.why) }));
  // the latest --limit notes, less those older than the oldest message shown when older messages are
  // left out: such a note would head a thread that does not show what it was about
  const from = thread.hasMore ? thread.messages[0]?.timestamp : undefined;
  const notes = (await store.notes(waId, { limit }))
    .filter((n) => from === undefined || n.createdAt >= from)
    .map((n) => ({ id: n.id, author: n.author, text: n.text, createdAt: n.createdAt }));
  const csat = (await store.csat.list({ waId })).map(csatJson);
  const now = deps.clock();
  return {
    merges,
    notes,
    csat,
    conversation: toInboxConversation(conversation!, now, await loadSla(deps)),
    hasMore: thread.hasMore,
    markedRead,
    readReceipt,
    messages: thread.messages.map((m) => {
      const quoted = m.replyTo === null ? undefined : quotedRecords.get(m.replyTo);
      const info = m.error?.code == null ? undefined : ERROR_CODES[m.error.code];
      return {
        id: m.id,
        direction: m.direction,
        type: m.type,
        text: m.text,
        timestamp: m.timestamp,
        status: m.status,
        statusAt: m.statusAt,
        statuses: m.statuses,
        error:
          m.error === null
            ? null
            : {
                code: m.error.code ?? null,
                title: m.error.title,
                details: m.error.details ?? null,
                meaning: info?.meaning ?? null,
                hint: info?.hint ?? null,
              },
        replyTo: m.replyTo,
        quoted:
          quoted === undefined
            ? null
            : {
                id: quoted.id,
                direction: quoted.direction,
                type: quoted.type,
                text: quoted.text === null ? null : cutGraphemes(quoted.text, QUOTE_CHARS),
                timestamp: quoted.timestamp,
              },
        reason: m.reason,
      };
    }),
  };
}

/** The header (who, status, window) and each message: a line with time, who and status, then the text. */
function human(r: InboxShowResult, s: ChalkInstance): string {
  const c = r.conversation;
  const lines: string[] = [];
  const name = knownName(c);
  const customer = name === null ? who(c) : truncate(name, NAME_COLUMNS);
  const ids = [who(c), ...(c.username !== null && c.phone !== null ? [`@${c.username}`] : [])].join(' ');
  lines.push(name === null ? s.bold(ids) : `${s.bold(customer)} ${ids}`);
  const facts: string[] = [c.status];
  if (c.assignee !== null) facts.push(`assigned to ${oneLine(c.assignee)}`);
  if (c.labels.length > 0) facts.push(`labels: ${c.labels.map(oneLine).join(', ')}`);
  if (c.campaign !== null) facts.push(`campaign ${oneLine(c.campaign)}`);
  if (c.referral !== null) facts.push('came from an ad');
  if (c.windowClosesAt === null) facts.push('no 24-hour window (the customer never wrote)');
  else if (c.windowOpen)
    facts.push(
      `window open until ${localTime(c.windowClosesAt, true)} (${formatDuration(c.windowRemainingMs ?? 0)} left)`,
    );
  else facts.push(`window closed at ${localTime(c.windowClosesAt, true)}: templates only`);
  if (c.handoffAt !== null) facts.push('handed off to a person');
  lines.push(facts.join(' · '));
  const rated = r.csat.at(-1);
  if (rated !== undefined) lines.push(csatLine(rated));
  if (c.unanswered) lines.push(s.red(`waiting for a reply for ${formatDuration(c.waitingMs ?? 0)}`));
  for (const m of r.merges)
    lines.push(
      s.dim(
        `merged ${oneLine(m.from ?? '?')} into this contact on ${localTime(m.at, true)} (${oneLine(m.why ?? '?')})`,
      ),
    );
  lines.push('');
  // notes interleave with the messages by time; a note at a message's millisecond comes after it
  let next = 0;
  const notesUntil = (at: string | null) => {
    for (; next < r.notes.length && (at === null || r.notes[next]!.createdAt < at); next++)
      lines.push(...noteLines(r.notes[next]!, s));
  };
  for (const m of r.messages) {
    notesUntil(m.timestamp);
    const who =
      m.direction === 'in'
        ? `← ${customer}`
        : m.reason === null
          ? '→ sent'
          : `→ automatic reply (${oneLine(m.reason)})`;
    const head = [s.dim(localTime(m.timestamp, true)), m.direction === 'in' ? s.cyan(who) : who];
    if (m.direction === 'out') head.push(statusText(m, s));
    if (m.type !== 'text') head.push(s.dim(`[${oneLine(m.type)}]`));
    lines.push(head.join('  '));
    if (m.replyTo !== null) {
      const q = m.quoted;
      lines.push(
        s.dim(
          q === null
            ? `    ↪ replying to a message not in the store (${m.replyTo})`
            : `    ↪ ${q.direction === 'in' ? customer : 'you'}: "${q.text === null ? `[${oneLine(q.type)}]` : truncate(q.text, QUOTE_CHARS)}"`,
        ),
      );
    }
    if (m.error !== null) {
      const code = m.error.code === null ? '' : `${m.error.code} `;
      const meaning = m.error.meaning ?? m.error.title;
      const details = m.error.details ? ` (${oneLine(m.error.details)})` : '';
      lines.push(s.red(`    ✗ ${code}${oneLine(meaning)}${details}`));
    }
    // a message without text (an image without caption, a location, ...) is its [type] on the first line;
    // a body keeps its line breaks, each line indented under its header so none can pass for a header
    if (m.text !== null && m.text !== '') for (const line of safeLines(m.text)) lines.push(`    ${line}`);
  }
  notesUntil(null);
  return lines.join('\n');
}

/** The latest satisfaction question: its answer and comment, or where it stands. */
function csatLine(q: CsatJson): string {
  switch (q.state) {
    case 'answered':
      return `satisfaction: ${q.score}/5${q.comment === null ? '' : ` "${truncate(oneLine(q.comment), QUOTE_CHARS)}"`} (answered ${localTime(q.answeredAt!, true)})`;
    case 'asked':
      return `satisfaction: asked ${localTime(q.askedAt!, true)}, no answer yet`;
    case 'pending':
      return 'satisfaction: to be asked';
    default:
      return `satisfaction: not asked (${oneLine(q.reason ?? 'skipped')})`;
  }
}

/** A note: its time and author where a message has its direction, then its text indented, all dimmed. */
function noteLines(n: NoteJson, s: ChalkInstance): string[] {
  const by = n.author === null ? '✎ note' : `✎ note by ${oneLine(n.author)}`;
  return [
    `${s.dim(localTime(n.createdAt, true))}  ${s.dim.italic(by)}`,
    ...safeLines(n.text).map((line) => s.dim.italic(`    ${line}`)),
  ];
}

function statusText(m: ThreadMessageJson, s: ChalkInstance): string {
  const at = m.statusAt === null || m.statusAt === m.timestamp ? '' : ` ${localTime(m.statusAt, true)}`;
  switch (m.status) {
    case 'failed':
      return s.red(`failed${at}`);
    case 'read':
    case 'played':
      return s.blue(`✓✓ ${m.status}${at}`);
    case 'delivered':
      return `✓✓ delivered${at}`;
    case 'sent':
      return `✓ sent${at}`;
    default:
      return s.dim(m.status);
  }
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
