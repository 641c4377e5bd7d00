// The one placeholder renderer: `wabox link --var`, batch columns and templates all use it.
//   {{name}}           the value of `name` (letters, digits, _ . -; starts with a letter or _)
//   {{name|fallback}}  `fallback` when `name` has no value
//   \{{                a literal "{{" (the backslash is dropped); a lone "}}" is always literal
import { invalidInput } from './errors.js';

export interface Placeholder {
  name: string;
  fallback: string | undefined;
}

export type Segment = string | Placeholder;

export interface ResolvedValue {
  value: string;
  /** Where the value came from, e.g. `var`, `default`, `builtin`, `column`. */
  source: string;
}

export type Resolver = (name: string) => ResolvedValue | undefined;

export interface RenderedText {
  text: string;
  /** Every placeholder that was filled, first occurrence order, each name once. */
  used: Array<{ name: string } & ResolvedValue>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Splits a body into literal text and placeholders; throws on a malformed `{{...}}`. */
export function parsePlaceholders(body: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < body.length) {
    // literal text is taken a run at a time: a string built a character at a time is a rope of pieces
    const open = body.indexOf('{{', i);
    if (open === -1) {
      literal += body.slice(i);
      break;
    }
    if (open > i && body[open - 1] === '\\') {
      literal += `${body.slice(i, open - 1)}{{`;
      i = open + 2;
      continue;
    }
    literal += body.slice(i, open);
    i = open;
    const close = body.indexOf('}}', i + 2);
    if (close === -1) {
      throw invalidInput(
        `unclosed placeholder "${excerpt(body, i)}": close it with }} or write \\{{ for literal braces`,
        {
          code: 'placeholder.malformed',
        },
      );
    }
    const inner = body.slice(i + 2, close);
    const bar = inner.indexOf('|');
    const name = (bar === -1 ? inner : inner.slice(0, bar)).trim();
    if (!NAME.test(name)) {
      throw invalidInput(
        `malformed placeholder "{{${inner}}}": a name is letters, digits, _ . - (e.g. {{name}} or {{name|default}}); write \\{{ for literal braces`,
        { code: 'placeholder.malformed' },
      );
    }
    if (literal) segments.push(literal);
    literal = '';
    segments.push({ name, fallback: bar === -1 ? undefined : inner.slice(bar + 1) });
    i = close + 2;
  }
  if (literal) segments.push(literal);
  return segments;
}

/** The distinct placeholder names in a body, in order of first use. */
export function placeholderNames(body: string): string[] {
  const names = new Set<string>();
  for (const segment of parsePlaceholders(body)) if (typeof segment !== 'string') names.add(segment.name);
  return [...names];
}

/**
 * Fills every placeholder. A placeholder with neither a value nor a fallback is an error that names
 * every missing variable at once, so the user fixes them in one go.
 */
export function renderPlaceholders(body: string, resolve: Resolver): RenderedText {
  return renderSegments(parsePlaceholders(body), resolve);
}

export function renderSegments(segments: readonly Segment[], resolve: Resolver): RenderedText {
  let text = '';
  const used = new Map<string, { name: string } & ResolvedValue>();
  const missing: string[] = [];
  for (const segment of segments) {
    if (typeof segment === 'string') {
      text += segment;
      continue;
    }
    const found = resolve(segment.name);
    const resolved =
      found ?? (segment.fallback === undefined ? undefined : { value: segment.fallback, source: 'default' });
    if (resolved === undefined) {
      if (!missing.includes(segment.name)) missing.push(segment.name);
      continue;
    }
    text += resolved.value;
    if (!used.has(segment.name)) used.set(segment.name, { name: segment.name, ...resolved });
  }
  if (missing.length > 0) throw missingVariables(missing);
  return { text, used: [...used.values()] };
}

export function missingVariables(names: readonly string[]) {
  const list = names.map((name) => `{{${name}}}`).join(', ');
  return invalidInput(`no value for ${list}`, {
    code: 'placeholder.missing',
    hint: `give ${names.length === 1 ? 'it' : 'each'} a value with --var ${names[0]}=... or a default such as {{${names[0]}|...}}`,
    details: { missing: [...names] },
  });
}

/**
 * The one lookup of a placeholder's value in a map (--var, batch columns): own properties only, so that
 * `{{toString}}` or `{{constructor}}` never reads what every object inherits.
 */
export function ownValue(
  values: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/** A resolver over a plain map of values, tagged with one source. */
export function mapResolver(values: Readonly<Record<string, string>>, source: string): Resolver {
  return (name) => {
    const value = ownValue(values, name);
    return value === undefined ? undefined : { value, source };
  };
}

/** Parses repeated `key=value` flags; the value may contain `=`. */
export function parseAssignments(pairs: readonly string[], flag = '--var'): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq).trim();
    if (!NAME.test(key)) {
      throw invalidInput(`${flag} "${pair}" is not key=value (the key is letters, digits, _ . -)`, {
        code: 'placeholder.bad_assignment',
      });
    }
    values[key] = pair.slice(eq + 1);
  }
  return values;
}

function excerpt(body: string, at: number): string {
  const piece = body.slice(at, at + 24);
  return piece.length < body.length - at ? `${piece}...` : piece;
}
