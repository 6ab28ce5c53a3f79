/**
 * A cell a spreadsheet would read as a formula (OWASP "CSV Injection"): `=HYPERLINK(...)`, `+cmd`,
 * `-2+3`, `@SUM(...)`, or a leading tab or carriage return that some spreadsheets skip first.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * One RFC 4180 field: quoted when needed (and around edge spaces, which readers trim), quotes
 * doubled. Unless `raw`, a would-be formula gets OWASP's treatment: a leading `'`, which
 * spreadsheets show as text and hide, and quotes around the field.
 */
export function csvField(text: string, raw: boolean): string {
  if (!raw && FORMULA_START.test(text)) return `"'${text.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
