import { printable } from '../core/printable.js';
import { csvField } from './csv.js';
import type { ListingFormat } from './format-names.js';
import { writeEach, type FormatInput, type Formatter } from './formatter.js';
import { JSON_FORMATTER, NDJSON_FORMATTER } from './json-formats.js';
import { csvValue, displayValue } from './values.js';
import type { BufferedWriter } from './writer.js';

/**
 * One Format-List block: `Name : value` lines, names padded to the longest, then a blank line (and
 * one before the first block). Values are printable text already; a line break of the caller's
 * own (a list of changes) continues under the value.
 */
export function listBlock(fields: readonly (readonly [string, string])[], first: boolean): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  const lines = fields.map(([name, text]) => `${name.padEnd(width)} : ${text.split('\n').join(`\n${' '.repeat(width + 3)}`)}`);
  return `${first ? '\n' : ''}${lines.join('\n')}\n\n`;
}

/** Format-List: `Name : value` lines, a blank line between records. */
async function list({ batches, columns }: FormatInput, writer: BufferedWriter): Promise<number> {
  return writeEach(batches, writer, (record, index) => listBlock(columns.map((c) => [c, printable(displayValue(record[c] ?? null))]), index === 0));
}

/** Export-Csv: a header row even when there are no records; formulas neutralised unless raw. */
async function csv({ batches, columns, csvRaw }: FormatInput, writer: BufferedWriter): Promise<number> {
  await writer.write(`${columns.map((c) => csvField(c, csvRaw)).join(',')}\r\n`);
  return writeEach(batches, writer, (record) => `${columns.map((c) => csvField(csvValue(record[c] ?? null), csvRaw)).join(',')}\r\n`);
}

/** One identity per line, for a pipeline into another casctl command. */
async function id({ batches, id: property }: FormatInput, writer: BufferedWriter): Promise<number> {
  return writeEach(batches, writer, (record) => `${displayValue(record[property] ?? null)}\n`);
}

/** Format-Table, loaded when a table is written: the other formats do without its layout code. */
const table: Formatter = {
  display: true,
  write: async (input, writer) => (await import('./table.js')).TABLE_FORMATTER.write(input, writer),
};

/** Every output format by its `-o` name: each command offers these, or the subset it declares. */
export const FORMATTERS = Object.freeze({
  table,
  list: { display: true, write: list },
  json: JSON_FORMATTER,
  ndjson: NDJSON_FORMATTER,
  csv: { display: false, write: csv },
  id: { display: false, write: id },
} satisfies Record<ListingFormat, Formatter>);

export type OutputFormat = keyof typeof FORMATTERS;
