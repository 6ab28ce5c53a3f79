import type { Terminal } from './terminal.js';
import type { OutputRecord } from './values.js';
import type { BufferedWriter } from './writer.js';

/** Records in batches: a million records cost a thousand awaits rather than a million. */
export type Batches = AsyncIterable<readonly OutputRecord[]> | Iterable<readonly OutputRecord[]>;

/**
 * How JSON frames a command's records: a listing is an array; a result that is one object (a
 * prune) is that object; a change or an audit wraps its list with the fields about all of it
 * (`{"WhatIf":…,"Summary":…,"Items":[…]}`). The line formats (ndjson, csv, table, …) write the
 * records only.
 */
export type Shape =
  | { kind: 'list' }
  | { kind: 'object' }
  | { kind: 'envelope'; head: OutputRecord; list: string };

export interface FormatInput {
  batches: Batches;
  /** The properties to write, in order (chooseProperties). */
  columns: readonly string[];
  shape: Shape;
  /** The property `-o id` prints. */
  id: string;
  colour: boolean;
  /** csv: would-be formulas as they are (`--csv-raw`). */
  csvRaw: boolean;
  /** table: the terminal stdout is, to fit lines to; undefined writes every value whole (a file, a pipe). */
  terminal?: Terminal;
}

export interface Formatter {
  /** Formats for people (table, list) write what the command shows of a record; the others write the record. */
  display: boolean;
  /** Streams the records to the writer; returns how many it wrote. */
  write(input: FormatInput, writer: BufferedWriter): Promise<number>;
}

/** Writes each batch as one string: `line` makes a record's text, given how many came before it. */
export async function writeEach(batches: Batches, writer: BufferedWriter, line: (record: OutputRecord, index: number) => string): Promise<number> {
  let count = 0;
  for await (const batch of batches) {
    let text = '';
    for (const record of batch) text += line(record, count++);
    await writer.write(text);
  }
  return count;
}

/** The record with exactly these properties, in this order; a missing one is null. */
export function pick(record: OutputRecord, columns: readonly string[]): OutputRecord {
  const picked: OutputRecord = {};
  for (const column of columns) picked[column] = record[column] ?? null;
  return picked;
}
