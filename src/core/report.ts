// `wabox report`: the figures of a period, computed from what the store holds. Pure: the caller reads the
// store (store/report.ts) and passes the rows; the HTML (core/report-html.ts) renders this model and
// nothing else, so every figure it shows is in `report --json` too.
import { DateTime } from 'luxon';
import { businessSeconds } from './business-time.js';
import { type CostSummary, type PricedMessage, type RateCard, summarizeCosts } from './costs.js';
import { type BusinessHours, WEEKDAYS, type Weekday } from './hours.js';

/** A customer message after this long without any message starts a new conversation (WhatsApp's own span). */
export const CONVERSATION_GAP_MS = 24 * 3_600_000;
/** A campaign recipient who wrote within this long of the send replied. */
export const CAMPAIGN_REPLY_WINDOW_MS = 24 * 3_600_000;

export interface ReportMessage {
  id: string;
  waId: string;
  direction: 'in' | 'out';
  /** Epoch milliseconds. */
  at: number;
  status: string;
  /** Why wabox sent it by itself; null for a person's message (or a campaign's). */
  reason: string | null;
  /** A customer's tap on a satisfaction question: it waits for no answer and ends no resolution. */
  csatAnswer?: boolean;
}

export interface ReportConversation {
  waId: string;
  status: 'open' | 'resolved';
  assignee: string | null;
  /** The `wabox link --ref` code of the conversation. */
  campaign: string | null;
  labels: string[];
}

export interface ReportCampaign {
  name: string;
  ref: string | null;
  state: string;
  /** The wamids of its accepted sends. */
  wamids: string[];
  /** Recipients the API accepted, failed, and not sent yet (pending, sending, unknown). */
  accepted: number;
  failed: number;
  /** Accepted messages by their latest delivery status. */
  statuses: Record<string, number>;
  /** Recipients who wrote back within CAMPAIGN_REPLY_WINDOW_MS of their send. */
  replied: number;
}

export interface ReportInputs {
  /** Every message from `since - CONVERSATION_GAP_MS` (to see which conversations start) until `until`. */
  messages: ReportMessage[];
  /** The conversations of those messages' contacts. */
  conversations: ReportConversation[];
  /** Priced outbound messages sent in the period (with their wamid). */
  priced: Array<PricedMessage & { id: string }>;
  /** Campaigns that existed during the period. */
  campaigns: ReportCampaign[];
  /** Satisfaction questions of the period's resolutions (any others are left out). */
  csat: ReportCsatQuestion[];
}

export interface ReportCsatQuestion {
  waId: string;
  /** The conversation's assignee when it was resolved. */
  agent: string | null;
  /** Epoch milliseconds. */
  resolvedAt: number;
  state: 'pending' | 'asked' | 'answered' | 'skipped';
  answeredAt: number | null;
  /** 1..5. */
  score: number | null;
  comment: string | null;
}

export interface ReportOptions {
  since: Date;
  until: Date;
  /** Days, weekdays and hours are in this zone: the business's, else the machine's. */
  zone: string;
  hours: BusinessHours | undefined;
  /** The `sla.first-response` target; null when none is set. */
  targetMs: number | null;
  /** Only conversations assigned to this agent. */
  agent?: string | undefined;
  /** Only conversations with this ref (a campaign's ref, or a `wabox link --ref` code). */
  campaign?: string | undefined;
  /** The label that marks a conversation as a customer. */
  customerLabel: string;
  rates?: RateCard | undefined;
  generatedAt: Date;
}

