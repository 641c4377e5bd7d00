// Meta message templates (the approved kind, `wabox meta-template`), pure: the values a send fills in
// (the types cloud/messages.ts builds a request from) and the check of one recipient's values against the
// template's definition, so that a campaign lists every row Meta would refuse with 132000 (parameter
// count), 131008 (a required parameter empty), 132005 (hydrated text too long) or 132018 (new lines,
// tabs, more than 4 spaces in a parameter) before a single message goes out. The definition is the JSON
// of GET /{template-id} or /message_templates (components HEADER, BODY, FOOTER, BUTTONS;
// parameter_format POSITIONAL | NAMED), as CloudClient.listTemplates returns it.
import { charLength } from './text.js';

export type MediaSource = { id: string } | { link: string };

/** A body parameter; `name` for templates with named parameters (parameter_format NAMED). */
export type TemplateParameter =
  | { type: 'text'; text: string; name?: string }
  | {
      type: 'currency';
      /** ISO 4217, e.g. USD. */
      code: string;
      /** The amount times 1,000 (100.99 -> 100990). */
      amount1000: number;
      /** What to show where the currency cannot be localised, e.g. "$100.99". */
      fallback: string;
      name?: string;
    }
  | { type: 'date_time'; fallback: string; name?: string };

/** The header's parameter: media for an IMAGE/VIDEO/DOCUMENT header, text for a TEXT header's {{1}}. */
export type TemplateHeader =
  | {
      type: 'image' | 'document' | 'video';
      source: MediaSource;
      /** document headers only */
      filename?: string;
    }
  | { type: 'text'; text: string; name?: string };

/** A button's parameter, by the button's place (0-9) in the template's BUTTONS. */
export type TemplateButton =
  | { subType: 'quick_reply'; index: number; payload: string }
  | { subType: 'url'; index: number; text: string }
  | { subType: 'copy_code'; index: number; code: string };

/** What one message fills into a template. */
export interface TemplateValues {
  header?: TemplateHeader | undefined;
  /** Positional parameters in order ({{1}}, {{2}}, …), or each with its `name`. */
  body?: readonly TemplateParameter[] | undefined;
  buttons?: readonly TemplateButton[] | undefined;
}

/**
 * Where each value came from, for the messages: a CSV column's name (`column "city"`), a flag, a URL.
 * `body[i]` is the source of `values.body[i]`; `buttons` by button index.
 */
export interface ValueSources {
  header?: string | undefined;
  body?: ReadonlyArray<string | undefined>;
  buttons?: Readonly<Record<number, string>>;
}

/** What the check reads of a template; CloudClient's MetaTemplate is one. */
export interface TemplateDefinition {
  name: string;
  language: string;
  parameterFormat?: string | null;
  components: readonly unknown[];
}

/** Meta's limits for what a send fills in (developers.facebook.com …/templates, cloud-api.md §1.3). */
export const TEMPLATE_LIMITS = {
  /** A header with its parameter filled in. */
  headerText: 60,
  /** A body parameter, and the body filled in, when the template has other components. */
  bodyText: 1024,
  /** … when the body is the template's only component. */
  bodyTextAlone: 32_768,
  /** A URL button's URL with its suffix. */
  buttonUrl: 2000,
  /** A COPY_CODE button's coupon code. */
  couponCode: 15,
  /** A quick-reply button's payload. */
  buttonPayload: 256,
} as const;

export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';

/** The slots of a template a send must (or may) fill. */
export interface TemplateShape {
  format: 'POSITIONAL' | 'NAMED';
  /** null when the template has no header. */
  header: { format: string; text: string | null; params: string[] } | null;
  /** Positional: '1', '2', … up to the highest; named: each name once, in order of appearance. */
  body: { text: string; params: string[] } | null;
  buttons: Array<{
    index: number;
    /** Meta's button type: URL, QUICK_REPLY, COPY_CODE, PHONE_NUMBER, OTP, FLOW, … */
    type: string;
    text: string;
    url: string | null;
    /** What a send must give for it; null when nothing (quick-reply payloads are optional). */
    needs: 'url' | 'copy_code' | null;
  }>;
  /** Whether the body is the only component (longer body parameters are then allowed). */
  bodyOnly: boolean;
}

