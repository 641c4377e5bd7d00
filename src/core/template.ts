// The template library: quick replies (used by /shortcut), greeting and away messages, and CTA texts
// (prefilled text for links). Pure: validation, lookup, rendering. Bodies use the one placeholder
// renderer (core/placeholders.ts): {{name}}, {{name|default}}, \{{ for a literal "{{".
import { invalidInput, notFound, WaboxError } from './errors.js';
import type { BusinessHours } from './hours.js';
import {
  type Placeholder,
  parsePlaceholders,
  type ResolvedValue,
  type Resolver,
  renderSegments,
} from './placeholders.js';
import { consecutiveRuns } from './text.js';

export const TEMPLATE_KINDS = ['quick-reply', 'greeting', 'away', 'cta', 'csat'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The kinds wabox sends by itself: one template per language, picked by the customer's language. */
export const AUTO_KINDS = ['greeting', 'away', 'csat'] as const;
export type AutoKind = (typeof AUTO_KINDS)[number];
const isAutoKind = (kind: TemplateKind): kind is AutoKind => (AUTO_KINDS as readonly string[]).includes(kind);

/** A csat template's body is the question of an interactive message: WhatsApp's body limit. */
export const CSAT_BODY_MAX = 1024;

export interface TemplateVariable {
  name: string;
  /** Used when a render gives no value. */
  default?: string;
  description?: string;
}

/** A stored template; the key order here is the order in files and --json. */
export interface Template {
  name: string;
  kind: TemplateKind;
  /** Quick replies only: `/` and 1-32 letters, digits, `_` or `-`. */
  shortcut?: string;
  /** BCP 47, canonical form (en, hi, gu, ur, pt-BR, ...). */
  language: string;
  description?: string;
  tags?: string[];
  /** Declared variables: defaults and descriptions for placeholders of the body. */
  variables?: TemplateVariable[];
  body: string;
}

/** Variables every render knows; `--var` overrides them. */
export const BUILTIN_VARIABLES = [
  'contact.name',
  'contact.phone',
  'business.name',
  'agent.name',
  'today',
  'next_open',
  'hours',
] as const;

/** A sanity bound on a stored body (a rendered message must still fit text.ts's TEXT_LIMIT). */
export const BODY_MAX = 65_536;

// Unicode property patterns, made on first use: creating them is slow to start, and every `wabox --help`
// loads this module (the template commands' flags use its constants) without validating anything.
let patterns: { name: RegExp; shortcut: RegExp; tag: RegExp } | undefined;
function pattern(which: 'name' | 'shortcut' | 'tag'): RegExp {
  patterns ??= {
    name: /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_.-]{0,63}$/u,
    shortcut: /^\/[\p{L}\p{M}\p{N}_-]{1,32}$/u,
    tag: /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_.-]{0,31}$/u,
  };
  return patterns[which];
}
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const FIELDS = ['name', 'kind', 'shortcut', 'language', 'description', 'tags', 'variables', 'body'];

export const NAME_FORM = '1-64 letters, digits, _ . or -, starting with a letter or digit';
export const SHORTCUT_FORM = '"/" and 1-32 letters, digits, _ or -, e.g. /price';

