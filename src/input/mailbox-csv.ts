import { createReadStream, openSync } from 'node:fs';
import { BOOLEAN_SPELLINGS, parseBoolean } from '../core/boolean.js';
import { parseCanonicalOu } from '../core/distinguished-name.js';
import { UsageError } from '../core/errors.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS, fold, type RecipientTypeDetails } from '../core/mailbox.js';
import type { MailboxRecord } from '../store/directory-store.js';

/** The CSV columns casctl reads (README "CSV import format"); header names are case-insensitive. */
export const CSV_COLUMNS = [
  'Guid', 'DistinguishedName', 'Name', 'Alias', 'DisplayName', 'SamAccountName', 'UserPrincipalName',
  'PrimarySmtpAddress', 'EmailAddresses', 'OrganizationalUnit', 'Department', 'Title', 'Company', 'Office', 'City',
  'StateOrProvince', 'CountryOrRegion', ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `CustomAttribute${n}`),
  'RecipientTypeDetails', 'PopEnabled', 'ImapEnabled', 'Password',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** Plain-text passwords are hashed by the caller; a value with a `{SCHEME}` prefix is already hashed. */
export type PasswordHasher = (plain: string) => string;

const ADDRESS = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REPORTED = 20;

interface RowError {
  line: number;
  message: string;
}

/** Reads and validates a whole mailbox CSV into memory; see mailboxCsvBatches. */
export async function readMailboxCsv(path: string, hashPassword: PasswordHasher): Promise<MailboxRecord[]> {
  const records: MailboxRecord[] = [];
  for await (const batch of mailboxCsvBatches(path, hashPassword)) records.push(...batch);
  return records;
}

/** Validated records per batch: big enough to amortise an await, small enough to keep memory flat. */
const BATCH = 1000;

/**
 * Streams a mailbox CSV as validated records, in batches. Every bad row is reported with its line
 * number: after the first one no more records are yielded, the rest of the file is still checked,
 * and then the generator throws a UsageError listing them. A consumer that writes inside a
 * transaction and rolls back when this throws is all or nothing without holding the file.
 */
export async function* mailboxCsvBatches(path: string, hashPassword: PasswordHasher): AsyncGenerator<MailboxRecord[]> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`Cannot read '${path}': ${(error as Error).message}`);
  }
  const { parse } = await import('csv-parse');
  const input = createReadStream(path, { fd });
  const parser = input.pipe(
    parse({ bom: true, columns: false, relax_column_count: false, skip_empty_lines: true, info: true, trim: false }),
  );
  // pipe() does not forward the source's errors: a read error must end the parse, not crash the process.
  input.on('error', (error) => parser.destroy(error));
  let batch: MailboxRecord[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  let header: (Column | null)[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === null) {
        header = readHeader(record);
        continue;
      }
      const row = toRow(header, record);
      const result = validate(row, hashPassword);
      if (typeof result === 'string') {
        errors.push({ line: info.lines, message: result });
        continue;
      }
      for (const key of uniqueKeys(result)) {
        const earlier = seen.get(key.value);
        if (earlier !== undefined) errors.push({ line: info.lines, message: `${key.what} '${key.shown}' is already used on line ${earlier}` });
        else seen.set(key.value, info.lines);
      }
      if (errors.length > 0) continue;
      batch.push(result);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).syscall !== undefined) {
      throw new UsageError(`Cannot read '${path}': ${(error as Error).message}`);
    }
    throw new UsageError(`${path}: not a valid CSV file: ${(error as Error).message}`);
  }
  if (header === null) throw new UsageError(`${path}: the file is empty; the first line must name the columns.`);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED).map((e) => `  ${path}:${e.line}: ${e.message}`);
    const more = errors.length > MAX_REPORTED ? [`  ... and ${errors.length - MAX_REPORTED} more`] : [];
    throw new UsageError(
      [`Nothing was imported: ${errors.length} bad row${errors.length === 1 ? '' : 's'} in '${path}'.`, ...shown, ...more].join('\n'),
    );
  }
  if (batch.length > 0) yield batch;
}

function readHeader(names: string[]): (Column | null)[] {
  const known = new Map(CSV_COLUMNS.map((c) => [fold(c), c]));
  const header = names.map((name) => known.get(fold(name.trim())) ?? null);
  const unknown = names.filter((_, i) => header[i] === null);
  if (unknown.length > 0) {
    throw new UsageError(
      `Line 1: unknown column${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `'${u}'`).join(', ')}. Known columns: ${CSV_COLUMNS.join(', ')}.`,
    );
  }
  const duplicate = header.find((c, i) => header.indexOf(c) !== i);
  if (duplicate) throw new UsageError(`Line 1: the column '${duplicate}' appears twice.`);
  if (!header.includes('PrimarySmtpAddress')) throw new UsageError(`Line 1: the column 'PrimarySmtpAddress' is required.`);
  return header;
}

type Row = Partial<Record<Column, string>>;

