import { createReadStream, openSync } from 'node:fs';
import { BOOLEAN_SPELLINGS, parseBoolean } from '../core/boolean.js';
import { parseCanonicalOu } from '../core/distinguished-name.js';
import { CasctlError, ExitCode, UsageError } from '../core/errors.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS, fold, type RecipientTypeDetails } from '../core/mailbox.js';
import { CAS_SETTINGS, PROTOCOLS, isNullable, type CasSettingName, type CasSettings, type SettingValue } from '../core/protocols.js';
import type { ImportField, ImportRecord } from '../store/directory-store.js';
import { CheckedText } from './checked-text.js';
import { PasswordHashError, type BatchPasswordHasher } from './hash-pool.js';
import { counted } from '../core/counted.js';
import { shortList, suggest } from '../core/suggest.js';

/** The CSV columns casctl reads (README "CSV import format"); header names are case-insensitive. */
export const CSV_COLUMNS = [
  'Guid', 'DistinguishedName', 'Name', 'Alias', 'DisplayName', 'SamAccountName', 'UserPrincipalName',
  'PrimarySmtpAddress', 'EmailAddresses', 'OrganizationalUnit', 'Department', 'Title', 'Company', 'Office', 'City',
  'StateOrProvince', 'CountryOrRegion', ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `CustomAttribute${n}`),
  'RecipientTypeDetails', ...CAS_SETTINGS, 'Password',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/**
 * Plain-text passwords are hashed by the caller: by a pool of workers, a batch at a time, or one
 * by one (tests that store them readable). A value with a `{SCHEME}` prefix is already hashed.
 */
export type PasswordHasher = BatchPasswordHasher | ((plain: string) => string);
const HASHED = /^\{[A-Z0-9.-]+\}/;
/** crypt(3) (libxcrypt), which Dovecot verifies SHA512-CRYPT with, refuses longer passphrases. */
const MAX_PASSWORD_BYTES = 511;

/**
 * Addresses reach Dovecot and doveadm's argv: besides what an address may not hold, no leading
 * `-` (read as an option), no `*`, `?` or `%` (doveadm's user-mask wildcards), no whitespace or
 * control characters (pending-change lists are tab-joined).
 */
const ATOM = '[^\\s@<>(),;:"\\\\*?%\\x00-\\x1f\\x7f]+';
const ADDRESS = new RegExp(`^(?!-)${ATOM}@(?!-)${ATOM}\\.${ATOM}$`);
/** Dovecot's schemes that store the password readable. */
const PLAINTEXT_SCHEME = /^\{(PLAIN|CLEAR|CLEARTEXT|PLAIN-TRUNC)\}/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REPORTED = 20;
/**
 * The longest row a directory export can need (fifty columns of long values fit in a few KB): a
 * row beyond it is a broken file, such as an unclosed quote that swallows the rest, and is
 * refused by its line rather than read into memory whole.
 */
export const MAX_ROW_BYTES = 1024 * 1024;

interface RowError {
  line: number;
  message: string;
}

/** What a read found besides the records, known once it ends. */
export interface CsvFindings {
  /** Passwords given with a plaintext scheme ({PLAIN}, ...): stored readable. */
  plaintextPasswords: number;
}

/** Reads and validates a whole mailbox CSV into memory; see mailboxCsvBatches. */
export async function readMailboxCsv(path: string, hashPassword: PasswordHasher, findings?: CsvFindings): Promise<ImportRecord[]> {
  const records: ImportRecord[] = [];
  for await (const batch of mailboxCsvBatches(path, hashPassword, findings)) records.push(...batch);
  return records;
}

/** Validated records per batch: big enough to amortise an await, small enough to keep memory flat. */
const BATCH = 1000;
/**
 * Batches whose passwords are being hashed while the file reads on: enough to keep every worker
 * busy, few enough that memory stays flat (a batch is yielded only when all before it are).
 */
const HASHING_AHEAD = 4;

/** A batch on its way out: its records, once the plain-text passwords in it are hashed. */
type HashedBatch = Promise<ImportRecord[]>;

/**
 * Replaces the batch's plain-text passwords with their hashes. Passwords that cannot be hashed
 * fail the read with their line (or lines), never with the password.
 */
