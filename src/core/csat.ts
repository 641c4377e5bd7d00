// Customer satisfaction: after a conversation is resolved the customer is asked to rate it, once per
// resolution, with reply buttons (😞 😐 😀) or a 1-5 list. Scores are stored on one scale, 1..5: the three
// buttons are 1, 3 and 5, so answers of both kinds average together.

/** The store-wide setting (settings table) holding CsatSettings as JSON. */
export const CSAT_SETTINGS_KEY = 'csat';

export const CSAT_SCALES = ['buttons', 'list'] as const;
export type CsatScale = (typeof CSAT_SCALES)[number];

export interface CsatSettings {
  on: boolean;
  /** What triggers the question; only `resolve` today. */
  after: 'resolve';
  /** Minutes between the resolution and the question (0: `wabox resolve` asks at once). */
  delayMinutes: number;
  scale: CsatScale;
}

export const DEFAULT_CSAT: CsatSettings = { on: false, after: 'resolve', delayMinutes: 10, scale: 'buttons' };

/** A week: later than that the question would be about a conversation the customer has forgotten. */
export const CSAT_DELAY_MAX_MINUTES = 7 * 24 * 60;

/** A text message this soon after an answer is its comment. */
export const CSAT_COMMENT_WINDOW_MS = 10 * 60 * 1000;

export function normalizeCsat(raw: unknown): CsatSettings {
  const o =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const delay = o.delayMinutes;
  return {
    on: o.on === true,
    after: 'resolve',
    delayMinutes:
      Number.isSafeInteger(delay) && (delay as number) >= 0 && (delay as number) <= CSAT_DELAY_MAX_MINUTES
        ? (delay as number)
        : DEFAULT_CSAT.delayMinutes,
    scale: (CSAT_SCALES as readonly string[]).includes(o.scale as string)
      ? (o.scale as CsatScale)
      : DEFAULT_CSAT.scale,
  };
}

/** The choices offered: the id the reply carries back names the question and the score. */
export interface CsatChoice {
  id: string;
  title: string;
  score: number;
}

const BUTTONS: ReadonlyArray<{ title: string; score: number }> = [
  { title: '😞', score: 1 },
  { title: '😐', score: 3 },
  { title: '😀', score: 5 },
];

export function csatChoices(questionId: number, scale: CsatScale): CsatChoice[] {
  const choices =
    scale === 'buttons'
      ? BUTTONS
      : [5, 4, 3, 2, 1].map((score) => ({ title: `${score} ${'⭐'.repeat(score)}`, score }));
  return choices.map((c) => ({ ...c, id: `wabox-csat:${questionId}:${c.score}` }));
}

/** The text of the button that opens the 1-5 list (no words: the same in every language). */
export const CSAT_LIST_BUTTON = '⭐ 1–5';

/**
 * The question and score an inbound message answers, from its payload (the message object as received):
 * an interactive button_reply or list_reply whose id csatChoices made. Null for anything else.
 */
export function csatAnswerOf(payload: unknown): { questionId: number; score: number } | null {
  const interactive = (payload as { interactive?: Record<string, unknown> } | null)?.interactive;
  if (typeof interactive !== 'object' || interactive === null) return null;
  const reply = (interactive.button_reply ?? interactive.list_reply) as { id?: unknown } | undefined;
  const match = typeof reply?.id === 'string' ? /^wabox-csat:(\d{1,15}):([1-5])$/.exec(reply.id) : null;
  return match ? { questionId: Number(match[1]), score: Number(match[2]) } : null;
}
