import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { useColour } from '../../../src/output/colour.js';
import { Messages } from '../../../src/output/messages.js';

function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; text(): string; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 80;
  stream.text = () => chunks.join('');
  return stream;
}

test('colour only on a terminal, never with NO_COLOR or TERM=dumb', () => {
  assert.equal(useColour({ isTTY: true }, {}), true);
  assert.equal(useColour({ isTTY: false }, {}), false);
  assert.equal(useColour({}, {}), false);
  assert.equal(useColour({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColour({ isTTY: true }, { TERM: 'dumb' }), false);
});

test('warnings carry escape codes only when colour is on', () => {
  const plain = capture(false);
  new Messages(plain, false).warning('careful');
  assert.equal(plain.text(), 'WARNING: careful\n');
  const coloured = capture(true);
  new Messages(coloured, true).warning('careful');
  const escape = String.fromCharCode(27);
  assert.ok(coloured.text().startsWith(`${escape}[`), JSON.stringify(coloured.text()));
  assert.ok(coloured.text().endsWith(`m careful\n`));
  assert.equal(coloured.text().replaceAll(escape, '').replace(/\[\d+m/g, ''), 'WARNING: careful\n');
});
