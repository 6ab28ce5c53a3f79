import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { render, type View } from '../../../src/output/formats.js';
import type { OutputRecord } from '../../../src/output/values.js';

const VIEW: View = { properties: ['Guid', 'Name', 'PopEnabled'], defaults: ['Guid', 'Name', 'PopEnabled'], table: ['Name'], id: 'Guid' };
const RECORDS = 100_000;
const BATCH = 1000;

test('ndjson streams 100k records: output starts long before the input ends, one line each, memory flat', async () => {
  let produced = 0;
  let producedAtFirstOutput: number | undefined;
  let lines = 0;
  let bytes = 0;
  let largestChunk = 0;
  let largestLag = 0;
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      producedAtFirstOutput ??= produced;
      bytes += chunk.length;
      largestChunk = Math.max(largestChunk, chunk.length);
      for (const byte of chunk) if (byte === 0x0a) lines++;
      largestLag = Math.max(largestLag, produced - lines);
      // A slow reader: the writer must wait for it rather than buffer everything.
      setImmediate(callback);
    },
  });
  async function* batches(): AsyncGenerator<OutputRecord[]> {
    for (let start = 0; start < RECORDS; start += BATCH) {
      const batch: OutputRecord[] = [];
      for (let i = start; i < start + BATCH; i++) batch.push({ Guid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, Name: `Mailbox ${i} ü`, PopEnabled: i % 2 === 0 });
      produced += batch.length;
      yield batch;
    }
  }
  const count = await render(batches(), out, { format: 'ndjson', view: VIEW, properties: VIEW.defaults, colour: false });
  assert.equal(count, RECORDS);
  assert.equal(lines, RECORDS);
  assert.ok(producedAtFirstOutput !== undefined && producedAtFirstOutput <= 2 * BATCH, `first output after ${producedAtFirstOutput} of ${RECORDS} records`);
  assert.ok(largestChunk < 256 * 1024, `chunks stay small (largest ${largestChunk} bytes)`);
  // Flat memory: records made but not yet written never pile up past a couple of batches, however long the listing.
  assert.ok(largestLag <= 3 * BATCH, `at most ${largestLag} records of ${RECORDS} (${bytes} bytes in all) were waiting to be written`);
});
