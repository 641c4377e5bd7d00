import { describe, expect, it } from 'vitest';
import {
  type AutoReplySettings,
  type ContactFacts,
  containsPhrase,
  DEFAULT_SETTINGS,
  decideAutoReplies,
  tokens,
} from '../../src/core/autoreply.js';

const at = new Date('2026-11-20T22:00:00Z');
const on: AutoReplySettings = {
  ...DEFAULT_SETTINGS,
  greeting: true,
  away: true,
  keywords: [{ phrases: ['price', 'how much'], reply: '/price' }],
};
const fresh: ContactFacts = {
  previousInboundAt: null,
  lastAgentReplyAt: null,
  lastAwayPeriod: null,
  handedOff: false,
};
const closed = { open: false, nextOpen: '2026-11-21T09:00:00+05:30' };
const open = { open: true, nextOpen: null };
const days = (n: number) => new Date(at.getTime() - n * 86_400_000);

describe('automatic replies', () => {
  it('greets a first-ever message and, when closed, sends away after the greeting', () => {
    expect(decideAutoReplies({ text: 'hello', timestamp: at }, on, fresh, closed).replies).toEqual([
      { reason: 'greeting' },
      { reason: 'away', period: '2026-11-21T09:00:00+05:30' },
    ]);
  });

  it('greets again only after N quiet days', () => {
    const recent = { ...fresh, previousInboundAt: days(13.9) };
    expect(decideAutoReplies({ text: 'hi', timestamp: at }, on, recent, open).replies).toEqual([]);
    expect(
      decideAutoReplies({ text: 'hi', timestamp: at }, on, { ...fresh, previousInboundAt: days(14) }, open)
        .replies,
    ).toEqual([{ reason: 'greeting' }]);
    expect(
      decideAutoReplies(
        { text: 'hi', timestamp: at },
        { ...on, greetingAfterDays: 3 },
        { ...fresh, previousInboundAt: days(3) },
        open,
      ).replies,
    ).toEqual([{ reason: 'greeting' }]);
  });

  it('sends away once per closed period and not right after an agent replied', () => {
    const known = { ...fresh, previousInboundAt: days(1) };
    expect(
      decideAutoReplies(
        { text: 'x', timestamp: at },
        on,
        { ...known, lastAwayPeriod: closed.nextOpen },
        closed,
      ).replies,
    ).toEqual([]);
    expect(
      decideAutoReplies(
        { text: 'x', timestamp: at },
        on,
        { ...known, lastAwayPeriod: '2026-11-20T09:00:00+05:30' },
        closed,
      ).replies,
    ).toEqual([{ reason: 'away', period: closed.nextOpen }]);
    const agent = { ...known, lastAgentReplyAt: new Date(at.getTime() - 5 * 60_000) };
    expect(decideAutoReplies({ text: 'x', timestamp: at }, on, agent, closed).replies).toEqual([]);
    const agentLongAgo = { ...known, lastAgentReplyAt: new Date(at.getTime() - 11 * 60_000) };
    expect(decideAutoReplies({ text: 'x', timestamp: at }, on, agentLongAgo, closed).replies).toHaveLength(1);
  });

  it('answers keywords case- and accent-insensitively on whole words', () => {
    const known = { ...fresh, previousInboundAt: days(1) };
    expect(decideAutoReplies({ text: 'HOW MUCH is it?', timestamp: at }, on, known, open).replies).toEqual([
      { reason: 'keyword', reply: '/price', phrase: 'how much' },
    ]);
    expect(decideAutoReplies({ text: 'pricey', timestamp: at }, on, known, open).replies).toEqual([]);
    const cafe = { ...on, keywords: [{ phrases: ['café'], reply: 'menu' }] };
    expect(
      decideAutoReplies({ text: 'Is the CAFE open', timestamp: at }, cafe, known, open).replies[0],
    ).toMatchObject({ reply: 'menu' });
  });

  it('keeps Indic vowel signs while folding Latin accents', () => {
    expect(tokens('Crème BRÛLÉE, कीमत?')).toEqual(['creme', 'brulee', 'कीमत']);
    expect(containsPhrase(tokens('कमत'), 'कीमत')).toBe(false);
    expect(containsPhrase(tokens('इसकी कीमत क्या है'), 'कीमत')).toBe(true);
  });

  it('hands off on a hand-off word and stays quiet afterwards', () => {
    expect(decideAutoReplies({ text: 'I want a HUMAN please', timestamp: at }, on, fresh, closed)).toEqual({
      replies: [],
      handoff: true,
    });
    expect(
      decideAutoReplies({ text: 'price?', timestamp: at }, on, { ...fresh, handedOff: true }, closed),
    ).toEqual({ replies: [], handoff: false });
  });

  it('sends nothing when everything is off', () => {
    expect(decideAutoReplies({ text: 'price', timestamp: at }, DEFAULT_SETTINGS, fresh, closed)).toEqual({
      replies: [],
      handoff: false,
    });
  });
});
