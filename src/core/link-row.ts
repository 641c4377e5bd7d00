// One batch row -> one link. Pure: the stream plumbing lives in commands/link/batch.ts.

import { invalidInput } from './errors.js';
import { buildLink, validateRef } from './link.js';
import { normalizePhone } from './phone.js';
import { ownValue, parsePlaceholders, type Resolver, renderSegments, type Segment } from './placeholders.js';

export interface RowTemplate {
  defaultCountry?: string | undefined;
  /** The text for rows without a non-empty `text` column (parsed once). */
  text: Segment[] | null;
  /** The ref, which may use placeholders too (`--ref '{{campaign}}'`). */
  ref: Segment[] | null;
  /** `--var` values: a column of the same name wins. */
  vars: Readonly<Record<string, string>>;
  form: 'wa.me' | 'api';
  strict?: boolean | undefined;
  /** The column holding the number (`phone` unless the input names it otherwise). */
  phoneColumn?: string | undefined;
}

export interface RowLink {
  url: string;
  waId: string;
  /** Set when the number has a possible length but no assigned range (see NormalizedPhone.assigned). */
  warning: string | null;
}

export function rowTemplate(
  options: Omit<RowTemplate, 'text' | 'ref'> & { text?: string | undefined; ref?: string | undefined },
): RowTemplate {
  return {
    ...options,
    text: options.text === undefined ? null : parsePlaceholders(options.text),
    ref: options.ref === undefined ? null : parseRef(options.ref),
  };
}

/** A ref without placeholders is the same on every row: a bad one is refused before the first row. */
function parseRef(ref: string): Segment[] {
  const segments = parsePlaceholders(ref);
  if (segments.every((segment) => typeof segment === 'string')) validateRef(segments.join(''));
  return segments;
}

/** Columns other than the phone column and `text` are variables; throws a WaboxError for a bad row. */
export function linkForRow(
  row: Readonly<Record<string, string | undefined>>,
  template: RowTemplate,
  /** The row's text already rendered (from a stored template): used as it is, unless the row has its own. */
  rendered?: string,
): RowLink {
  const phoneColumn = template.phoneColumn ?? 'phone';
  const phoneValue = ownValue(row, phoneColumn);
  if (phoneValue === undefined || phoneValue.trim() === '')
    throw invalidInput('empty phone', { code: 'phone.empty' });
  const phone = normalizePhone(phoneValue, {
    defaultCountry: template.defaultCountry,
    strict: template.strict,
  });
  const resolve: Resolver = (name) => {
    const column = name === phoneColumn || name === 'text' ? undefined : ownValue(row, name);
    if (column !== undefined) return { value: column, source: 'column' };
    const value = ownValue(template.vars, name);
    return value === undefined ? undefined : { value, source: 'var' };
  };
  const rowText = ownValue(row, 'text');
  const ownText = rowText !== undefined && rowText.trim() !== '' ? rowText : null;
  let text: string | null;
  // a row's own text without placeholders is what parsing and filling it would give: skip both
  if (ownText !== null && !ownText.includes('{{')) text = ownText;
  else if (ownText === null && rendered !== undefined) text = rendered;
  else {
    const segments = ownText === null ? template.text : parsePlaceholders(ownText);
    text = segments === null ? null : renderSegments(segments, resolve).text;
    // a row whose placeholders fill to nothing (`{{name}}`, empty name) would get a link without text
    if (text !== null && text.trim() === '')
      throw invalidInput('the text is empty once its placeholders are filled', { code: 'text.empty' });
  }
  const ref = template.ref === null ? null : validateRef(renderSegments(template.ref, resolve).text);
  const warning = phone.assigned
    ? null
    : `${phone.phone} is in no assigned range (libphonenumber metadata): check it`;
  return { url: buildLink({ waId: phone.waId, text, ref }, template.form), waId: phone.waId, warning };
}
