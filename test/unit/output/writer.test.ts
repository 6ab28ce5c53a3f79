import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { BufferedWriter } from '../../../src/output/writer.js';

/** A stream whose writes fail later, as a pipe's do: the error arrives as an event. */
function failingLater(code: string): Writable {
  return new Writable({
    highWaterMark: 1,
    write(_chunk, _encoding, callback) {
      setImmediate(() => callback(Object.assign(new Error(`write ${code}`), { code })));
    },
  });
}

test('a write error other than EPIPE comes back from the next write or flush, not from an event listener', async () => {
  const writer = new BufferedWriter(failingLater('ENOSPC'), 4);
  // The write that waits for the stream to drain learns of the failure, and so does every one after it.
  await assert.rejects(writer.write('12345'), /write ENOSPC/);
  await assert.rejects(writer.write('more'), /write ENOSPC/);
  await assert.rejects(writer.flush(), /write ENOSPC/);
});

test('EPIPE (a reader that went away, as with | head) ends the output quietly', async () => {
  const writer = new BufferedWriter(failingLater('EPIPE'), 4);
  await writer.write('12345');
  await new Promise((resolve) => setImmediate(resolve));
  await writer.write('ignored');
  await writer.flush();
});