/** Case- and normalisation-insensitive key for names and shortcuts. */
export function lookupKey(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

export function validateName(name: string): string {
  if (!pattern('name').test(name))
    throw invalidInput(`invalid template name "${name}": use ${NAME_FORM}`, {
      code: 'template.invalid_name',
    });
  return name;
}

/** `price` or `/price` -> `/price`. */
export function normalizeShortcut(input: string): string {
  const shortcut = input.startsWith('/') ? input : `/${input}`;
  if (!pattern('shortcut').test(shortcut))
    throw invalidInput(`invalid shortcut "${input}": use ${SHORTCUT_FORM}`, {
      code: 'template.invalid_shortcut',
    });
  return shortcut;
}

export function normalizeLanguage(input: string): string {
  let canonical: string[];
  try {
    canonical = Intl.getCanonicalLocales(input.trim());
  } catch {
    canonical = [];
  }
  if (canonical.length !== 1 || input.trim() === '')
    throw invalidInput(`invalid language "${input}": use a BCP 47 tag such as en, hi, gu, ur or pt-BR`, {
      code: 'template.invalid_language',
    });
  return canonical[0] as string;
}

export function parseKind(input: string): TemplateKind {
  if (!(TEMPLATE_KINDS as readonly string[]).includes(input))
    throw invalidInput(`unknown template kind "${input}": use ${TEMPLATE_KINDS.join(', ')}`, {
      code: 'template.invalid_kind',
    });
  return input as TemplateKind;
}

/**
 * Checks one template from a file, a flag set or an editor: every problem, not only the first. The
 * template comes back normalised (canonical language, shortcut with its slash, fields in order).
 */
export function checkTemplate(raw: unknown): { template?: Template; problems: string[] } {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { problems: ['is not an object with name, kind, language and body'] };
  const data = raw as Record<string, unknown>;
  for (const key of Object.keys(data)) if (!FIELDS.includes(key)) problems.push(`unknown field "${key}"`);
  const str = (key: string, required: boolean): string | undefined => {
    const value = data[key];
    if (value === undefined || value === null) {
      if (required) problems.push(`${key} is missing`);
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push(`${key} is not a string`);
      return undefined;
    }
    return value;
  };
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      problems.push((err as Error).message);
      return undefined;
    }
  };
  const name = str('name', true);
  if (name !== undefined) attempt(() => validateName(name));
  const kindText = str('kind', true);
  const kind = kindText === undefined ? undefined : attempt(() => parseKind(kindText));
  const shortcutText = str('shortcut', false);
  let shortcut: string | undefined;
  if (kind === 'quick-reply' && shortcutText === undefined) problems.push('a quick reply needs a shortcut');
  if (kind !== undefined && kind !== 'quick-reply' && shortcutText !== undefined)
    problems.push(`only quick replies have a shortcut (this is a ${kind})`);
  if (shortcutText !== undefined) shortcut = attempt(() => normalizeShortcut(shortcutText));
  const languageText = str('language', true);
  const language = languageText === undefined ? undefined : attempt(() => normalizeLanguage(languageText));
  const description = str('description', false);
  if (description !== undefined && (description.length > 500 || CONTROL.test(description)))
    problems.push('description must be at most 500 characters of text');
  let tags: string[] | undefined;
  if (data.tags !== undefined && data.tags !== null) {
    if (!Array.isArray(data.tags) || !data.tags.every((t) => typeof t === 'string'))
      problems.push('tags is not a list of words');
    else {
      tags = data.tags as string[];
      for (const tag of tags)
        if (!pattern('tag').test(tag))
          problems.push(
            `invalid tag "${tag}": use 1-32 letters, digits, _ . or -, starting with a letter or digit`,
          );
      const seen = new Set<string>();
      for (const tag of tags) {
        if (seen.has(lookupKey(tag))) problems.push(`tag "${tag}" is listed twice`);
        seen.add(lookupKey(tag));
      }
      if (tags.length === 0) tags = undefined;
    }
  }
  const body = str('body', true);
  let placeholders: Placeholder[] | undefined;
  if (body !== undefined) {
    if (body.trim() === '') problems.push('body is empty');
    else if ([...body].length > BODY_MAX) problems.push(`body is longer than ${BODY_MAX} characters`);
    else if (kind === 'csat' && [...body].length > CSAT_BODY_MAX)
      problems.push(`a csat question is at most ${CSAT_BODY_MAX} characters (WhatsApp's limit for its body)`);
    else if (!body.isWellFormed()) problems.push('body holds a lone UTF-16 surrogate');
    else if (CONTROL.test(body)) {
      const code = CONTROL.exec(body)![0].codePointAt(0)!.toString(16).padStart(4, '0');
      problems.push(`body contains a binary control character (U+${code})`);
    } else {
      const segments = attempt(() => parsePlaceholders(body));
      if (segments) placeholders = segments.filter((s): s is Placeholder => typeof s !== 'string');
    }
  }
  let variables: TemplateVariable[] | undefined;
  if (data.variables !== undefined && data.variables !== null) {
    variables = checkVariables(data.variables, placeholders, problems);
  }
  if (problems.length > 0) return { problems };
  const template: Template = { name: name!, kind: kind!, language: language!, body: body! };
  return { template: orderFields({ ...template, shortcut, description, tags, variables }), problems };
}

