import type { Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { fold } from '../core/mailbox.js';
import { unknownNameHint } from '../core/suggest.js';
import type { Batches, Formatter, Shape } from './formatter.js';
import { LISTING_FORMATS } from './format-names.js';
import { FORMATTERS, type OutputFormat } from './formatters.js';
import type { Terminal } from './terminal.js';
import type { OutputRecord } from './values.js';
import { BufferedWriter } from './writer.js';

export type { OutputFormat } from './formatters.js';

/** What a listing offers: every format of the registry (format-names.ts names them, the formatter table has one each). */
export const OUTPUT_FORMATS: readonly OutputFormat[] = LISTING_FORMATS;

/** `-o` against the formats a command declares; `subject` names the command in the error ("for audit"). */
export function parseOutputFormat<F extends string>(text: string, formats: readonly F[], subject?: string): F {
  const format = formats.find((f) => f === fold(text.trim()));
  if (format === undefined) {
    throw new UsageError(`Unknown output format '${text}'${subject === undefined ? '' : ` ${subject}`}. Use one of: ${formats.join(', ')}.`);
  }
  return format;
}

/** What a command declares about its output objects (cf. cli-microsoft365's defaultProperties). */
export interface View {
  /** Every property `--property` may name, in display order. */
  properties: readonly string[];
  /** What json, ndjson, csv and list show by default. */
  defaults: readonly string[];
  /** Columns of the default table. */
  table: readonly string[];
  /** The property `-o id` prints: a stable identity another casctl command accepts. */
  id: string;
}

export interface RenderOptions<F extends string = OutputFormat> {
  format: F;
  view: View;
  /** The columns, from chooseProperties. */
  properties: readonly string[];
  colour: boolean;
  /** csv: write would-be formulas as they are, for machine consumers (`--csv-raw`); else they are neutralised. */
  csvRaw?: boolean;
  /** How json frames the records (formatter.ts); a list by default. */
  shape?: Shape;
  /** What table and list show of a record, when it is not the record itself; null leaves it out. */
  shown?: (record: OutputRecord) => OutputRecord | null;
  /** The terminal stdout is (terminalOf): a table is fitted to it. Without one, a table writes every value whole. */
  terminal?: Terminal;
}

/** Resolves `--property` names against the view; `*` means every property. */
export function chooseProperties(view: View, format: string, requested: readonly string[] | undefined): readonly string[] {
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
      const hint = unknownNameHint(name, view.properties, 'Properties', "`--property '*' -o list` shows them all");
      throw new UsageError(`Unknown property '${name}' in --property. ${hint}`);
    }
    chosen.push(property);
  }
  return [...new Set(chosen)];
}

/** Records to render: a few, as a plain list, or a stream of them in batches. */
export type Records = Iterable<OutputRecord> | AsyncIterable<readonly OutputRecord[]>;

async function* shownBatches(batches: Batches, shown: (record: OutputRecord) => OutputRecord | null): AsyncGenerator<OutputRecord[]> {
  for await (const batch of batches) {
    const rows: OutputRecord[] = [];
    for (const record of batch) {
      const row = shown(record);
      if (row !== null) rows.push(row);
    }
    yield rows;
  }
}

/** Streams records to `out` in the chosen format of a command's own formatter table; returns how many were written. */
export async function renderWith<F extends string>(
  formatters: Readonly<Record<F, Formatter>>,
  records: Records,
  out: Writable,
  options: RenderOptions<F>,
): Promise<number> {
  const formatter: Formatter = formatters[options.format];
  const given: Batches = Symbol.asyncIterator in records ? records : [[...records]];
  const batches = formatter.display && options.shown !== undefined ? shownBatches(given, options.shown) : given;
  const writer = new BufferedWriter(out);
  const count = await formatter.write(
    { batches, columns: options.properties, shape: options.shape ?? { kind: 'list' }, id: options.view.id, colour: options.colour, csvRaw: options.csvRaw === true, terminal: options.terminal },
    writer,
  );
  await writer.flush();
  return count;
}

/** Streams records to `out` in one of the shared formats (FORMATTERS). */
export function render(records: Records, out: Writable, options: RenderOptions): Promise<number> {
  return renderWith(FORMATTERS, records, out, options);
}
