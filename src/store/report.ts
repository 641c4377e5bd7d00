// What `wabox report` reads from a store for a period: the rows core/report.ts computes its figures from.
import { toPricedMessage } from '../core/costs.js';
import { CAMPAIGN_REPLY_WINDOW_MS, CONVERSATION_GAP_MS, type ReportInputs } from '../core/report.js';
import type { Keyset, Store } from './store.js';

/** Rows read per query: messages, conversations and campaign recipients are read a page at a time. */
const PAGE = 1000;

export async function reportInputs(
  store: Store,
  since: Date,
  until: Date,
  options: { pageSize?: number } = {},
): Promise<ReportInputs> {
  const pageSize = options.pageSize ?? PAGE;
  const messages: ReportInputs['messages'] = [];
  const from = new Date(since.getTime() - CONVERSATION_GAP_MS);
  // every question (one row a resolution), since a customer may answer an old one within the period
  const questions = await store.csat.list();
  const answers = new Set(questions.flatMap((q) => (q.answerWamid === null ? [] : [q.answerWamid])));
  // newest first, from just before `until` back to `from`, a page at a time
  let before: Keyset = { at: until.getTime(), id: 0 };
  for (;;) {
    const page = await store.listMessages({ since: from, before, limit: pageSize });
    for (const m of page)
      messages.push({
        id: m.id,
        waId: m.waId,
        direction: m.direction,
        at: Date.parse(m.timestamp),
        status: m.status,
        reason: m.reason,
        ...(answers.has(m.id) ? { csatAnswer: true } : {}),
      });
    if (page.length < pageSize) break;
    before = page[page.length - 1]!.cursor;
  }

  const csat: ReportInputs['csat'] = questions
    .filter((q) => q.resolvedAt >= since && q.resolvedAt < until)
    .map((q) => ({
      waId: q.waId,
      agent: q.agent,
      resolvedAt: q.resolvedAt.getTime(),
      state: q.state,
      answeredAt: q.answeredAt?.getTime() ?? null,
      score: q.score,
      comment: q.comment,
    }));
  // a question's conversation is read for --campaign even when it had no message in the period
  const waIds = [...new Set([...messages.map((m) => m.waId), ...csat.map((q) => q.waId)])];
  const conversations: ReportInputs['conversations'] = [];
  for (let i = 0; i < waIds.length; i += pageSize) {
    const chunk = waIds.slice(i, i + pageSize);
    for (const c of await store.listConversations({ waIds: chunk, limit: chunk.length }))
      conversations.push({
        waId: c.waId,
        status: c.status,
        assignee: c.assignee,
        campaign: c.campaign,
        labels: c.labels,
      });
  }

  const priced = (await store.pricedMessages({ since }))
    .map((m) => ({ ...toPricedMessage(m), id: m.id }))
    .filter((m) => m.at < until.getTime());

  const campaigns: ReportInputs['campaigns'] = [];
  for (const c of await store.campaigns.list()) {
    // a campaign made after the period, or untouched since before it, had nothing to do with it
    if (c.createdAt >= until || c.updatedAt < since) continue;
    const wamids: string[] = [];
    for (let after = 0; ; ) {
      const page = await store.campaigns.recipients(c.id, after, pageSize);
      for (const r of page) if (r.wamid !== null) wamids.push(r.wamid);
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.row;
    }
    const counts = await store.campaigns.counts(c.id);
    const outcomes = await store.campaigns.outcomes(c.id, CAMPAIGN_REPLY_WINDOW_MS);
    campaigns.push({
      name: c.name,
      ref: c.ref,
      state: c.state,
      wamids,
      accepted: counts.accepted,
      failed: counts.failed,
      statuses: outcomes.statuses,
      replied: outcomes.replied,
    });
  }
  return { messages, conversations, priced, campaigns, csat };
}