function checkVariables(
  raw: unknown,
  /** The body's placeholders; undefined when the body is missing or invalid (reported already). */
  placeholders: readonly Placeholder[] | undefined,
  problems: string[],
): TemplateVariable[] | undefined {
  if (!Array.isArray(raw)) {
    problems.push('variables is not a list of {name, default, description}');
    return undefined;
  }
  const used = new Set((placeholders ?? []).map((p) => p.name));
  const seen = new Set<string>();
  const out: TemplateVariable[] = [];
  raw.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`variables[${i}] is not an object with a name`);
      return;
    }
    const { name, default: def, description, ...rest } = item as Record<string, unknown>;
    for (const key of Object.keys(rest)) problems.push(`variables[${i}] has an unknown field "${key}"`);
    if (typeof name !== 'string' || !VARIABLE.test(name)) {
      problems.push(`variables[${i}] needs a name of letters, digits, _ . - (as in {{name}})`);
      return;
    }
    if (seen.has(name)) problems.push(`variable "${name}" is declared twice`);
    seen.add(name);
    if (placeholders !== undefined && !used.has(name))
      problems.push(`variable "${name}" is declared but the body has no {{${name}}}`);
    if (def !== undefined && def !== null && typeof def !== 'string')
      problems.push(`variable "${name}": default is not a string`);
    if (description !== undefined && description !== null && typeof description !== 'string')
      problems.push(`variable "${name}": description is not a string`);
    const v: TemplateVariable = { name };
    if (typeof def === 'string') v.default = def;
    if (typeof description === 'string') v.description = description;
    out.push(v);
  });
  return out.length === 0 ? undefined : out;
}

