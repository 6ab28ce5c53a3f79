import { pick, writeEach, type Batches, type FormatInput, type Formatter } from './formatter.js';
import type { OutputRecord } from './values.js';
import type { BufferedWriter } from './writer.js';

/** Past this many elements an array is written element by element: an audit rule with a million violations is not one string. */
const LONG_ARRAY = 1000;

function hasLongArray(record: OutputRecord): boolean {
  for (const key in record) {
    const value = record[key];
    if (Array.isArray(value) && value.length > LONG_ARRAY) return true;
  }
  return false;
}

/** JSON.stringify(record), written in pieces when it holds a long array. */
async function writeRecord(record: OutputRecord, writer: BufferedWriter): Promise<void> {
  let text = '{';
  let first = true;
  for (const [key, value] of Object.entries(record)) {
    text += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(value) || value.length <= LONG_ARRAY) {
      text += JSON.stringify(value);
      continue;
    }
    await writer.write(`${text}[`);
    for (const [i, element] of value.entries()) await writer.write(`${i === 0 ? '' : ','}${JSON.stringify(element)}`);
    text = ']';
  }
  await writer.write(`${text}}`);
}

/** `[\n  {…},\n  {…}\n]`, one record per line; `[]` when there is none. */
async function writeArray(batches: Batches, columns: readonly string[], writer: BufferedWriter): Promise<number> {
  await writer.write('[');
  let count = 0;
  for await (const batch of batches) {
    // A batch is one string, as in writeEach, unless a record holds a long array.
    let text = '';
    for (const record of batch) {
      const picked = pick(record, columns);
      text += count++ === 0 ? '\n  ' : ',\n  ';
      if (!hasLongArray(picked)) {
        text += JSON.stringify(picked);
        continue;
      }
      await writer.write(text);
      text = '';
      await writeRecord(picked, writer);
    }
    await writer.write(text);
  }
  await writer.write(count === 0 ? ']' : '\n]');
  return count;
}

/** One document: the listing's array, the one object, or the envelope around the list. */
async function json({ batches, columns, shape }: FormatInput, writer: BufferedWriter): Promise<number> {
  if (shape.kind === 'object') return writeEach(batches, writer, (record) => `${JSON.stringify(record)}\n`);
  if (shape.kind === 'envelope') await writer.write(`${JSON.stringify({ ...shape.head, [shape.list]: [] }).slice(0, -3)}`);
  const count = await writeArray(batches, columns, writer);
  await writer.write(shape.kind === 'envelope' ? '}\n' : '\n');
  return count;
}

/**
 * One JSON object per line, each written as it comes: memory stays flat however long the listing.
 * An envelope's fields (a change's summary) are not records: they stay on stderr, as with table.
 */
async function ndjson({ batches, columns, shape }: FormatInput, writer: BufferedWriter): Promise<number> {
  const line = shape.kind === 'object' ? (record: OutputRecord) => record : (record: OutputRecord) => pick(record, columns);
  return writeEach(batches, writer, (record) => `${JSON.stringify(line(record))}\n`);
}

export const JSON_FORMATTER: Formatter = { display: false, write: json };
export const NDJSON_FORMATTER: Formatter = { display: false, write: ndjson };
