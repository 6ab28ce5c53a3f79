import type { Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { fold } from '../core/mailbox.js';
import { csvField } from './csv.js';
import { printable } from '../core/printable.js';
import { csvValue, displayValue, type OutputRecord } from './values.js';
import { BufferedWriter } from './writer.js';

export const OUTPUT_FORMATS = ['table', 'list', 'json', 'csv', 'id'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(text: string): OutputFormat {
  const format = OUTPUT_FORMATS.find((f) => f === fold(text.trim()));
  if (format === undefined) throw new UsageError(`Unknown output format '${text}'. Use one of: ${OUTPUT_FORMATS.join(', ')}.`);
  return format;
}

/** What a command declares about its output objects (cf. cli-microsoft365's defaultProperties). */
export interface View {
  /** Every property `--property` may name, in display order. */
  properties: readonly string[];
  /** What json, csv and list show by default. */
  defaults: readonly string[];
  /** Columns of the default table. */
  table: readonly string[];
  /** The property `-o id` prints: a stable identity another casctl command accepts. */
  id: string;
}

export interface RenderOptions {
  format: OutputFormat;
  view: View;
  /** The columns, from chooseProperties. */
  properties: readonly string[];
  colour: boolean;
  /** csv: write would-be formulas as they are, for machine consumers (`--csv-raw`); else they are neutralised. */
  csvRaw?: boolean;
}

/** Resolves `--property` names against the view; `*` means every property. */
export function chooseProperties(view: View, format: OutputFormat, requested: readonly string[] | undefined): readonly string[] {
  if (format === 'id') return [view.id];
  if (requested === undefined || requested.length === 0) {
    return format === 'table' ? view.table : view.defaults;
  }
  const chosen: string[] = [];
  for (const name of requested) {
    if (name === '*') {
      chosen.push(...view.properties);
      continue;
    }
    const property = view.properties.find((p) => fold(p) === fold(name));
    if (property === undefined) {
      throw new UsageError(`Unknown property '${name}' in --property. Properties: ${view.properties.join(', ')}.`);
    }
    chosen.push(property);
  }
  return [...new Set(chosen)];
}

/**
 * Records to render: a few, as a plain list, or a stream of them in batches, so that a million
 * records cost a thousand awaits rather than a million.
 */
export type Records = Iterable<OutputRecord> | AsyncIterable<readonly OutputRecord[]>;

/** Streams records to `out` in the chosen format; returns how many were written. */
export async function render(records: Records, out: Writable, options: RenderOptions): Promise<number> {
  const batches: AsyncIterable<readonly OutputRecord[]> | Iterable<readonly OutputRecord[]> =
    Symbol.asyncIterator in records ? records : [[...records]];
  const columns = options.properties;
  const writer = new BufferedWriter(out);
  let count = 0;
  // Each batch is rendered to one string and written once.
  const each = async (line: (record: OutputRecord) => string): Promise<void> => {
    for await (const batch of batches) {
      let text = '';
      for (const record of batch) {
        text += line(record);
        count++;
      }
      await writer.write(text);
    }
  };
  switch (options.format) {
    case 'json': {
      await writer.write('[');
      await each((record) => `${count === 0 ? '\n  ' : ',\n  '}${JSON.stringify(pick(record, columns))}`);
      await writer.write(count === 0 ? ']\n' : '\n]\n');
      break;
    }
    case 'csv': {
      const raw = options.csvRaw === true;
      await writer.write(`${columns.map((c) => csvField(c, raw)).join(',')}\r\n`);
      await each((record) => `${columns.map((c) => csvField(csvValue(record[c] ?? null), raw)).join(',')}\r\n`);
      break;
    }
    case 'id': {
      await each((record) => `${displayValue(record[options.view.id] ?? null)}\n`);
      break;
    }
    case 'list': {
      const width = Math.max(...columns.map((c) => c.length));
      await each((record) => {
        const lines = columns.map((c) => `${c.padEnd(width)} : ${printable(displayValue(record[c] ?? null))}`);
        return `${count === 0 ? '\n' : ''}${lines.join('\n')}\n\n`;
      });
      break;
    }
    case 'table': {
      count = await table(batches, columns, writer, options.colour);
      break;
    }
  }
  await writer.flush();
  return count;
}

function pick(record: OutputRecord, columns: readonly string[]): OutputRecord {
  const picked: OutputRecord = {};
  for (const column of columns) picked[column] = record[column] ?? null;
  return picked;
}

/** Rows per cli-table3 render: it slows down more than linearly with the rows of one table. */
const TABLE_CHUNK = 250;
/**
 * The widest a table column gets: one huge value (a 1 MB Department) would otherwise make every
 * row a megabyte wide (12 s and 1.6 GB for 232 rows). Longer values are cut with an ellipsis, as
 * Format-Table cuts them; list, csv and json show every character.
 */
const MAX_COLUMN_WIDTH = 200;

/**
 * Format-Table's look: a header, a dashed rule as long as each header, aligned columns, no box.
 * Like Format-Table it streams: column widths come from the first rows, and a later value too
 * wide for its column is cut with an ellipsis.
 */
/** Cut before cli-table3 measures it (its work grows with the text, not with what is shown), never inside a surrogate pair. */
function cut(text: string): string {
  if (text.length <= 2 * MAX_COLUMN_WIDTH) return text;
  const head = text.slice(0, 2 * MAX_COLUMN_WIDTH);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

async function table(
  batches: AsyncIterable<readonly OutputRecord[]> | Iterable<readonly OutputRecord[]>,
  columns: readonly string[],
  writer: BufferedWriter,
  colour: boolean,
): Promise<number> {
  const [{ default: Table }, { Chalk }, { default: stringWidth }] = await Promise.all([
    import('cli-table3'),
    import('chalk'),
    import('string-width'),
  ]);
  const chalk = new Chalk({ level: colour ? 1 : 0 });
  const none = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
    'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' };
  let widths: number[] | undefined;
  let rows: string[][] = [];
  let count = 0;
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const first = widths === undefined;
    widths ??= columns.map((c, i) => Math.min(MAX_COLUMN_WIDTH, Math.max(c.length, ...rows.map((row) => stringWidth(row[i] ?? '')))));
    const grid = new Table({ chars: none, colWidths: widths, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
    if (first) {
      grid.push(columns.map((c) => chalk.bold(c)));
      grid.push(columns.map((c) => '-'.repeat(c.length)));
    }
    for (const row of rows) grid.push(row);
    await writer.write(`${grid.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`);
    rows = [];
  };
  for await (const batch of batches) {
    for (const record of batch) {
      rows.push(columns.map((c) => cut(printable(displayValue(record[c] ?? null)))));
      count++;
      if (rows.length >= TABLE_CHUNK) await flush();
    }
  }
  await flush();
  return count;
}
