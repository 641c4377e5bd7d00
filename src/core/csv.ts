// Writing CSV fields: quoting as csv-stringify does, and neutralising cells a spreadsheet would run as a
// formula. Every CSV wabox writes goes through here.

/**
 * A cell a spreadsheet reads as a formula (starts with = + - @, a tab or a CR) gets a leading `'`, as OWASP
 * recommends against CSV injection (`=HYPERLINK(...)`, `@SUM(...)`, DDE). A cell that is only a number as
 * phone numbers are written (`+91 98765 43210`, `-1.5`, `+1 (650) 253-0000`) is left as it is: a
 * spreadsheet can only compute a number from it, and a `'` would change every E.164 phone of a batch.
 */
export function neutralizeFormula(cell: string): string {
  const c = cell.charCodeAt(0);
  if (c !== 0x3d && c !== 0x2b && c !== 0x2d && c !== 0x40 && c !== 0x09 && c !== 0x0d) return cell;
  if ((c === 0x2b || c === 0x2d) && PLAIN_NUMBER.test(cell)) return cell;
  return `'${cell}`;
}

const PLAIN_NUMBER = /^[+-][0-9 ().-]*[0-9][0-9 ().-]*$/;

/**
 * A CSV field as csv-stringify writes it with its defaults: quoted when it holds a quote, a comma, \r or
 * \n, its quotes doubled.
 */
// Not csv-stringify: with it `link --batch` took 1.74x and 1.22x the time (bench/link-batch.mjs corpora).
export function csvField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** A CSV record (no line break), every field neutralised unless `raw`. */
export function csvLine(fields: readonly string[], raw = false): string {
  return fields.map((field) => csvField(raw ? field : neutralizeFormula(field))).join(',');
}
