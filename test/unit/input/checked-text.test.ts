import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { CheckedText } from '../../../src/input/checked-text.js';

const through = (chunks: Buffer[]): Promise<string> => text(Readable.from(chunks).pipe(new CheckedText('in.csv')));

test('valid UTF-8 passes unchanged, even with a character split across chunks', async () => {
  const bytes = Buffer.from('a,b\r\nCafé,Zoë 🙂\nlast line without newline');
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.equal(await through([bytes.subarray(0, cut), bytes.subarray(cut)]), bytes.toString('utf8'), `cut at ${cut}`);
  }
});

test('invalid UTF-8 and NUL bytes fail with their line, in any chunk', async () => {
  const bad = Buffer.concat([Buffer.from('h\nok\nok\nx'), Buffer.from([0xff]), Buffer.from('y\nz\n')]);
  for (let cut = 1; cut < bad.length; cut++) {
    await assert.rejects(through([bad.subarray(0, cut), bad.subarray(cut)]), (e: unknown) => e instanceof UsageError && /^in\.csv:4: is not valid UTF-8/.test(e.message));
  }
  await assert.rejects(through([Buffer.from('h\nok\n\0\n')]), /in\.csv:3: contains a NUL character/);
});
