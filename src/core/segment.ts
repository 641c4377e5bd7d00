// Segments: which stored contacts a campaign goes to (`--segment 'label:vip and not label:lost'`).
// parseSegment turns an expression into a tree, refusing bad input with the position it failed at;
// segmentSql compiles the tree to a WHERE fragment over `contacts c` that runs unchanged on SQLite and
// PostgreSQL (EXISTS sub-queries, named @p1… parameters, times in ms).
//
//   expr   := and ('or' and)*          -- and binds tighter than or
//   and    := unary ('and' unary)*
//   unary  := 'not' unary | '(' expr ')' | term
//   term   := 'label:' value | 'campaign:' value | 'last-inbound' ('<' | '>') duration
//   value  := a word without spaces or parentheses, or "a quoted text"
import { parseDuration } from './duration.js';
import { invalidInput, type WaboxError } from './errors.js';
import { normalizeLabel } from './label.js';

export type SegmentNode =
  | { kind: 'label'; label: string }
  | { kind: 'campaign'; campaign: string }
  /** `<`: a customer wrote within `ms`; `>`: they did not (longer ago, or never). */
  | { kind: 'last-inbound'; op: '<' | '>'; ms: number }
  | { kind: 'not'; node: SegmentNode }
  | { kind: 'and' | 'or'; left: SegmentNode; right: SegmentNode };

export const SEGMENT_FIELDS = ['label', 'campaign', 'last-inbound'] as const;
export const SEGMENT_FORM =
  'label:<name>, campaign:<ref>, last-inbound<30d or >30d, combined with and, or, not and ( )';

interface Token {
  text: string;
  at: number;
  quoted: boolean;
}

function bad(input: string, at: number, why: string): WaboxError {
  return invalidInput(`bad segment at position ${at + 1}: ${why}`, {
    code: 'segment.invalid',
    hint: `a segment is ${SEGMENT_FORM}`,
    details: { segment: input, position: at + 1 },
  });
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ text: ch, at: i, quoted: false });
      i++;
    } else if (ch === '"') {
      const end = input.indexOf('"', i + 1);
      if (end === -1) throw bad(input, i, 'a quote is not closed');
      tokens.push({ text: input.slice(i + 1, end), at: i, quoted: true });
      i = end + 1;
    } else {
      const start = i;
      // a word runs to a space or parenthesis; a quote after `label:` starts its value
      while (i < input.length && !/[\s()]/.test(input[i]!)) {
        if (input[i] === '"') {
          const end = input.indexOf('"', i + 1);
          if (end === -1) throw bad(input, i, 'a quote is not closed');
          i = end + 1;
        } else i++;
      }
      tokens.push({ text: input.slice(start, i), at: start, quoted: false });
    }
  }
  return tokens;
}

