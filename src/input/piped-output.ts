import { MAILBOX_FILTER_SCHEMA } from '../core/properties.js';

/** Every property name casctl's listings print, as they print it (case matters: a header is casctl's own); the recorded logins' too. */
const PROPERTY_NAMES: ReadonlySet<string> = new Set(['Identity', ...MAILBOX_FILTER_SCHEMA.properties.map((p) => p.name)]);

/** The CSV columns that name a mailbox, most exact first: a Guid never changes and never repeats. */
export const CSV_IDENTITY_COLUMNS = ['Guid', 'PrimarySmtpAddress', 'DistinguishedName', 'Identity', 'Name'] as const;

/**
 * What casctl output the first lines of an identity source are, when they are not one identity
 * per line: a table (column names over a dashed rule), a list (`Name : value`) or CSV (a header
 * of property names, `-o csv`). `lines` are the trimmed lines the identity reader gives (blank and
 * `#` lines skipped); two are enough. List and CSV headers must be casctl's property names,
 * exactly, so an identity file whose first line is a DN (commas) or a name is never taken for one.
 */
export function pipedOutput(lines: readonly string[]): { kind: 'table' | 'list' } | { kind: 'csv'; header: string[] } | undefined {
  const [first = '', second = ''] = lines;
  const words = first.split(/\s+/);
  // Any casctl table (get-changelog's too): column names over a rule of as many dashed groups.
  if (/^-+(?: +-+)*$/.test(second) && second.split(/ +/).length === words.length && words.every((w) => /^[A-Z][A-Za-z0-9]*$/.test(w))) return { kind: 'table' };
  const listed = /^([A-Za-z0-9]+) +: /.exec(first);
  if (listed !== null && PROPERTY_NAMES.has(listed[1] as string)) return { kind: 'list' };
  const header = csvFields(first);
  const known = header !== undefined && header.every((field) => PROPERTY_NAMES.has(field));
  if (known && (header.length > 1 || CSV_IDENTITY_COLUMNS.some((c) => c === header[0]))) return { kind: 'csv', header };
  return undefined;
}

/** A header row's fields, quotes removed; undefined if the line is not one (a quote inside a field). */
function csvFields(line: string): string[] | undefined {
  const fields = line.split(',').map((field) => (/^".*"$/.test(field) ? field.slice(1, -1) : field));
  return fields.some((field) => field.includes('"')) ? undefined : fields;
}

/** What casctl's csv does to a would-be formula (output/csv.ts), undone: `'=x` was `=x`. */
const NEUTRALISED = /^'(?=[=+\-@\t\r])/;

/**
 * RFC 4180 records from lines: a quoted field may hold commas, doubled quotes and line breaks
 * (its record then spans lines). Streams: a record is returned as soon as its last line is in.
 */
export class CsvRecords {
  private fields: string[] = [];
  private field = '';
  private quoted = false;

  /** The record `line` completes, or undefined while a quoted field is still open. */
  push(line: string): string[] | undefined {
    for (let i = 0; i < line.length; i++) {
      const char = line[i] as string;
      if (this.quoted) {
        if (char !== '"') this.field += char;
        else if (line[i + 1] === '"') this.field += line[++i] as string;
        else this.quoted = false;
      } else if (char === '"') this.quoted = true;
      else if (char === ',') this.fields.push(this.take());
      else this.field += char;
    }
    if (this.quoted) {
      this.field += '\n';
      return undefined;
    }
    const record = [...this.fields, this.take()];
    this.fields = [];
    return record;
  }

  /** True when the input ended inside a quoted field. */
  get open(): boolean {
    return this.quoted;
  }

  private take(): string {
    const value = this.field.replace(NEUTRALISED, '');
    this.field = '';
    return value;
  }
}
