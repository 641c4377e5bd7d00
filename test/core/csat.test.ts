// The choices a satisfaction question offers and reading an answer back from a reply's payload.
import { describe, expect, it } from 'vitest';
import { csatAnswerOf, csatChoices, normalizeCsat } from '../../src/core/csat.js';
import { ownWebhook } from '../helpers/fixtures.js';

const messageOf = (name: string) => ownWebhook(name).entry[0].changes[0].value.messages[0];

describe('csat choices and answers', () => {
  it('three buttons score 1, 3, 5; the list 5 to 1; each id names the question', () => {
    expect(csatChoices(7, 'buttons')).toEqual([
      { id: 'wabox-csat:7:1', title: '😞', score: 1 },
      { id: 'wabox-csat:7:3', title: '😐', score: 3 },
      { id: 'wabox-csat:7:5', title: '😀', score: 5 },
    ]);
    const list = csatChoices(7, 'list');
    expect(list.map((c) => [c.id, c.score])).toEqual([5, 4, 3, 2, 1].map((n) => [`wabox-csat:7:${n}`, n]));
    for (const c of list) expect([...c.title].length).toBeLessThanOrEqual(24);
  });

  it('reads button and list replies in Meta’s shape; anything else is no answer', () => {
    const button = messageOf('interactive-button-reply');
    expect(csatAnswerOf(button)).toBeNull(); // a reply to some other button
    button.interactive.button_reply.id = 'wabox-csat:42:3';
    expect(csatAnswerOf(button)).toEqual({ questionId: 42, score: 3 });
    const list = messageOf('interactive-list-reply');
    list.interactive.list_reply.id = 'wabox-csat:9:4';
    expect(csatAnswerOf(list)).toEqual({ questionId: 9, score: 4 });
    for (const id of [
      'wabox-csat:9:6',
      'wabox-csat:9:0',
      'wabox-csat:x:3',
      ' wabox-csat:9:3',
      'wabox-csat:9:3 ',
    ])
      expect(csatAnswerOf({ interactive: { button_reply: { id } } }), id).toBeNull();
    expect(csatAnswerOf(messageOf('text'))).toBeNull();
    expect(csatAnswerOf(null)).toBeNull();
  });

  it('stored settings: defaults for what is missing or invalid, off unless turned on', () => {
    expect(normalizeCsat(undefined)).toEqual({
      on: false,
      after: 'resolve',
      delayMinutes: 10,
      scale: 'buttons',
    });
    expect(normalizeCsat({ on: 'yes', delayMinutes: -1, scale: 'stars' })).toMatchObject({
      on: false,
      delayMinutes: 10,
      scale: 'buttons',
    });
    expect(normalizeCsat({ on: true, delayMinutes: 0, scale: 'list' })).toMatchObject({
      on: true,
      delayMinutes: 0,
      scale: 'list',
    });
  });
});
