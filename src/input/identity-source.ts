import type { Readable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { readIdentityBatches, type IdentityLine } from './identity-file.js';
import { CSV_IDENTITY_COLUMNS, CsvRecords, pipedOutput } from './piped-output.js';

/** Keys tried, in order, on objects piped in as JSON (casctl's own `-o json`, or ConvertTo-Json's). */
const IDENTITY_KEYS = ['Guid', 'Identity', 'PrimarySmtpAddress', 'DistinguishedName', 'Name'] as const;

/** Pipe this instead: the formats made for it. */
const PIPE_HINT = "Pipe '-o id' (one Guid per line) or '-o json' instead";

/**
 * Identities from a file or stdin ("-"), in batches: one per line, a JSON array piped from
 * `casctl ... -o json` (recognised by its opening `[`), or casctl's `-o csv` (recognised by its
 * header, read by its most exact identity column), so that get-* output feeds set-casmailbox.
 * A table or a list piped in is refused at once: read line by line, each of its lines would be
 * "couldn't be found" on its own, and none of them is an identity.
 */
export async function* identitiesFrom(input: Readable, label: string): AsyncGenerator<IdentityLine[]> {
  const batches = readIdentityBatches(input, { source: label });
  // A table is told by its first two lines (header and rule): read until there are two.
  const head: IdentityLine[] = [];
  while (head.length < 2) {
    const next = await batches.next();
    if (next.done === true) break;
    head.push(...next.value);
  }
  if (head.length === 0) return;
  if ((head[0] as IdentityLine).identity.startsWith('[')) {
    const text = head.map((line) => line.identity);
    for await (const batch of batches) for (const line of batch) text.push(line.identity);
    yield fromJson(text.join('\n'), label);
    return;
  }
  const piped = pipedOutput(head.map((line) => line.identity));
  if (piped === undefined) {
    yield head;
    yield* batches;
    return;
  }
  if (piped.kind !== 'csv') {
    const what = piped.kind === 'table' ? "a table (casctl's default output)" : "'-o list' output";
    throw new UsageError(`${label}: this is ${what}, not one identity per line. ${PIPE_HINT}.`);
  }
  yield* fromCsv(piped.header, head.slice(1), batches, label);
}

/** `-o csv` piped in: each record's value in the most exact identity column its header has. */
async function* fromCsv(header: readonly string[], head: IdentityLine[], rest: AsyncIterable<IdentityLine[]>, label: string): AsyncGenerator<IdentityLine[]> {
  const column = CSV_IDENTITY_COLUMNS.find((name) => header.includes(name));
  if (column === undefined) {
    throw new UsageError(`${label}: CSV without a column that names a mailbox (${CSV_IDENTITY_COLUMNS.join(', ')}). Add one with --property Guid, or ${PIPE_HINT.charAt(0).toLowerCase()}${PIPE_HINT.slice(1)}.`);
  }
  const index = header.indexOf(column);
  const records = new CsvRecords();
  let start: number | undefined;
  const identities = (lines: readonly IdentityLine[]): IdentityLine[] => {
    const out: IdentityLine[] = [];
    for (const { line, identity } of lines) {
      start ??= line;
      const record = records.push(identity);
      if (record === undefined) continue;
      if (record.length !== header.length) {
        throw new UsageError(`${label}, line ${start}: ${record.length} field${record.length === 1 ? '' : 's'}, but the CSV header has ${header.length}.`);
      }
      const value = (record[index] as string).trim();
      if (value === '') throw new UsageError(`${label}, line ${start}: no ${column}.`);
      out.push({ line: start, identity: value });
      start = undefined;
    }
    return out;
  };
  const first = identities(head);
  if (first.length > 0) yield first;
  for await (const batch of rest) {
    const found = identities(batch);
    if (found.length > 0) yield found;
  }
  if (records.open) throw new UsageError(`${label}, line ${start}: a quoted CSV field that never ends.`);
}

function fromJson(text: string, label: string): IdentityLine[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${label}: starts like a JSON array but is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`${label}: expected a JSON array of mailboxes or identities.`);
  return parsed.map((item: unknown, index) => {
    const identity = identityOf(item);
    if (identity === null) {
      throw new UsageError(`${label}: item ${index + 1} of the JSON array has none of ${IDENTITY_KEYS.join(', ')}.`);
    }
    return { line: index + 1, identity };
  });
}

function identityOf(item: unknown): string | null {
  if (typeof item === 'string' && item.trim() !== '') return item.trim();
  if (typeof item !== 'object' || item === null) return null;
  const record = item as Record<string, unknown>;
  for (const key of IDENTITY_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}