function toRow(header: (Column | null)[], values: string[]): Row {
  const row: Row = {};
  header.forEach((column, i) => {
    const value = values[i]?.trim() ?? '';
    if (column !== null && value !== '') row[column] = value;
  });
  return row;
}

function bool(row: Row, column: 'PopEnabled' | 'ImapEnabled'): boolean | string {
  const text = row[column];
  if (text === undefined) return true;
  const value = parseBoolean(text);
  return value ?? `${column} '${text}' is not a boolean (${BOOLEAN_SPELLINGS})`;
}

function validate(row: Row, hashPassword: PasswordHasher): MailboxRecord | string {
  const primary = row.PrimarySmtpAddress?.replace(/^smtp:/i, '');
  if (primary === undefined) return 'PrimarySmtpAddress is missing';
  if (!ADDRESS.test(primary)) return `PrimarySmtpAddress '${primary}' is not an email address`;
  const [localPart = '', domain = ''] = primary.split('@');

  const addresses: string[] = [primary];
  for (const entry of (row.EmailAddresses ?? '').split(';').map((a) => a.trim()).filter(Boolean)) {
    const typed = /^([a-z0-9]+):(.*)$/i.exec(entry);
    if (typed !== null && fold(typed[1] ?? '') !== 'smtp') return `EmailAddresses: '${entry}' is not an SMTP address (only SMTP: and smtp: are supported)`;
    const address = (typed?.[2] ?? entry).trim();
    if (!ADDRESS.test(address)) return `EmailAddresses: '${address}' is not an email address`;
    if (typed?.[1] === 'SMTP' && fold(address) !== fold(primary)) return `EmailAddresses marks '${address}' as primary (SMTP:) but PrimarySmtpAddress is '${primary}'`;
    if (!addresses.some((a) => fold(a) === fold(address))) addresses.push(address);
  }

  const ouText = row.OrganizationalUnit ?? `${domain}/Users`;
  if (parseCanonicalOu(ouText) === null) return `OrganizationalUnit '${ouText}' is not a canonical name such as '${domain}/North America/Finance'`;

  const type = row.RecipientTypeDetails ?? 'UserMailbox';
  const recipientType = RECIPIENT_TYPE_DETAILS.find((t) => fold(t) === fold(type));
  if (recipientType === undefined) return `RecipientTypeDetails '${type}' is not one of ${RECIPIENT_TYPE_DETAILS.join(', ')}`;

  if (row.Guid !== undefined && !GUID.test(row.Guid)) return `Guid '${row.Guid}' is not a GUID`;
  const pop = bool(row, 'PopEnabled');
  if (typeof pop === 'string') return pop;
  const imap = bool(row, 'ImapEnabled');
  if (typeof imap === 'string') return imap;

  const alias = row.Alias ?? localPart;
  const name = row.Name ?? row.DisplayName ?? alias;
  const sam = row.SamAccountName ?? alias;
  if (sam.length > 64 || /[\\/"[\]:;|=,+*?<>@]/.test(sam)) return `SamAccountName '${sam}' has characters Active Directory does not allow`;
  const password = row.Password;
  return {
    Guid: row.Guid?.toLowerCase() ?? null,
    DistinguishedName: row.DistinguishedName ?? null,
    Name: name,
    DisplayName: row.DisplayName ?? name,
    Alias: alias,
    SamAccountName: sam,
    UserPrincipalName: row.UserPrincipalName ?? `${sam}@${domain.toLowerCase()}`,
    PrimarySmtpAddress: primary.toLowerCase(),
    EmailAddresses: addresses.map((a) => a.toLowerCase()),
    OrganizationalUnit: ouText,
    Department: row.Department ?? null,
    Title: row.Title ?? null,
    Company: row.Company ?? null,
    Office: row.Office ?? null,
    City: row.City ?? null,
    StateOrProvince: row.StateOrProvince ?? null,
    CountryOrRegion: row.CountryOrRegion ?? null,
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map((n) => row[`CustomAttribute${n}` as Column] ?? null),
    RecipientTypeDetails: recipientType as RecipientTypeDetails,
    PopEnabled: pop,
    ImapEnabled: imap,
    Password: password === undefined ? null : /^\{[A-Z0-9.-]+\}/.test(password) ? password : hashPassword(password),
  };
}

function uniqueKeys(record: MailboxRecord): { what: string; value: string; shown: string }[] {
  return [
    ...record.EmailAddresses.map((a) => ({ what: 'The address', value: `address:${fold(a)}`, shown: a })),
    { what: 'SamAccountName', value: `sam:${fold(record.SamAccountName)}`, shown: record.SamAccountName },
    { what: 'UserPrincipalName', value: `upn:${fold(record.UserPrincipalName)}`, shown: record.UserPrincipalName },
    ...(record.Guid === null ? [] : [{ what: 'Guid', value: `guid:${record.Guid}`, shown: record.Guid }]),
  ];
}