/** How long something took, in business seconds: nearest-rank percentiles, so each is a time one really took. */
export interface DurationStats {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface FirstResponseStats extends DurationStats {
  /** Waits that started in the period and had no answer by its end. */
  unanswered: number;
  /** Answered within the target; null without a target. */
  withinTarget: number | null;
  /** withinTarget / count; null without a target or an answer. */
  withinTargetShare: number | null;
}

export interface ReportDay {
  /** YYYY-MM-DD in the report's zone. */
  date: string;
  /** The day's start, epoch seconds (what the charts' x axis uses). */
  start: number;
  /** Contacts with a message that day. */
  conversations: number;
  /** Conversations started that day: a customer message after 24 hours without any message. */
  started: number;
  inbound: number;
  /** Outbound messages sent by a person (send, reply, an echo from the WhatsApp Business app). */
  outPerson: number;
  /** Outbound automatic replies (greeting, away, keyword). */
  outAutomatic: number;
  /** Outbound campaign sends. */
  outCampaign: number;
  firstResponse: FirstResponseStats;
  resolution: DurationStats;
}

export interface ReportAgent {
  /** The conversation's assignee now; "(unassigned)" for none. */
  agent: string;
  conversations: number;
  firstResponse: FirstResponseStats;
  resolution: DurationStats;
}

export interface ReportRef {
  ref: string;
  /** Conversations with this ref that had a customer message in the period. */
  conversations: number;
  /** Of those, the ones with the customer label. */
  customers: number;
}

export interface ReportCampaignRow {
  name: string;
  ref: string | null;
  state: string;
  accepted: number;
  failed: number;
  /** Delivered or further (read, played). */
  delivered: number;
  read: number;
  replied: number;
  /** Conversations with its ref that had a customer message in the period, and of those, customers. */
  conversations: number;
  customers: number;
}

/** Satisfaction questions of resolutions (by the day resolved, or by the agent who had the conversation). */
export interface CsatStats {
  /** Resolutions that were to get a question. */
  questions: number;
  /** Questions sent, answered or not. */
  asked: number;
  answered: number;
  /** Not sent: outside the 24-hour window, or the send failed. */
  skipped: number;
  /** Not sent yet (a delay not over). */
  pending: number;
  /** Mean of the answers (1..5); null without one. */
  averageScore: number | null;
  /** Answers by score: scores[0] the 1s ... scores[4] the 5s. */
  scores: number[];
  /** answered / asked; null when none was asked. */
  responseRate: number | null;
  /** Answers of 4 or 5 / answered (the usual CSAT percentage); null without an answer. */
  satisfiedShare: number | null;
}

export interface ReportCsat {
  totals: CsatStats;
  days: Array<CsatStats & { date: string; start: number }>;
  agents: Array<CsatStats & { agent: string }>;
  /** Comments that followed an answer, oldest first; `at` is the answer's time. */
  comments: Array<{ at: string; agent: string; score: number; comment: string }>;
}

export interface Report {
  since: string;
  until: string;
  generatedAt: string;
  zone: string;
  filters: { agent: string | null; campaign: string | null; customerLabel: string };
  /** Whether business hours are set (else times are wall-clock). */
  businessHours: boolean;
  slaTargetSeconds: number | null;
  /** The period's figures, counted as each day's are. */
  totals: Omit<ReportDay, 'date' | 'start'>;
  days: ReportDay[];
  agents: ReportAgent[];
  /** Customer messages by weekday (mon first) and hour of the day, and the open minutes of each hour. */
  heatmap: {
    weekdays: Weekday[];
    inbound: number[][];
    /** Null without business hours. */
    openMinutes: number[][] | null;
  };
  refs: ReportRef[];
  campaigns: ReportCampaignRow[];
  costs: { byDay: CostSummary; byCategory: CostSummary };
  /** Customer satisfaction; agents here are who had the conversation when it was resolved. */
  csat: ReportCsat;
}

const UNASSIGNED = '(unassigned)';

interface Wait {
  waId: string;
  start: number;
  answer: number | null;
}

/**
 * The waits of one contact (messages sorted by time, a customer's before ours at the same second): as the
 * inbox defines them, a wait starts at a customer message after the last answer and an answer is a
 * person's message that did not fail (store/sqlite-conversation-state.ts).
 */
function walk(messages: readonly ReportMessage[]): {
  waits: Wait[];
  starts: number[];
  lastAt: number | null;
} {
  const waits: Wait[] = [];
  const starts: number[] = [];
  let waiting: number | null = null;
  let lastAt: number | null = null;
  for (const m of messages) {
    // the question and its answer come after the conversation ended
    if (m.csatAnswer || m.reason === 'csat') continue;
    if (m.direction === 'in') {
      if (lastAt === null || m.at - lastAt >= CONVERSATION_GAP_MS) starts.push(m.at);
      waiting ??= m.at;
    } else if (m.reason === null && m.status !== 'failed' && waiting !== null) {
      waits.push({ waId: m.waId, start: waiting, answer: m.at });
      waiting = null;
    }
    lastAt = m.at;
  }
  if (waiting !== null) waits.push({ waId: messages[0]!.waId, start: waiting, answer: null });
  return { waits, starts, lastAt };
}

/** The value at rank ceil(p·n) of the sorted values (nearest rank). */
function rank(sorted: readonly number[], p: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

function durationStats(seconds: readonly number[]): DurationStats {
  const sorted = [...seconds].sort((a, b) => a - b);
  return { count: sorted.length, medianSeconds: rank(sorted, 0.5), p90Seconds: rank(sorted, 0.9) };
}

function firstResponseStats(seconds: readonly number[], unanswered: number, target: number | null) {
  const within = target === null ? null : seconds.filter((s) => s <= target).length;
  return {
    ...durationStats(seconds),
    unanswered,
    withinTarget: within,
    withinTargetShare: within === null || seconds.length === 0 ? null : within / seconds.length,
  };
}

/** Collects values by key, in first-seen order. */
class Buckets<T> {
  readonly map = new Map<string, T[]>();
  add(key: string, value: T): void {
    const list = this.map.get(key);
    if (list) list.push(value);
    else this.map.set(key, [value]);
  }
  get(key: string): T[] {
    return this.map.get(key) ?? [];
  }
}

export function buildReport(inputs: ReportInputs, options: ReportOptions): Report {
  const since = options.since.getTime();
  const until = options.until.getTime();
  const inPeriod = (at: number) => at >= since && at < until;
  const dayOf = (at: number) => DateTime.fromMillis(at, { zone: options.zone }).toISODate() as string;
  const target = options.targetMs === null ? null : Math.round(options.targetMs / 1000);
  const seconds = (from: number, to: number) => businessSeconds(options.hours, new Date(from), new Date(to));

  const campaignRef =
    options.campaign === undefined
      ? undefined
      : (inputs.campaigns.find((c) => c.name === options.campaign)?.ref ?? options.campaign);
  const conversations = new Map(
    inputs.conversations
      .filter(
        (c) =>
          (options.agent === undefined || c.assignee === options.agent) &&
          (campaignRef === undefined || c.campaign === campaignRef),
      )
      .map((c) => [c.waId, c]),
  );
  const campaignSends = new Set(inputs.campaigns.flatMap((c) => c.wamids));

  const byContact = new Buckets<ReportMessage>();
  const inFirst = (m: ReportMessage) => (m.direction === 'in' ? 0 : 1);
  for (const m of [...inputs.messages].sort((a, b) => a.at - b.at || inFirst(a) - inFirst(b)))
    if (conversations.has(m.waId)) byContact.add(m.waId, m);

  const days = dayList(since, until, options.zone);
  const day = new Map(days.map((d) => [d.date, d]));
  const contactsByDay = new Buckets<string>();
  const frByDay = new Buckets<number>();
  const frByAgent = new Buckets<number>();
  const unansweredByDay = new Buckets<string>();
  const unansweredByAgent = new Buckets<string>();
  const resolutionByDay = new Buckets<number>();
  const resolutionByAgent = new Buckets<number>();
  const conversationsByAgent = new Buckets<string>();
  const heat = WEEKDAYS.map(() => Array<number>(24).fill(0));
  const activeWithCustomerMessage = new Set<string>();
  const firstResponses: number[] = [];
  const resolutions: number[] = [];
  let unanswered = 0;

  for (const [waId, messages] of byContact.map) {
    const c = conversations.get(waId)!;
    const agent = c.assignee ?? UNASSIGNED;
    const { waits, starts, lastAt } = walk(messages);
    let active = false;
    for (const m of messages) {
      if (!inPeriod(m.at)) continue;
      active = true;
      const d = day.get(dayOf(m.at))!;
      contactsByDay.add(d.date, waId);
      if (m.direction === 'in') {
        d.inbound++;
        activeWithCustomerMessage.add(waId);
        const local = DateTime.fromMillis(m.at, { zone: options.zone });
        heat[local.weekday - 1]![local.hour]!++;
      } else if (campaignSends.has(m.id)) d.outCampaign++;
      else if (m.reason === null) d.outPerson++;
      else d.outAutomatic++;
    }
    if (active) conversationsByAgent.add(agent, waId);
    for (const start of starts.filter(inPeriod)) day.get(dayOf(start))!.started++;
    for (const w of waits.filter((w) => inPeriod(w.start))) {
      const date = dayOf(w.start);
      if (w.answer === null) {
        unanswered++;
        unansweredByDay.add(date, waId);
        unansweredByAgent.add(agent, waId);
        continue;
      }
      const s = seconds(w.start, w.answer);
      firstResponses.push(s);
      frByDay.add(date, s);
      frByAgent.add(agent, s);
    }
    // The store keeps no time of resolving: a resolved conversation took from its latest start to its last message.
    const start = starts[starts.length - 1];
    if (c.status === 'resolved' && start !== undefined && inPeriod(start) && lastAt !== null) {
      const s = seconds(start, lastAt);
      resolutions.push(s);
      resolutionByDay.add(dayOf(start), s);
      resolutionByAgent.add(agent, s);
    }
  }

  for (const d of days) {
    d.conversations = new Set(contactsByDay.get(d.date)).size;
    d.firstResponse = firstResponseStats(frByDay.get(d.date), unansweredByDay.get(d.date).length, target);
    d.resolution = durationStats(resolutionByDay.get(d.date));
  }
  const agents = [...new Set([...conversationsByAgent.map.keys(), ...unansweredByAgent.map.keys()])]
    .sort(byText)
    .map((agent) => ({
      agent,
      conversations: conversationsByAgent.get(agent).length,
      firstResponse: firstResponseStats(frByAgent.get(agent), unansweredByAgent.get(agent).length, target),
      resolution: durationStats(resolutionByAgent.get(agent)),
    }));

  const refCounts = (ref: string) => {
    const tagged = [...activeWithCustomerMessage].filter((waId) => conversations.get(waId)!.campaign === ref);
    return {
      conversations: tagged.length,
      customers: tagged.filter((waId) => conversations.get(waId)!.labels.includes(options.customerLabel))
        .length,
    };
  };
  const refs = [...new Set([...activeWithCustomerMessage].map((waId) => conversations.get(waId)!.campaign))]
    .filter((ref): ref is string => ref !== null)
    .sort(byText)
    .map((ref) => ({ ref, ...refCounts(ref) }));
  const campaigns = inputs.campaigns
    .filter((c) => campaignRef === undefined || c.ref === campaignRef)
    .map((c) => ({
      name: c.name,
      ref: c.ref,
      state: c.state,
      accepted: c.accepted,
      failed: c.failed,
      delivered: sum(c.statuses, ['delivered', 'read', 'played']),
      read: sum(c.statuses, ['read', 'played']),
      replied: c.replied,
      ...(c.ref === null ? { conversations: 0, customers: 0 } : refCounts(c.ref)),
    }));

  const scopedIds = new Set(
    [...byContact.map.values()].flatMap((list) => list.filter((m) => inPeriod(m.at)).map((m) => m.id)),
  );
  const priced = inputs.priced.filter((p) => scopedIds.has(p.id) && inPeriod(p.at));
  const costOptions = { zone: options.zone, ...(options.rates ? { rates: options.rates } : {}) };

  return {
    since: options.since.toISOString(),
    until: options.until.toISOString(),
    generatedAt: options.generatedAt.toISOString(),
    zone: options.zone,
    filters: {
      agent: options.agent ?? null,
      campaign: options.campaign ?? null,
      customerLabel: options.customerLabel,
    },
    businessHours: options.hours !== undefined,
    slaTargetSeconds: target,
    totals: {
      conversations: [...conversationsByAgent.map.values()].reduce((n, list) => n + list.length, 0),
      started: days.reduce((n, d) => n + d.started, 0),
      inbound: days.reduce((n, d) => n + d.inbound, 0),
      outPerson: days.reduce((n, d) => n + d.outPerson, 0),
      outAutomatic: days.reduce((n, d) => n + d.outAutomatic, 0),
      outCampaign: days.reduce((n, d) => n + d.outCampaign, 0),
      firstResponse: firstResponseStats(firstResponses, unanswered, target),
      resolution: durationStats(resolutions),
    },
    days,
    agents,
    heatmap: {
      weekdays: [...WEEKDAYS],
      inbound: heat,
      openMinutes: options.hours === undefined ? null : openMinutes(options.hours),
    },
    refs,
    campaigns,
    costs: {
      byDay: summarizeCosts(priced, { by: 'day', ...costOptions }),
      byCategory: summarizeCosts(priced, { by: 'category', ...costOptions }),
    },
    csat: csatSection(inputs, options, campaignRef, days, dayOf),
  };
}

function csatSection(
  inputs: ReportInputs,
  options: ReportOptions,
  campaignRef: string | undefined,
  days: readonly ReportDay[],
  dayOf: (at: number) => string,
): ReportCsat {
  const campaignOf = new Map(inputs.conversations.map((c) => [c.waId, c.campaign]));
  const questions = inputs.csat
    .filter(
      (q) =>
        q.resolvedAt >= options.since.getTime() &&
        q.resolvedAt < options.until.getTime() &&
        (options.agent === undefined || q.agent === options.agent) &&
        (campaignRef === undefined || campaignOf.get(q.waId) === campaignRef),
    )
    .sort((a, b) => a.resolvedAt - b.resolvedAt);
  const byDay = new Buckets<ReportCsatQuestion>();
  const byAgent = new Buckets<ReportCsatQuestion>();
  for (const q of questions) {
    byDay.add(dayOf(q.resolvedAt), q);
    byAgent.add(q.agent ?? UNASSIGNED, q);
  }
  const comments = questions
    .filter((q) => q.comment !== null && q.score !== null && q.answeredAt !== null)
    .sort((a, b) => a.answeredAt! - b.answeredAt!)
    .map((q) => ({
      at: new Date(q.answeredAt!).toISOString(),
      agent: q.agent ?? UNASSIGNED,
      score: q.score!,
      comment: q.comment!,
    }));
  return {
    totals: csatStats(questions),
    days: days.map((d) => ({ date: d.date, start: d.start, ...csatStats(byDay.get(d.date)) })),
    agents: [...byAgent.map.keys()]
      .sort(byText)
      .map((agent) => ({ agent, ...csatStats(byAgent.get(agent)) })),
    comments,
  };
}

function csatStats(questions: readonly ReportCsatQuestion[]): CsatStats {
  const count = (state: ReportCsatQuestion['state']) => questions.filter((q) => q.state === state).length;
  const answers = questions.flatMap((q) => (q.state === 'answered' && q.score !== null ? [q.score] : []));
  const answered = answers.length;
  const asked = answered + count('asked');
  return {
    questions: questions.length,
    asked,
    answered,
    skipped: count('skipped'),
    pending: count('pending'),
    averageScore: answered === 0 ? null : answers.reduce((a, b) => a + b, 0) / answered,
    scores: [1, 2, 3, 4, 5].map((s) => answers.filter((a) => a === s).length),
    responseRate: asked === 0 ? null : answered / asked,
    satisfiedShare: answered === 0 ? null : answers.filter((a) => a >= 4).length / answered,
  };
}

function sum(counts: Record<string, number>, keys: readonly string[]): number {
  return keys.reduce((n, k) => n + (counts[k] ?? 0), 0);
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every day that overlaps [since, until) in the zone, with empty figures. */
function dayList(since: number, until: number, zone: string): ReportDay[] {
  const days: ReportDay[] = [];
  for (
    let d = DateTime.fromMillis(since, { zone }).startOf('day');
    d.toMillis() < until;
    d = d.plus({ days: 1 })
  )
    days.push({
      date: d.toISODate() as string,
      start: Math.floor(d.toMillis() / 1000),
      conversations: 0,
      started: 0,
      inbound: 0,
      outPerson: 0,
      outAutomatic: 0,
      outCampaign: 0,
      firstResponse: firstResponseStats([], 0, null),
      resolution: durationStats([]),
    });
  return days;
}

/** The minutes of each weekday hour (mon first) within the weekly schedule, ranges past midnight included. */
export function openMinutes(hours: BusinessHours): number[][] {
  const grid = WEEKDAYS.map(() => Array<number>(24).fill(0));
  const mark = (day: number, from: number, to: number) => {
    for (let m = from; m < to; m++) grid[day % 7]![Math.floor(m / 60)]!++;
  };
  WEEKDAYS.forEach((weekday, day) => {
    for (const r of hours.week[weekday]) {
      if (r.end > r.start) mark(day, r.start, r.end);
      else {
        mark(day, r.start, 1440);
        mark(day + 1, 0, r.end);
      }
    }
  });
  return grid;
}
