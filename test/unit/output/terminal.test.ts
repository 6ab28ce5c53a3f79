import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { useColour } from '../../../src/output/colour.js';
import { Messages } from '../../../src/output/messages.js';
import { Progress } from '../../../src/output/progress.js';

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

test('a long run on a terminal shows a progress bar on its stream', async () => {
  const stream = capture(true);
  const progress = new Progress(stream, 'Planning', 3, 0);
  progress.tick();
  await sleep(200);
  progress.tick();
  progress.tick();
  progress.stop();
  assert.match(stream.text(), /Planning \[.*\] \d\/3/);
});

test('no bar off a terminal, and none for runs shorter than the delay', async () => {
  const pipe = capture(false);
  const offTerminal = new Progress(pipe, 'Planning', 3, 0);
  offTerminal.tick();
  await sleep(50);
  offTerminal.tick();
  offTerminal.stop();
  assert.equal(pipe.text(), '');
  const tty = capture(true);
  const quick = new Progress(tty, 'Planning', 3);
  quick.tick();
  quick.stop();
  assert.equal(tty.text(), '');
});