function hashBatch(path: string, batch: ImportRecord[], lines: readonly number[], hasher: BatchPasswordHasher): HashedBatch {
  const plain = batch.flatMap((record, i) => (record.Password === null || HASHED.test(record.Password) ? [] : [i]));
  const passwords = plain.map((i) => batch[i]?.Password ?? '');
  const hashed = (async () => {
    if (plain.length === 0) return batch;
    let hashes: string[];
    try {
      hashes = await hasher.hash(passwords);
    } catch (error) {
      // A hasher that cannot say which password failed fails the whole batch.
      const failed = error instanceof PasswordHashError ? error : new PasswordHashError(0, passwords.length, (error as Error).message);
      const line = (k: number): number => lines[plain[k] ?? 0] ?? 0;
      const first = line(failed.index);
      const last = line(failed.index + failed.count - 1);
      const message = passwords.slice(failed.index, failed.index + failed.count).reduce((text, password) => text.split(password).join('***'), failed.message);
      const where = first === last ? `${path}:${first}` : `${path}:${first}-${last}`;
      throw new CasctlError(`${where}: the password could not be hashed: ${message}; nothing was imported.`, ExitCode.Internal);
    }
    plain.forEach((i, k) => {
      const record = batch[i];
      if (record !== undefined) batch[i] = { ...record, Password: hashes[k] ?? null };
    });
    return batch;
  })();
  // Batches hashed ahead of a bad row are never awaited: their failure must not crash the process.
  hashed.catch(() => undefined);
  return hashed;
}

/**
 * Streams a mailbox CSV as validated records, in batches. Every bad row is reported with its line
 * number: after the first one no more records are yielded, the rest of the file is still checked,
 * and then the generator throws a UsageError listing them. A consumer that writes inside a
 * transaction and rolls back when this throws is all or nothing without holding the file.
 */
export async function* mailboxCsvBatches(path: string, hashPassword: PasswordHasher, findings?: CsvFindings): AsyncGenerator<ImportRecord[]> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`Cannot read '${path}': ${(error as Error).message}`);
  }
  const { parse } = await import('csv-parse');
  const input = createReadStream(path, { fd });
  const checked = new CheckedText(path);
  const parser = input.pipe(checked).pipe(
    parse({ bom: true, columns: false, relax_column_count: false, skip_empty_lines: true, info: true, trim: false, max_record_size: MAX_ROW_BYTES }),
  );
  // pipe() does not forward errors: a read or encoding error must end the parse, not crash the process.
  input.on('error', (error) => parser.destroy(error));
  checked.on('error', (error) => parser.destroy(error));
  const hasher: BatchPasswordHasher = typeof hashPassword === 'function' ? { hash: async (plain) => plain.map(hashPassword) } : hashPassword;
  let batch: ImportRecord[] = [];
  let lines: number[] = [];
  const ahead: HashedBatch[] = [];
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
      const result = validate(row);
      if (typeof result === 'string') {
        errors.push({ line: info.lines, message: withoutPassword(result, row) });
        continue;
      }
      if (findings !== undefined && PLAINTEXT_SCHEME.test(row.values.Password ?? '')) findings.plaintextPasswords++;
      for (const key of uniqueKeys(result)) {
        const earlier = seen.get(key.value);
        if (earlier !== undefined) errors.push({ line: info.lines, message: `${key.what} '${key.shown}' is already used on line ${earlier}` });
        else seen.set(key.value, info.lines);
      }
      if (errors.length > 0) continue;
      result.Line = info.lines;
      batch.push(result);
      lines.push(info.lines);
      if (batch.length >= BATCH) {
        ahead.push(hashBatch(path, batch, lines, hasher));
        batch = [];
        lines = [];
        if (ahead.length >= HASHING_AHEAD) yield await ahead.shift()!;
      }
    }
  } catch (error) {
    if (error instanceof CasctlError) throw error;
    if ((error as NodeJS.ErrnoException).syscall !== undefined) {
      throw new UsageError(`Cannot read '${path}': ${(error as Error).message}`);
    }
    throw new UsageError(`${path}:${describeCsvError(error, header?.length ?? 0)}; nothing was imported.`);
  }
  if (header === null) throw new UsageError(`${path}: the file is empty; the first line must name the columns.`);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED).map((e) => `  ${path}:${e.line}: ${e.message}`);
    const more = errors.length > MAX_REPORTED ? [`  ... and ${errors.length - MAX_REPORTED} more`] : [];
    throw new UsageError(
      [`Nothing was imported: ${counted(errors.length, 'bad row')} in '${path}'.`, ...shown, ...more].join('\n'),
    );
  }
  if (batch.length > 0) ahead.push(hashBatch(path, batch, lines, hasher));
  for (const next of ahead) yield await next;
}

const COLUMNS_LISTED_BY = 'the README\'s "CSV import format" lists them';