/** One problem of one recipient's values: the Meta error it would cause and a one-line message. */
export interface TemplateProblem {
  /** 132000 count/name/format mismatch, 131008 empty, 132005 too long, 132018 bad characters. */
  graphCode: 132000 | 131008 | 132005 | 132018;
  message: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholders of a template text in order of first appearance: `1`, `2`, or names. */
export function templatePlaceholders(text: string): string[] {
  const seen: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

function slots(text: string, named: boolean): string[] {
  const names = templatePlaceholders(text);
  if (named) return names;
  const highest = Math.max(0, ...names.map(Number).filter(Number.isInteger));
  return Array.from({ length: highest }, (_, i) => String(i + 1));
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The slots of a template definition. Unknown components and buttons are kept or skipped, never fatal. */
export function templateShape(def: TemplateDefinition): TemplateShape {
  const components = def.components.filter(
    (c): c is Record<string, unknown> => typeof c === 'object' && c !== null,
  );
  const byType = (type: string) => components.find((c) => String(c.type ?? '').toUpperCase() === type);
  const texts = components.map((c) => str(c.text) ?? '').join(' ');
  const declared = String(def.parameterFormat ?? '').toUpperCase();
  // no parameter_format (older templates): named when a placeholder is not a number
  const named =
    declared === 'NAMED' ||
    (declared !== 'POSITIONAL' && templatePlaceholders(texts).some((p) => !/^\d+$/.test(p)));
  const h = byType('HEADER');
  const b = byType('BODY');
  const header = h
    ? {
        format: String(h.format ?? 'TEXT').toUpperCase(),
        text: str(h.text),
        params: slots(str(h.text) ?? '', named),
      }
    : null;
  const body = b ? { text: str(b.text) ?? '', params: slots(str(b.text) ?? '', named) } : null;
  const rawButtons = byType('BUTTONS')?.buttons;
  const buttons = (Array.isArray(rawButtons) ? rawButtons : []).map((raw, index) => {
    const button = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const type = String(button.type ?? '').toUpperCase();
    const url = str(button.url);
    const otpType = String(button.otp_type ?? '').toUpperCase();
    const needs: 'url' | 'copy_code' | null =
      (type === 'URL' && url !== null && templatePlaceholders(url).length > 0) ||
      // authentication templates: the one-time code goes in as the button's URL parameter
      (type === 'OTP' && otpType !== 'ZERO_TAP')
        ? 'url'
        : type === 'COPY_CODE'
          ? 'copy_code'
          : null;
    return { index, type, text: str(button.text) ?? '', url, needs };
  });
  return {
    format: named ? 'NAMED' : 'POSITIONAL',
    header,
    body,
    buttons,
    bodyOnly: body !== null && components.length === 1,
  };
}

const SUB_TYPE_OF: Record<string, TemplateButton['subType']> = { url: 'url', copy_code: 'copy_code' };

function parameterText(p: TemplateParameter): string {
  return p.type === 'text' ? p.text : p.fallback;
}

/** Meta refuses new lines, tabs and more than 4 spaces in a row inside a parameter (132018). */
function badCharacters(text: string): string | null {
  if (/[\n\r]/.test(text)) return 'has a line break';
  if (text.includes('\t')) return 'has a tab';
  if (/ {5}/.test(text)) return 'has more than 4 spaces in a row';
  return null;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Every problem Meta would refuse one recipient's values for, as one-line messages naming the value's
 * source (`column "city"`). An empty list means the values fit the template.
 */
export function checkTemplateValues(
  def: TemplateDefinition,
  values: TemplateValues,
  sources: ValueSources = {},
): TemplateProblem[] {
  const shape = templateShape(def);
  const problems: TemplateProblem[] = [];
  const add = (graphCode: TemplateProblem['graphCode'], message: string) =>
    problems.push({ graphCode, message });
  const from = (source: string | undefined) => (source === undefined ? '' : ` (${source})`);
  const named = shape.format === 'NAMED';

  const checkText = (text: string, what: string, max: number, limitWhat: string) => {
    if (text.trim() === '') return add(131008, `${what} is empty`);
    const bad = badCharacters(text);
    if (bad !== null)
      add(132018, `${what} ${bad}: WhatsApp refuses new lines, tabs and more than 4 spaces in a parameter`);
    const n = charLength(text);
    if (n > max)
      add(132005, `${what} is ${fmt(n)} characters; WhatsApp's limit for ${limitWhat} is ${fmt(max)}`);
  };

  // header ------------------------------------------------------------------------------------------
  const header = values.header;
  const hWhere = (kind: string) => `the header ${kind}${from(sources.header)}`;
  if (shape.header === null) {
    if (header !== undefined)
      add(
        132000,
        `${hWhere(header.type === 'text' ? 'text' : header.type)} is given, but the template has no header`,
      );
  } else {
    const format = shape.header.format;
    if (format === 'TEXT') {
      const param = shape.header.params[0];
      if (param === undefined) {
        if (header !== undefined)
          add(
            132000,
            `${hWhere(header.type === 'text' ? 'text' : header.type)} is given, but the template's header is fixed text`,
          );
      } else if (header === undefined) {
        add(132000, `the header needs a value for {{${param}}} (its text is "${shape.header.text ?? ''}")`);
      } else if (header.type !== 'text') {
        add(132000, `${hWhere(header.type)} is given, but the template's header is text with {{${param}}}`);
      } else {
        const what = `the header {{${param}}}${from(sources.header)}`;
        if (named && header.name !== param)
          add(132000, `${what} is named "${header.name ?? ''}", but the template's header has {{${param}}}`);
        const filled = (shape.header.text ?? '').replace(PLACEHOLDER, header.text);
        if (header.text.trim() === '') add(131008, `${what} is empty`);
        else {
          const bad = badCharacters(header.text);
          if (bad !== null)
            add(
              132018,
              `${what} ${bad}: WhatsApp refuses new lines, tabs and more than 4 spaces in a parameter`,
            );
          const n = charLength(filled);
          if (n > TEMPLATE_LIMITS.headerText)
            add(
              132005,
              `${what} makes the header ${fmt(n)} characters; WhatsApp's limit is ${TEMPLATE_LIMITS.headerText}`,
            );
        }
      }
    } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
      const want = format.toLowerCase();
      if (header === undefined)
        add(132000, `the header needs ${want === 'image' ? 'an' : 'a'} ${want}; none is given`);
      else if (header.type !== want)
        add(
          132000,
          `${hWhere(header.type === 'text' ? 'text' : header.type)} does not fit: the template's header is ${want === 'image' ? 'an' : 'a'} ${want}`,
        );
      else if (
        header.type !== 'text' &&
        ('id' in header.source ? header.source.id.trim() === '' : header.source.link.trim() === '')
      )
        add(131008, `${hWhere(want)} is empty`);
    } else if (format === 'LOCATION') {
      add(132000, 'the header is a location, which wabox cannot fill in yet');
    }
  }

  // body --------------------------------------------------------------------------------------------
  const beforeBody = problems.length;
  const body = values.body ?? [];
  const expected = shape.body?.params ?? [];
  const limit = shape.bodyOnly ? TEMPLATE_LIMITS.bodyTextAlone : TEMPLATE_LIMITS.bodyText;
  const limitWhat = shape.bodyOnly ? 'a body parameter' : 'a body parameter beside a header or buttons';
  const givenNamed = body.filter((p) => p.name !== undefined).length;
  if (givenNamed > 0 && givenNamed < body.length)
    add(132000, 'the body parameters mix named and positional values; a template takes one kind');
  if (named) {
    const seen = new Set<string>();
    body.forEach((p, i) => {
      const what = p.name === undefined ? `parameter ${i + 1}` : `{{${p.name}}}`;
      const where = `the body ${what}${from(sources.body?.[i])}`;
      if (p.name === undefined)
        add(132000, `${where} has no name: the template takes named parameters (${list(expected)})`);
      else if (!expected.includes(p.name))
        add(
          132000,
          `${where} is not in the template${expected.length === 0 ? ', whose body has no parameters' : `; it has ${list(expected)}`}`,
        );
      else if (seen.has(p.name)) add(132000, `${where} is given twice`);
      if (p.name !== undefined) seen.add(p.name);
      checkText(parameterText(p), where, limit, limitWhat);
    });
    const missing = expected.filter((n) => !seen.has(n));
    if (missing.length > 0)
      add(132000, `the body needs ${missing.map((n) => `{{${n}}}`).join(', ')}; no value is given`);
  } else {
    if (givenNamed > 0 && givenNamed === body.length && body.length > 0)
      add(132000, `the body parameters are named, but the template takes positional ones ({{1}}…)`);
    if (body.length !== expected.length) {
      const extra = body
        .slice(expected.length)
        .map((_, k) => sources.body?.[expected.length + k])
        .filter((s): s is string => s !== undefined);
      add(
        132000,
        `the body takes ${expected.length} parameter${expected.length === 1 ? '' : 's'}${
          expected.length === 0 ? '' : ` ({{1}}${expected.length > 1 ? `-{{${expected.length}}}` : ''})`
        }, ${body.length} ${body.length === 1 ? 'is' : 'are'} given${
          body.length < expected.length
            ? `: {{${body.length + 1}}}${body.length + 1 < expected.length ? `-{{${expected.length}}}` : ''} missing`
            : extra.length > 0
              ? `: ${extra.join(', ')} too many`
              : ''
        }`,
      );
    }
    body.forEach((p, i) => {
      checkText(parameterText(p), `the body {{${i + 1}}}${from(sources.body?.[i])}`, limit, limitWhat);
    });
  }
  // the body filled in, when each value fits on its own (one problem per cause)
  if (shape.body !== null && body.length > 0 && problems.length === beforeBody) {
    const byName = new Map(body.map((p, i) => [named ? (p.name ?? '') : String(i + 1), parameterText(p)]));
    const filled = shape.body.text.replace(PLACEHOLDER, (_, k: string) => byName.get(k) ?? '');
    const n = charLength(filled);
    if (n > limit)
      add(132005, `the body with its parameters is ${fmt(n)} characters; WhatsApp's limit is ${fmt(limit)}`);
  }

  // buttons -----------------------------------------------------------------------------------------
  const given = new Map<number, TemplateButton>();
  for (const b of values.buttons ?? []) {
    const where = `button ${b.index}${from(sources.buttons?.[b.index])}`;
    if (given.has(b.index)) {
      add(132000, `${where} is given twice`);
      continue;
    }
    given.set(b.index, b);
    const def = shape.buttons[b.index];
    if (def === undefined) {
      add(
        132000,
        `${where}: the template has ${shape.buttons.length === 0 ? 'no buttons' : `buttons 0-${shape.buttons.length - 1} only`}`,
      );
      continue;
    }
    const label = `button ${b.index} "${def.text}"`;
    const wants =
      def.needs === null ? (def.type === 'QUICK_REPLY' ? 'quick_reply' : null) : SUB_TYPE_OF[def.needs]!;
    if (wants === null) {
      add(132000, `${where}: ${label} is a ${def.type || 'static'} button and takes no value`);
      continue;
    }
    if (b.subType !== wants) {
      add(132000, `${where} is a ${b.subType.replace('_', '-')} value, but ${label} is ${def.type}`);
      continue;
    }
    if (b.subType === 'url') {
      const w = `the URL suffix of ${label}${from(sources.buttons?.[b.index])}`;
      if (b.text.trim() === '') add(131008, `${w} is empty`);
      else if (/\s/.test(b.text)) add(132018, `${w} has white space, which a URL cannot hold`);
      const n = charLength((def.url ?? '').replace(PLACEHOLDER, b.text));
      if (n > TEMPLATE_LIMITS.buttonUrl)
        add(
          132005,
          `${w} makes the URL ${fmt(n)} characters; WhatsApp's limit is ${fmt(TEMPLATE_LIMITS.buttonUrl)}`,
        );
    } else if (b.subType === 'copy_code') {
      const w = `the coupon code of ${label}${from(sources.buttons?.[b.index])}`;
      if (b.code.trim() === '') add(131008, `${w} is empty`);
      else if (charLength(b.code) > TEMPLATE_LIMITS.couponCode)
        add(
          132005,
          `${w} is ${charLength(b.code)} characters; WhatsApp's limit is ${TEMPLATE_LIMITS.couponCode}`,
        );
    } else {
      const w = `the payload of ${label}${from(sources.buttons?.[b.index])}`;
      if (b.payload === '') add(131008, `${w} is empty`);
      else if (charLength(b.payload) > TEMPLATE_LIMITS.buttonPayload)
        add(
          132005,
          `${w} is ${fmt(charLength(b.payload))} characters; WhatsApp's limit is ${TEMPLATE_LIMITS.buttonPayload}`,
        );
    }
  }
  for (const def of shape.buttons)
    if (def.needs !== null && !given.has(def.index))
      add(
        132000,
        def.needs === 'url'
          ? `button ${def.index} "${def.text}" needs its URL suffix (${def.url ?? 'its URL'}); none is given`
          : `button ${def.index} "${def.text}" needs its coupon code; none is given`,
      );
  return problems;
}

function list(names: readonly string[]): string {
  return names.map((n) => `{{${n}}}`).join(', ');
}

// ---------------------------------------------------------------------------------------------------
// from a CSV row: what `campaign create --param/--named-param/--header-*/--button-param` map

/** Which column fills which slot of the template. */
export interface ColumnMapping {
  /** Positional body parameters, in order (`--param <column>`). */
  params?: readonly string[];
  /** Named body parameters (`--named-param <name>=<column>`). */
  namedParams?: ReadonlyArray<{ name: string; column: string }>;
  /** The header: media from a column (a link or a media id per row) or one link for every row; text from a column. */
  header?: { type: 'image' | 'document' | 'video' | 'text'; column?: string; link?: string };
  /** Button variables by index (`--button-param <index>=<column>`); the button's kind comes from the template. */
  buttonParams?: ReadonlyArray<{ index: number; column: string }>;
}

const column = (name: string) => `column "${name}"`;

/** Every column the mapping reads, once each, in mapping order. */
export function mappedColumns(mapping: ColumnMapping): string[] {
  const names = [
    ...(mapping.params ?? []),
    ...(mapping.namedParams ?? []).map((p) => p.column),
    ...(mapping.header?.column === undefined ? [] : [mapping.header.column]),
    ...(mapping.buttonParams ?? []).map((b) => b.column),
  ];
  return names.filter((n, i) => names.indexOf(n) === i);
}

/** One message per mapped column the input's header lacks (checked once, before any row). */
export function missingColumns(mapping: ColumnMapping, columns: readonly string[]): string[] {
  return mappedColumns(mapping)
    .filter((c) => !columns.includes(c))
    .map((c) => `${column(c)} is not in the input (its columns: ${columns.join(', ') || 'none'})`);
}

/**
 * One row's values and where each came from, for checkTemplateValues and the send. A cell that is
 * missing is empty (the check reports it, naming the column); a header cell that is an http(s) URL is a
 * link, anything else a media id.
 */
export function rowTemplateValues(
  shape: TemplateShape,
  mapping: ColumnMapping,
  row: Readonly<Record<string, string | undefined>>,
): { values: TemplateValues; sources: ValueSources } {
  const cell = (name: string) => row[name] ?? '';
  const body: TemplateParameter[] = [];
  const bodySources: string[] = [];
  for (const c of mapping.params ?? []) {
    body.push({ type: 'text', text: cell(c) });
    bodySources.push(column(c));
  }
  for (const p of mapping.namedParams ?? []) {
    body.push({ type: 'text', text: cell(p.column), name: p.name });
    bodySources.push(column(p.column));
  }
  const values: TemplateValues = {};
  const sources: { header?: string; body?: string[]; buttons?: Record<number, string> } = {};
  if (body.length > 0) {
    values.body = body;
    sources.body = bodySources;
  }
  const h = mapping.header;
  if (h !== undefined) {
    const raw = h.column === undefined ? (h.link ?? '') : cell(h.column).trim();
    sources.header = h.column === undefined ? `--header-${h.type} ${raw}` : column(h.column);
    if (h.type === 'text') {
      const name = shape.format === 'NAMED' ? shape.header?.params[0] : undefined;
      values.header = { type: 'text', text: raw, ...(name === undefined ? {} : { name }) };
    } else {
      values.header = { type: h.type, source: /^https?:\/\//i.test(raw) ? { link: raw } : { id: raw } };
    }
  }
  if ((mapping.buttonParams ?? []).length > 0) {
    const buttons: TemplateButton[] = [];
    sources.buttons = {};
    for (const b of mapping.buttonParams ?? []) {
      const def = shape.buttons[b.index];
      const value = cell(b.column);
      sources.buttons[b.index] = column(b.column);
      buttons.push(
        def?.needs === 'copy_code'
          ? { subType: 'copy_code', index: b.index, code: value }
          : def?.type === 'QUICK_REPLY'
            ? { subType: 'quick_reply', index: b.index, payload: value }
            : { subType: 'url', index: b.index, text: value },
      );
    }
    values.buttons = buttons;
  }
  return { values, sources };
}
