import { styleText } from 'node:util';
import { printable } from '../core/printable.js';
import type { FormatInput, Formatter } from './formatter.js';
import { RowSpool } from './row-spool.js';
import { Columns, fitWidths } from './table-layout.js';
import type { Terminal } from './terminal.js';
import { isPrintableAscii, TextWidth } from './text-width.js';
import { displayValue, type OutputRecord } from './values.js';
import type { BufferedWriter } from './writer.js';

/** Rows that set the column widths of a table on a terminal, as Format-Table's first rows do. */
const FIRST_ROWS = 250;
/**
 * The widest a column is laid out. One huge value (a 1 MB Department) must not pad every other
 * row to a megabyte; such a value is still written whole, pushing the rest of its own line right.
 */
const ALIGNED_WIDTH = 200;

/** A cell's text: control characters escaped, skipped for plain ASCII (most cells; a million rows notice). */
function cell(value: string): string {
  return isPrintableAscii(value) ? value : printable(value);
}

const cellsOf = (record: OutputRecord, columns: readonly string[]): string[] => columns.map((c) => cell(displayValue(record[c] ?? null)));

/** The header and its dashed rule, as long as each (possibly cut) column name. */
function header(columns: Columns, names: readonly string[], text: TextWidth, colour: boolean): string {
  const head = columns.line(names).text;
  return `${colour ? styleText('bold', head, { validateStream: false }) : head}\n${columns.line(names.map((n) => '-'.repeat(text.of(n)))).text}\n`;
}

/**
 * Off a terminal (a file, a pipe) every value is written whole and the columns are as wide as
 * their widest value (up to ALIGNED_WIDTH), over every row, not only the first: a table saved to
 * a file is read, grepped and diffed, and must hold what the store holds. That needs every row
 * seen before the first line is written, so the rows wait in a RowSpool: in memory while a
 * listing is small, in an unlinked temp file once it is big, so a million rows cost a temp file
 * the size of the output, not its size in memory. (Sizing columns from the first rows and letting
 * a wider value push its line would stream, but would misalign every line whose value is longer
 * than the first rows' longest: the common case in a directory sorted by anything but length.)
 */
async function wholeTable({ batches, columns, colour }: FormatInput, writer: BufferedWriter, text: TextWidth): Promise<number> {
  const widths = columns.map((c) => Math.min(ALIGNED_WIDTH, text.of(c)));
  const spool = new RowSpool();
  try {
    let count = 0;
    for await (const batch of batches) {
      for (const record of batch) {
        const cells = cellsOf(record, columns);
        for (let i = 0; i < cells.length; i++) {
          const width = text.of(cells[i] as string);
          if (width > (widths[i] as number)) widths[i] = Math.min(ALIGNED_WIDTH, width);
        }
        spool.add(cells);
        count++;
      }
    }
    if (count === 0) return 0;
    const layout = new Columns(widths, text);
    await writer.write(header(layout, columns, text, colour));
    for (const rows of spool.batches()) {
      let lines = '';
      for (const cells of rows) lines += `${layout.line(cells).text}\n`;
      await writer.write(lines);
    }
    return count;
  } finally {
    spool.close();
  }
}

/**
 * On a terminal a person watches the table arrive, so it streams: the first rows set the column
 * widths, shrunk to the terminal's width if need be. While they need not be, a later, wider value
 * pushes its line right as long as the line still fits the terminal; a line that would not fit,
 * and every line of shrunk columns, has its cells cut to their columns, with an ellipsis. If
 * anything was cut, one line on stderr says so, and how to see it all.
 */
async function fittedTable({ batches, columns, colour }: FormatInput, terminal: Terminal, writer: BufferedWriter, text: TextWidth): Promise<number> {
  let layout: Columns | undefined;
  let first: string[][] = [];
  let cut = false;
  let count = 0;
  // Once columns are shrunk to the terminal, every line is cut to them: rows alternately cut and
  // pushed right would be harder to read than rows cut alike.
  let shrunk = false;
  const fitted = (grid: Columns, cells: readonly string[]): string => {
    const line = shrunk ? undefined : grid.line(cells);
    if (line !== undefined && line.width <= terminal.width) return line.text;
    const shortened = grid.line(cells, true);
    cut ||= shortened.cut;
    return shortened.text;
  };
  const start = async (): Promise<Columns> => {
    const natural = columns.map((c, i) => Math.min(ALIGNED_WIDTH, first.reduce((widest, row) => Math.max(widest, text.of(row[i] as string)), text.of(c))));
    const grid = new Columns(fitWidths(natural, terminal.width), text);
    shrunk = grid.widths.some((width, i) => width < (natural[i] as number));
    const names = columns.map((c, i) => text.cut(c, grid.widths[i] as number));
    cut ||= names.some((name, i) => name !== columns[i]);
    let lines = header(grid, names, text, colour);
    for (const cells of first) lines += `${fitted(grid, cells)}\n`;
    first = [];
    await writer.write(lines);
    return grid;
  };
  for await (const batch of batches) {
    let lines = '';
    for (const record of batch) {
      const cells = cellsOf(record, columns);
      count++;
      if (layout !== undefined) {
        lines += `${fitted(layout, cells)}\n`;
        continue;
      }
      first.push(cells);
      if (first.length === FIRST_ROWS) layout = await start();
    }
    if (lines !== '') await writer.write(lines);
  }
  if (layout === undefined && first.length > 0) await start();
  if (cut) terminal.notice(`The table was cut to fit the terminal's ${terminal.width} columns; -o list or -o csv shows every value in full.`);
  return count;
}

/** Format-Table's look: a header, a dashed rule as long as each header, aligned columns, no box. No records, no output: not even the header. */
async function table(input: FormatInput, writer: BufferedWriter): Promise<number> {
  const text = new TextWidth();
  return input.terminal === undefined ? wholeTable(input, writer, text) : fittedTable(input, input.terminal, writer, text);
}

export const TABLE_FORMATTER: Formatter = { display: true, write: table };
