import type { Writable } from 'node:stream';
import { RESULT_FORMATS } from '../output/format-names.js';
import { render } from '../output/formats.js';
import type { OutputRecord } from '../output/values.js';

/** The formats of a command whose result is one object: table (the messages say it all), json and ndjson (the object, on one line). */
export { RESULT_FORMATS };
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Writes a command's one result object to stdout: nothing for table, every property in order for json and ndjson. */
export async function writeResultObject(stdout: Writable, format: ResultFormat, record: OutputRecord): Promise<void> {
  const properties = Object.keys(record);
  await render([record], stdout, {
    format,
    view: { properties, defaults: properties, table: [], id: properties[0] ?? '' },
    properties,
    colour: false,
    shape: { kind: 'object' },
    shown: () => null,
  });
}