/** The canonical key order; absent optional fields are left out. */
export function orderFields(t: Template): Template {
  const out: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = (t as unknown as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as Template;
}

/** Like checkTemplate, but throws one invalid-input error listing every problem. */
export function validateTemplate(raw: unknown): Template {
  const { template, problems } = checkTemplate(raw);
  if (!template) {
    const name = (raw as { name?: unknown } | null)?.name;
    const label = typeof name === 'string' ? `template "${name}"` : 'template';
    throw invalidInput(`invalid ${label}: ${problems.join('; ')}`, {
      code: 'template.invalid',
      details: { problems },
    });
  }
  return template;
}

/** A clash between two templates of one library. */
export interface Clash {
  /** What they share: the name, the shortcut, or the one greeting/away/csat slot of a language. */
  on: 'name' | 'shortcut' | 'slot';
  existing: string;
  incoming: string;
  message: string;
}

/** Whether `b` may not live beside `a` (same name, same shortcut, or a second greeting/away for a language). */
export function clash(a: Template, b: Template): Clash | undefined {
  if (lookupKey(a.name) === lookupKey(b.name))
    return { on: 'name', existing: a.name, incoming: b.name, message: `"${b.name}": the name is taken` };
  if (a.shortcut !== undefined && b.shortcut !== undefined && lookupKey(a.shortcut) === lookupKey(b.shortcut))
    return {
      on: 'shortcut',
      existing: a.name,
      incoming: b.name,
      message: `"${b.name}": shortcut ${b.shortcut} is used by "${a.name}"`,
    };
  if (isAutoKind(b.kind) && a.kind === b.kind && a.language === b.language)
    return {
      on: 'slot',
      existing: a.name,
      incoming: b.name,
      message: `"${b.name}": there is already a ${b.kind} message in ${b.language} ("${a.name}"); one per language`,
    };
  return undefined;
}

/**
 * The templates of a library by name, shortcut and greeting/away/csat slot, so finding what a template
 * clashes with costs a few map lookups instead of a walk over the whole library.
 */
export class ClashIndex {
  private readonly byKey = new Map<string, Template>();

  constructor(templates: Iterable<Template> = []) {
    for (const t of templates) this.add(t);
  }

  private static keys(t: Template): string[] {
    const keys = [`n:${lookupKey(t.name)}`];
    if (t.shortcut !== undefined) keys.push(`s:${lookupKey(t.shortcut)}`);
    if (isAutoKind(t.kind)) keys.push(`k:${t.kind}:${t.language}`);
    return keys;
  }

  /** Indexes `t`; a key already held keeps its first template. */
  add(t: Template): void {
    for (const key of ClashIndex.keys(t)) if (!this.byKey.has(key)) this.byKey.set(key, t);
  }

  remove(t: Template): void {
    for (const key of ClashIndex.keys(t)) if (this.byKey.get(key) === t) this.byKey.delete(key);
  }

  /** The template of this name (case-insensitive), if any. */
  byName(name: string): Template | undefined {
    return this.byKey.get(`n:${lookupKey(name)}`);
  }

  /** Every indexed template `t` may not live beside, one clash each (as `clash` words it). */
  clashes(t: Template): Clash[] {
    const seen = new Set<Template>();
    const out: Clash[] = [];
    for (const key of ClashIndex.keys(t)) {
      const other = this.byKey.get(key);
      if (other === undefined || seen.has(other)) continue;
      seen.add(other);
      const c = clash(other, t);
      if (c) out.push(c);
    }
    return out;
  }
}

/** Every clash inside a list (a file, or a library after an import). */
export function libraryClashes(templates: readonly Template[]): Clash[] {
  const clashes: Clash[] = [];
  const index = new ClashIndex();
  for (const t of templates) {
    clashes.push(...index.clashes(t));
    index.add(t);
  }
  return clashes;
}

/** Finds a template by name or by `/shortcut` (case-insensitive); notFound otherwise. */
export function findTemplate(templates: readonly Template[], ref: string): Template {
  const key = lookupKey(ref.trim());
  const found = key.startsWith('/')
    ? templates.find((t) => t.shortcut !== undefined && lookupKey(t.shortcut) === key)
    : templates.find((t) => lookupKey(t.name) === key);
  if (found) return found;
  const what = key.startsWith('/') ? `no quick reply with shortcut ${ref}` : `no template named "${ref}"`;
  const alt =
    !key.startsWith('/') &&
    templates.some((t) => t.shortcut !== undefined && lookupKey(t.shortcut) === `/${key}`)
      ? `; did you mean the shortcut /${ref}?`
      : '';
  throw notFound(`${what}${alt}`, {
    code: 'template.not_found',
    hint: 'list them with: wabox template list',
  });
}

export interface TemplateFilter {
  kind?: TemplateKind;
  /** A language matches itself and its regional forms: `en` matches en and en-GB. */
  language?: string;
  tag?: string;
}

export function filterTemplates(templates: readonly Template[], filter: TemplateFilter): Template[] {
  const lang = filter.language === undefined ? undefined : filter.language.toLowerCase();
  const tag = filter.tag === undefined ? undefined : lookupKey(filter.tag);
  return templates.filter(
    (t) =>
      (filter.kind === undefined || t.kind === filter.kind) &&
      (lang === undefined ||
        t.language.toLowerCase() === lang ||
        t.language.toLowerCase().startsWith(`${lang}-`)) &&
      (tag === undefined || (t.tags ?? []).some((x) => lookupKey(x) === tag)),
  );
}

/**
 * The greeting, away or csat message for a customer's language (the webhook's automatic replies): the
 * exact language, else its base language (hi-IN -> hi), else `fallbackLanguage`, else none.
 */
export function findAutoReply(
  templates: readonly Template[],
  kind: AutoKind,
  language: string | undefined,
  fallbackLanguage = 'en',
): Template | undefined {
  const ofKind = templates.filter((t) => t.kind === kind);
  const wanted = [language, language?.split('-')[0], fallbackLanguage].filter(
    (l): l is string => l !== undefined && l !== '',
  );
  for (const lang of wanted) {
    const found = ofKind.find((t) => t.language.toLowerCase() === lang.toLowerCase());
    if (found) return found;
  }
  return undefined;
}

/** What a render knows besides --var: the contact, config names, the clock and business hours. */
export interface RenderContext {
  /** `--var` values: they win over everything else. */
  vars?: Readonly<Record<string, string>>;
  contact?: { name?: string | null; phone?: string | null };
  business?: { name?: string | null };
  agent?: { name?: string | null };
  /** The moment of the render ({{today}}). */
  now: Date;
  /** Zone for {{today}} and {{next_open}}: the business hours' zone, else the machine's. */
  timeZone: string;
  /** The next opening ({{next_open}}); null or absent when business hours are not set. */
  nextOpen?: Date | null;
  /** The business hours ({{hours}}: the week and the next closed date); absent when not set. */
  hours?: BusinessHours | null;
}

export interface UsedVariable {
  name: string;
  value: string;
  /** var, contact, config, clock, hours, template (a declared default) or default (an inline {{x|...}}). */
  source: string;
}

export interface RenderedTemplate {
  text: string;
  /** Length in characters (Unicode code points), as WhatsApp counts its 4,096 limit. */
  length: number;
  variables: UsedVariable[];
}

/**
 * Languages whose Intl time pattern reads badly with "am/pm": Hindi writes "9:00 am बजे", while a
 * native speaker writes the day period as a word, "सुबह 9:00 बजे" (dayPeriod: 'long').
 */
const DAY_PERIOD_WORD = new Set(['hi']);

/** How {{next_open}} is written: weekday, day, month and time, in the template's language. */
export function formatNextOpen(instant: Date, language: string, timeZone: string): string {
  const base = language.split('-')[0] ?? language;
  return new Intl.DateTimeFormat(language, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: 'numeric',
    minute: '2-digit',
    ...(DAY_PERIOD_WORD.has(base) ? { dayPeriod: 'long' } : {}),
    timeZone,
  }).format(instant);
}

