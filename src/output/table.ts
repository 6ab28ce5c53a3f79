import { printable } from '../core/printable.js';
import type { FormatInput, Formatter } from './formatter.js';
import { displayValue } from './values.js';
import type { BufferedWriter } from './writer.js';

/** Rows per cli-table3 render: it slows down more than linearly with the rows of one table. */
const TABLE_CHUNK = 250;
/**
 * The widest a table column gets: one huge value (a 1 MB Department) would otherwise make every
 * row a megabyte wide (12 s and 1.6 GB for 232 rows). Longer values are cut with an ellipsis, as
 * Format-Table cuts them; list, csv and json show every character.
 */
const MAX_COLUMN_WIDTH = 200;

/** Cut before cli-table3 measures it (its work grows with the text, not with what is shown), never inside a surrogate pair. */
function cut(text: string): string {
  if (text.length <= 2 * MAX_COLUMN_WIDTH) return text;
  const head = text.slice(0, 2 * MAX_COLUMN_WIDTH);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

/**
 * Format-Table's look: a header, a dashed rule as long as each header, aligned columns, no box.
 * Like Format-Table it streams: column widths come from the first rows, and a later value too
 * wide for its column is cut with an ellipsis. No records, no output: not even the header.
 */
async function table({ batches, columns, colour }: FormatInput, writer: BufferedWriter): Promise<number> {
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

export const TABLE_FORMATTER: Formatter = { display: true, write: table };
