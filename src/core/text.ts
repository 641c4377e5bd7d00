// Text from outside (customer names and messages, CSV cells, links, template files) made safe for a
// terminal: control characters and bidi overrides become visible escapes (`\x1b`, `\u202e`), one-line
// fields stay on one line, and cuts fall between whole grapheme clusters, never inside an escape.
// JSON output keeps the exact text; jsonSafe only spells the dangerous characters as JSON escapes.
// And the short forms wabox writes for people: local times, durations, runs of days, one-line previews.

/**
 * What a terminal may act on or that reorders or breaks a line: C0, DEL, C1, the bidi marks, embeddings,
 * overrides and isolates (and the deprecated format controls beside them), line/paragraph separators,
 * interlinear annotations, lone surrogates.
 */
const UNSAFE_CLASS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u206f\\ufff9-\\ufffb\\ud800-\\udfff';
const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
const UNSAFE_ALL = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');
/** The same characters plus wabox's own colour codes (SGR), which safeOutput may keep. */
const UNSAFE_OR_SGR = new RegExp(`\\x1b\\[[0-9;]*m|[${UNSAFE_CLASS}]`, 'gu');

/**
 * Real text stacks a few combining marks on a letter (Vietnamese 2, Hebrew with cantillation or Tibetan
 * stacks a handful); "Zalgo" text stacks dozens, which draw over the lines above and below.
 */
export const MAX_MARKS = 6;
/** Built on first use: compiling a Unicode property class is slow next to a `wabox link` start-up, which never needs it. */
let markRun: RegExp | undefined;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One unsafe character as a visible escape: `\n`, `\x1b`, `\x9b`, `\u202e`. */
function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const cp = ch.charCodeAt(0);
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** Whether the text holds anything oneLine would escape. */
export function hasUnsafe(text: string): boolean {
  return UNSAFE.test(text);
}

/**
 * A field on one line: every control character (newline and tab too), bidi control, separator and lone
 * surrogate shown as an escape; runs of more than MAX_MARKS combining marks cut to MAX_MARKS.
 */
export function oneLine(text: string): string {
  const safe = UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
  return capMarks(safe);
}

/**
 * A multi-line body (a message in `inbox show`, a link's text): its lines, each made safe as oneLine.
 * Line breaks are \n or \r\n; a lone \r (which would return to the start of the line and overwrite it)
 * is shown as `\r`.
 */
export function safeLines(text: string): string[] {
  return text.split(/\r?\n/).map(oneLine);
}

function capMarks(text: string): string {
  markRun ??= new RegExp(`(\\p{M}{${MAX_MARKS}})\\p{M}+`, 'gu');
  return text.replace(markRun, '$1');
}

let segmenter: Intl.Segmenter | undefined;
/** The text's grapheme clusters (what a reader sees as one character). */
export function graphemes(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * Columns a grapheme cluster takes on a terminal: 2 for East Asian wide and emoji, 0 for marks alone,
 * else 1. Close enough for cutting to a width; exact widths depend on the terminal's font.
 */
function clusterWidth(cluster: string): number {
  const cp = cluster.codePointAt(0) ?? 0;
  if (cp < 0x300) return 1;
  if (/^\p{M}/u.test(cluster)) return 0;
  if (/\p{Extended_Pictographic}/u.test(cluster) && (cluster.length > 1 || cp >= 0x1f000)) return 2;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f1e6 && cp <= 0x1f1ff) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/**
 * A field on one line (as oneLine), cut to at most `width` terminal columns with an ellipsis. The cut
 * falls between grapheme clusters of the original text, so an escape (`\x1b`) or a letter with its
 * combining marks is kept whole or left out whole.
 */
export function truncate(text: string, width: number): string {
  const max = Math.max(1, width);
  if (text.length <= max && PRINTABLE_ASCII.test(text)) return text;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const units: Array<{ safe: string; width: number }> = [];
  let total = 0;
  // stops at the first cluster past the width: a long message is not segmented to its end
  for (const { segment } of segmenter.segment(capMarks(text))) {
    const safe = oneLine(segment);
    const w = safe === segment ? clusterWidth(segment) : safe.length;
    units.push({ safe, width: w });
    total += w;
    if (total > max) break;
  }
  if (total <= max) return units.map((u) => u.safe).join('');
  let out = '';
  let used = 0;
  for (const u of units) {
    if (used + u.width > max - 1) break;
    out += u.safe;
    used += u.width;
  }
  return `${out}…`;
}

/**
 * The first `count` grapheme clusters of the exact text (for JSON, which keeps the text as it came),
 * with an ellipsis when something was cut.
 */
export function cutGraphemes(text: string, count: number): string {
  if (text.length <= count) return text;
  const all = graphemes(text);
  return all.length <= count ? text : `${all.slice(0, Math.max(1, count - 1)).join('')}…`;
}

/**
 * The last line of defence for human output: every unsafe character escaped except the line breaks
 * and tabs of the layout, and (with `sgr`) the colour codes `ESC[...m` wabox itself writes. Fields from
 * outside are made safe (oneLine, truncate) before they are laid out; this catches what a layout missed.
 */
export function safeOutput(text: string, options: { sgr: boolean }): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_OR_SGR, (m) => {
    if (m.length > 1) return options.sgr ? m : `\\x1b${m.slice(1)}`;
    return m === '\n' || m === '\t' ? m : escapeChar(m);
  });
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u206f\ufff9-\ufffb]/g;

/**
 * JSON text with DEL, C1, bidi controls and separators written as \u escapes. JSON.stringify escapes C0
 * already but writes these raw; they only occur inside strings, so the parsed values are unchanged.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** WhatsApp's limit for one text message (Cloud API text.body), in characters. */
export const TEXT_LIMIT = 4096;

/** Length in characters (code points), as WhatsApp counts its limits. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A body in one line for tables and pickers: line breaks shown as ⏎, the rest as truncate. */
export function preview(body: string, width: number): string {
  return truncate(body.replace(/\r?\n/g, ' ⏎ '), width);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO 8601 time in the machine's zone: 2025-06-01 14:05, or 2025-06-01 14:05:09 with seconds. */
export function localTime(iso: string, seconds = false): string {
  const d = new Date(iso);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${base}:${pad(d.getSeconds())}` : base;
}

/** 45s, 12m, 3h 05m, 2d 4h: the largest one or two units, rounded down. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A sorted list of whole numbers as runs of consecutive ones: [0, 1, 2, 4] -> [[0, 2], [4, 4]] (Mon–Wed, Fri). */
export function consecutiveRuns(sorted: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const n of sorted) {
    const run = runs[runs.length - 1];
    if (run !== undefined && n === run[1] + 1) run[1] = n;
    else runs.push([n, n]);
  }
  return runs;
}