/** The word for a closed date in {{hours}}, by language; English for the rest. */
const CLOSED_WORD: Record<string, string> = { en: 'Closed', hi: 'बंद', gu: 'બંધ', ur: 'بند' };

/**
 * How {{hours}} is written: one line per group of days with the same ranges (`Mon–Fri: 09:00–18:00`),
 * day names and times in the template's language, then the next closed date from `now`, if any.
 */
export function formatHours(hours: BusinessHours, language: string, now: Date): string {
  const base = language.split('-')[0] ?? language;
  const dayName = (i: number) =>
    // 2024-01-01 was a Monday; noon UTC is that weekday in every zone
    new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, 1 + i, 12)),
    );
  const time = (minutes: number) =>
    new Intl.DateTimeFormat(language, {
      hour: 'numeric',
      minute: '2-digit',
      ...(DAY_PERIOD_WORD.has(base) ? { dayPeriod: 'long' } : {}),
      timeZone: 'UTC',
    }).format(new Date(Date.UTC(2024, 0, 1, 0, minutes % 1440)));
  const groups = new Map<string, number[]>();
  // hours.ts's WEEKDAYS, not imported: it would load luxon into every start that loads this module
  (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).forEach((day, i) => {
    const ranges = hours.week[day];
    if (ranges.length === 0) return;
    const key = ranges.map((r) => `${time(r.start)}–${time(r.end)}`).join(', ');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const lines: string[] = [];
  for (const [ranges, days] of groups) {
    const runs = consecutiveRuns(days).map(([first, last]) =>
      first === last ? dayName(first) : `${dayName(first)}–${dayName(last)}`,
    );
    lines.push(`${runs.join(', ')}: ${ranges}`);
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: hours.timeZone }).format(now);
  const holiday = hours.closed.find((d) => d >= today);
  if (holiday !== undefined) {
    const date = new Intl.DateTimeFormat(language, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      ...(holiday.slice(0, 4) === today.slice(0, 4) ? {} : { year: 'numeric' }),
      timeZone: 'UTC',
    }).format(new Date(`${holiday}T12:00:00Z`));
    lines.push(`${CLOSED_WORD[base] ?? CLOSED_WORD.en}: ${date}`);
  }
  return lines.join('\n');
}

/** How {{today}} is written: the long date in the template's language. */
export function formatToday(instant: Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone }).format(instant);
}

const BUILTIN_HINTS: Record<string, string> = {
  'contact.name': 'give {{contact.name}} with --contact-name',
  'contact.phone': 'give {{contact.phone}} with --contact-phone',
  'business.name': 'set {{business.name}} with: wabox config set business-name "..."',
  'agent.name': 'set {{agent.name}} with: wabox config set agent-name "..."',
  hours: '{{hours}} needs business hours: wabox hours set ... --tz <zone>',
  next_open: '{{next_open}} needs business hours with an opening ahead: wabox hours set ... --tz <zone>',
};