/** Parses a segment expression. Throws invalid-input (exit 2) naming the position and what is wrong. */
export function parseSegment(input: string): SegmentNode {
  const tokens = tokenize(input);
  let k = 0;
  const peek = () => tokens[k];
  const word = (t: Token | undefined, w: string) =>
    t !== undefined && !t.quoted && t.text.toLowerCase() === w;
  const end = input.length;

  const expr = (): SegmentNode => {
    let left = conj();
    while (word(peek(), 'or')) {
      k++;
      left = { kind: 'or', left, right: conj() };
    }
    return left;
  };
  const conj = (): SegmentNode => {
    let left = unary();
    while (word(peek(), 'and')) {
      k++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): SegmentNode => {
    const t = peek();
    if (t === undefined) throw bad(input, end, 'the expression ends where a condition should follow');
    if (word(t, 'not')) {
      k++;
      return { kind: 'not', node: unary() };
    }
    if (!t.quoted && t.text === '(') {
      k++;
      const inner = expr();
      const close = peek();
      if (close === undefined || close.quoted || close.text !== ')')
        throw bad(input, close?.at ?? end, `"(" at position ${t.at + 1} is not closed`);
      k++;
      return inner;
    }
    k++;
    return term(t);
  };
  const term = (t: Token): SegmentNode => {
    if (t.quoted || t.text === ')' || ['and', 'or'].includes(t.text.toLowerCase()))
      throw bad(input, t.at, `expected a condition (${SEGMENT_FIELDS.join(', ')}), found "${t.text}"`);
    const m = /^([A-Za-z-]+)(:|<|>)(.*)$/s.exec(t.text);
    if (!m) throw bad(input, t.at, `"${t.text}" is not a condition: use ${SEGMENT_FORM}`);
    const [, rawField, op, rawValue] = m as unknown as [string, string, string, string];
    const field = rawField.toLowerCase();
    const valueAt = t.at + rawField.length + 1;
    if (!(SEGMENT_FIELDS as readonly string[]).includes(field))
      throw bad(input, t.at, `unknown field "${rawField}" (known: ${SEGMENT_FIELDS.join(', ')})`);
    if (field === 'last-inbound') {
      if (op === ':')
        throw bad(input, valueAt - 1, 'last-inbound takes < or > and a duration, e.g. last-inbound<30d');
      const ms = parseDuration(rawValue);
      if (ms === null || ms === 0)
        throw bad(
          input,
          valueAt,
          rawValue === ''
            ? 'last-inbound needs a duration, e.g. 30d'
            : `"${rawValue}" is not a duration (e.g. 12h, 30d, 2w)`,
        );
      return { kind: 'last-inbound', op: op as '<' | '>', ms };
    }
    if (op !== ':') throw bad(input, valueAt - 1, `${field} takes ":" and a value, e.g. ${field}:vip`);
    const value = rawValue.startsWith('"') && rawValue.endsWith('"') ? rawValue.slice(1, -1) : rawValue;
    if (value.trim() === '') throw bad(input, valueAt, `${field}: needs a value`);
    if (field === 'label') {
      try {
        return { kind: 'label', label: normalizeLabel(value) };
      } catch (err) {
        throw bad(input, valueAt, (err as Error).message);
      }
    }
    return { kind: 'campaign', campaign: value.trim() };
  };

  if (tokens.length === 0) throw bad(input, 0, 'the segment is empty');
  const tree = expr();
  const rest = peek();
  if (rest !== undefined)
    throw bad(
      input,
      rest.at,
      rest.text === ')' && !rest.quoted
        ? '")" has no matching "("'
        : `expected "and", "or" or the end, found "${rest.text}"`,
    );
  return tree;
}

/** A segment written back in its canonical form (for reports and --json). */
export function formatSegment(node: SegmentNode): string {
  const value = (v: string) => (/[\s()"]/.test(v) || v === '' ? `"${v}"` : v);
  const days = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${Math.round(ms / 1000)}s`);
  const wrap = (n: SegmentNode, parent: 'and' | 'or' | 'not') =>
    (n.kind === 'or' && parent !== 'or') || (n.kind === 'and' && parent === 'not')
      ? `(${formatSegment(n)})`
      : formatSegment(n);
  switch (node.kind) {
    case 'label':
      return `label:${value(node.label)}`;
    case 'campaign':
      return `campaign:${value(node.campaign)}`;
    case 'last-inbound':
      return `last-inbound${node.op}${days(node.ms)}`;
    case 'not':
      return `not ${wrap(node.node, 'not')}`;
    case 'and':
    case 'or':
      return `${wrap(node.left, node.kind)} ${node.kind} ${wrap(node.right, node.kind)}`;
  }
}

export interface SegmentSql {
  /** A boolean SQL expression over `contacts` aliased as `alias` (default `c`). */
  where: string;
  /** Named parameters for `@p1`, `@p2`, … (keys without the @). */
  params: Record<string, string | number>;
}

/**
 * Compiles a segment to a WHERE fragment over `contacts <alias>`, with `contact_labels` (labels in lower
 * case) and `conversations` (campaign, last_inbound_at in ms). `now` (ms) anchors last-inbound.
 * The SQL is the same on SQLite and PostgreSQL; a PostgreSQL driver needs the @pN turned into $N
 * (positionalSql).
 */
export function segmentSql(node: SegmentNode, now: number, alias = 'c'): SegmentSql {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`segmentSql: bad alias "${alias}"`);
  const params: Record<string, string | number> = {};
  let n = 0;
  const param = (value: string | number) => {
    const name = `p${++n}`;
    params[name] = value;
    return `@${name}`;
  };
  const walk = (s: SegmentNode): string => {
    switch (s.kind) {
      case 'label':
        return `EXISTS (SELECT 1 FROM contact_labels sl WHERE sl.wa_id = ${alias}.wa_id AND sl.label = ${param(s.label)})`;
      case 'campaign':
        return `EXISTS (SELECT 1 FROM conversations sv WHERE sv.wa_id = ${alias}.wa_id AND sv.campaign = ${param(s.campaign)})`;
      case 'last-inbound': {
        const recent = `EXISTS (SELECT 1 FROM conversations sv WHERE sv.wa_id = ${alias}.wa_id AND sv.last_inbound_at >= ${param(now - s.ms)})`;
        return s.op === '<' ? recent : `NOT ${recent}`;
      }
      case 'not':
        return `NOT (${walk(s.node)})`;
      case 'and':
        return `(${walk(s.left)} AND ${walk(s.right)})`;
      case 'or':
        return `(${walk(s.left)} OR ${walk(s.right)})`;
    }
  };
  return { where: walk(node), params };
}

/** For drivers with $1-style placeholders (pg): the SQL with @pN as $N and the values in order. */
export function positionalSql(
  sql: string,
  params: Record<string, string | number>,
): {
  text: string;
  values: Array<string | number>;
} {
  const values: Array<string | number> = [];
  const text = sql.replace(/@(p\d+)\b/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`positionalSql: no value for @${name}`);
    values.push(params[name]!);
    return `$${values.length}`;
  });
  return { text, values };
}