function readHeader(names: string[]): (Column | null)[] {
  const known = new Map(CSV_COLUMNS.map((c) => [fold(c), c]));
  const header = names.map((name) => known.get(fold(name.trim())) ?? null);
  const unknown = names.filter((_, i) => header[i] === null);
  const [first] = unknown;
  if (first !== undefined) {
    // Each unknown header gets its own guess; the list of columns is shown once.
    const guesses = unknown.map((name) => ({ name, guess: suggest(name, CSV_COLUMNS, 1)[0] }));
    const named = guesses.map(({ name, guess }) => `'${name}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`).join(', ');
    throw new UsageError(`Line 1: unknown column${unknown.length === 1 ? '' : 's'} ${named}. Known columns: ${shortList(CSV_COLUMNS, first, COLUMNS_LISTED_BY)}.`);
  }
  const duplicate = header.find((c, i) => header.indexOf(c) !== i);
  if (duplicate) throw new UsageError(`Line 1: the column '${duplicate}' appears twice.`);
  if (!header.includes('PrimarySmtpAddress')) throw new UsageError(`Line 1: the column 'PrimarySmtpAddress' is required.`);
  return header;
}

/**
 * csv-parse's messages quote the field they stopped in, which may be a password: the problem is
 * told from its code instead, with the line.
 */
function describeCsvError(error: unknown, columns: number): string {
  const { code, lines, record } = error as { code?: string; lines?: number; record?: unknown[] };
  const problems: Record<string, string> = {
    CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: `the row has ${Array.isArray(record) ? record.length : 'a different number of'} fields, the header ${columns}`,
    CSV_INVALID_OPENING_QUOTE: 'a quote inside a field that does not start with one (quote the whole field and double the quotes in it)',
    CSV_INVALID_CLOSING_QUOTE: 'a closing quote not followed by a comma or the end of the line',
    CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
    CSV_MAX_RECORD_SIZE: `the row is longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB (a quote that is never closed?)`,
  };
  return `${lines ?? '?'}: not a valid CSV file: ${problems[code ?? ''] ?? `${code ?? 'unreadable'} (see RFC 4180)`}`;
}

/** A row's problem as reported: its password never appears in it, whatever the column. */
function withoutPassword(message: string, row: Row): string {
  const password = row.values.Password;
  return password === undefined ? message : message.split(password).join('***');
}

/**
 * Columns whose empty cell clears the stored value on an update; an empty cell of any other
 * column (a required text, a boolean, the password, the addresses) leaves it as it is.
 */
const CLEARABLE = new Set<Column>(['Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion', ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `CustomAttribute${n}` as Column)]);
const KEYS = new Set<Column>(['Guid', 'PrimarySmtpAddress']);

interface Row {
  values: Partial<Record<Column, string>>;
  given: readonly ImportField[];
}

/** One array per distinct set of given columns: a file's rows mostly share one. */
const givenSets = new Map<string, readonly ImportField[]>();

function toRow(header: (Column | null)[], cells: string[]): Row {
  const values: Row['values'] = {};
  const given: ImportField[] = [];
  header.forEach((column, i) => {
    if (column === null) return;
    const value = cells[i]?.trim() ?? '';
    if (value !== '') values[column] = value;
    if (!KEYS.has(column) && (value !== '' || CLEARABLE.has(column))) given.push(column as ImportField);
  });
  const key = given.join(',');
  const shared = givenSets.get(key) ?? given;
  givenSets.set(key, shared);
  return { values, given: shared };
}

/**
 * A CAS setting's cell. Undefined when the row does not give it (no column, or an empty cell):
 * where a mailbox is created, its OU's plan decides. `$null` or `null` sets a nullable one to
 * follow the organisation default.
 */