/** Renders a template body: --var, then built-ins, then declared defaults, then inline defaults. */
export function renderTemplate(template: Template, context: RenderContext): RenderedTemplate {
  const vars = context.vars ?? {};
  const declared = new Map((template.variables ?? []).map((v) => [v.name, v]));
  const builtin = (name: string): ResolvedValue | undefined => {
    const of = (value: string | null | undefined, source: string) =>
      value === undefined || value === null || value === '' ? undefined : { value, source };
    switch (name) {
      case 'contact.name':
        return of(context.contact?.name, 'contact');
      case 'contact.phone':
        return of(context.contact?.phone, 'contact');
      case 'business.name':
        return of(context.business?.name, 'config');
      case 'agent.name':
        return of(context.agent?.name, 'config');
      case 'today':
        return of(formatToday(context.now, template.language, context.timeZone), 'clock');
      case 'hours':
        return context.hours
          ? of(formatHours(context.hours, template.language, context.now), 'hours')
          : undefined;
      case 'next_open':
        return context.nextOpen
          ? of(formatNextOpen(context.nextOpen, template.language, context.timeZone), 'hours')
          : undefined;
      default:
        return undefined;
    }
  };
  const resolve: Resolver = (name) => {
    if (Object.hasOwn(vars, name)) return { value: vars[name] as string, source: 'var' };
    const b = builtin(name);
    if (b) return b;
    const d = declared.get(name)?.default;
    return d === undefined ? undefined : { value: d, source: 'template' };
  };
  try {
    const rendered = renderSegments(parsePlaceholders(template.body), resolve);
    return { text: rendered.text, length: [...rendered.text].length, variables: rendered.used };
  } catch (err) {
    if (err instanceof WaboxError && err.code === 'placeholder.missing') {
      const missing = (err.details?.missing as string[]) ?? [];
      const own = missing.filter((m) => BUILTIN_HINTS[m] === undefined);
      const hints = missing.filter((m) => BUILTIN_HINTS[m] !== undefined).map((m) => BUILTIN_HINTS[m]);
      if (own.length > 0)
        hints.unshift(
          `give ${own.map((m) => `--var ${m}=...`).join(' ')} (or a default: wabox template edit ${template.name} --default ${own[0]}=...)`,
        );
      throw new WaboxError('invalid-input', `template "${template.name}": ${err.message}`, {
        code: err.code,
        hint: hints.join('; '),
        details: err.details,
      });
    }
    throw err;
  }
}

/** The placeholders of a body with where their value would come from, for `template show`. */
export function describeVariables(
  template: Template,
): Array<{ name: string; builtin: boolean; default?: string; description?: string }> {
  const declared = new Map((template.variables ?? []).map((v) => [v.name, v]));
  const seen = new Map<string, { name: string; builtin: boolean; default?: string; description?: string }>();
  for (const segment of parsePlaceholders(template.body)) {
    if (typeof segment === 'string' || seen.has(segment.name)) continue;
    const d = declared.get(segment.name);
    const entry: { name: string; builtin: boolean; default?: string; description?: string } = {
      name: segment.name,
      builtin: (BUILTIN_VARIABLES as readonly string[]).includes(segment.name),
    };
    const def = d?.default ?? segment.fallback;
    if (def !== undefined) entry.default = def;
    if (d?.description !== undefined) entry.description = d.description;
    seen.set(segment.name, entry);
  }
  return [...seen.values()];
}

/** Applies `--default name=value` to a template's declared variables. */
export function withDefaults(template: Template, defaults: Readonly<Record<string, string>>): Template {
  const variables = [...(template.variables ?? [])];
  for (const [name, value] of Object.entries(defaults)) {
    const i = variables.findIndex((v) => v.name === name);
    if (i === -1) variables.push({ name, default: value });
    else variables[i] = { ...variables[i]!, default: value };
  }
  return { ...template, variables: variables.length === 0 ? undefined : variables };
}

/** Drops declared variables the body no longer uses (after an edit); returns their names. */
export function pruneVariables(template: Template): { template: Template; dropped: string[] } {
  if (typeof template !== 'object' || template === null || !Array.isArray(template.variables))
    return { template, dropped: [] };
  let names: Set<string>;
  try {
    names = new Set(
      parsePlaceholders(template.body)
        .filter((s): s is Placeholder => typeof s !== 'string')
        .map((s) => s.name),
    );
  } catch {
    return { template, dropped: [] };
  }
  const keep = template.variables.filter((v) => names.has(v.name));
  const dropped = template.variables.filter((v) => !names.has(v.name)).map((v) => v.name);
  return { template: { ...template, variables: keep.length === 0 ? undefined : keep }, dropped };
}