function bool(row: Row['values'], column: CasSettingName, nullable: boolean): SettingValue | string | undefined {
  const text = row[column];
  if (text === undefined) return undefined;
  const value = parseBoolean(text);
  if (value === null && nullable && ['$null', 'null'].includes(text.trim().toLowerCase())) return null;
  return value ?? `${column} '${text}' is not a boolean (${BOOLEAN_SPELLINGS}${nullable ? ", or $null" : ''})`;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/g;

/** Why an address cannot be stored, or null. Control characters are shown escaped. */
function addressProblem(what: string, address: string): string | null {
  if (ADDRESS.test(address)) return null;
  const shown = `'${address.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
  if (shown.length !== address.length + 2) return `${what} ${shown} holds a control character`;
  if (/[*?%]/.test(address)) return `${what} ${shown} holds a wildcard ('*', '?' or '%'), which doveadm would read as a mask`;
  if (/^-|@-/.test(address)) return `${what} ${shown} starts with '-', which a command would read as an option`;
  return `${what} ${shown} is not an email address`;
}

/** A row as a record; a plain-text password stays plain here, to be hashed with its batch. */
function validate({ values: row, given }: Row): ImportRecord | string {
  const primary = row.PrimarySmtpAddress?.replace(/^smtp:/i, '');
  if (primary === undefined) return 'PrimarySmtpAddress is missing';
  const primaryProblem = addressProblem('PrimarySmtpAddress', primary);
  if (primaryProblem !== null) return primaryProblem;
  const [localPart = '', domain = ''] = primary.split('@');

  const addresses: string[] = [primary];
  for (const entry of (row.EmailAddresses ?? '').split(';').map((a) => a.trim()).filter(Boolean)) {
    const typed = /^([a-z0-9]+):(.*)$/i.exec(entry);
    if (typed !== null && fold(typed[1] ?? '') !== 'smtp') return `EmailAddresses: '${entry}' is not an SMTP address (only SMTP: and smtp: are supported)`;
    const address = (typed?.[2] ?? entry).trim();
    const problem = addressProblem('EmailAddresses:', address);
    if (problem !== null) return problem;
    if (typed?.[1] === 'SMTP' && fold(address) !== fold(primary)) return `EmailAddresses marks '${address}' as primary (SMTP:) but PrimarySmtpAddress is '${primary}'`;
    if (!addresses.some((a) => fold(a) === fold(address))) addresses.push(address);
  }

  const ouText = row.OrganizationalUnit ?? `${domain}/Users`;
  if (parseCanonicalOu(ouText) === null) return `OrganizationalUnit '${ouText}' is not a canonical name such as '${domain}/North America/Finance'`;

  const type = row.RecipientTypeDetails ?? 'UserMailbox';
  const recipientType = RECIPIENT_TYPE_DETAILS.find((t) => fold(t) === fold(type));
  if (recipientType === undefined) return `RecipientTypeDetails '${type}' is not one of ${RECIPIENT_TYPE_DETAILS.join(', ')}`;

  if (row.Guid !== undefined && !GUID.test(row.Guid)) return `Guid '${row.Guid}' is not a GUID`;
  const settings: CasSettings = {};
  for (const protocol of PROTOCOLS) {
    const value = bool(row, protocol.property, isNullable(protocol));
    if (typeof value === 'string') return value;
    // bool gives null only for a nullable setting.
    if (value !== undefined) (settings as Record<CasSettingName, SettingValue>)[protocol.property] = value;
  }

  const alias = row.Alias ?? localPart;
  const name = row.Name ?? row.DisplayName ?? alias;
  const sam = row.SamAccountName ?? alias;
  if (sam.length > 64 || /[\\/"[\]:;|=,+*?<>@]/.test(sam)) return `SamAccountName '${sam}' has characters Active Directory does not allow`;
  const upn = row.UserPrincipalName ?? `${sam}@${domain.toLowerCase()}`;
  const upnProblem = addressProblem('UserPrincipalName', upn);
  if (upnProblem !== null) return upnProblem;
  if (row.Password !== undefined && !HASHED.test(row.Password) && Buffer.byteLength(row.Password) > MAX_PASSWORD_BYTES) {
    return `Password is longer than ${MAX_PASSWORD_BYTES} bytes: Dovecot (crypt(3)) could never verify it`;
  }
  return {
    Guid: row.Guid?.toLowerCase() ?? null,
    DistinguishedName: row.DistinguishedName ?? null,
    Name: name,
    DisplayName: row.DisplayName ?? name,
    Alias: alias,
    SamAccountName: sam,
    UserPrincipalName: upn,
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
    ...settings,
    Password: row.Password ?? null,
    Given: given,
  };
}

/**
 * The values no two rows may share. A SamAccountName or UPN only when given: a default (from the
 * address) applies only if the row creates a mailbox, which only the store knows, and it refuses
 * a clash then.
 */
function uniqueKeys(record: ImportRecord): { what: string; value: string; shown: string }[] {
  return [
    ...record.EmailAddresses.map((a) => ({ what: 'The address', value: `address:${fold(a)}`, shown: a })),
    ...(record.Given?.includes('SamAccountName') !== false ? [{ what: 'SamAccountName', value: `sam:${fold(record.SamAccountName)}`, shown: record.SamAccountName }] : []),
    ...(record.Given?.includes('UserPrincipalName') !== false ? [{ what: 'UserPrincipalName', value: `upn:${fold(record.UserPrincipalName)}`, shown: record.UserPrincipalName }] : []),
    ...(record.Guid === null ? [] : [{ what: 'Guid', value: `guid:${record.Guid}`, shown: record.Guid }]),
  ];
}
