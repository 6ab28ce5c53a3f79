import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Messages } from '../../../src/output/messages.js';
import { Progress } from '../../../src/output/progress.js';
import { barsOf, fakeTerminal, manualClock } from '../../helpers/progress-frames.js';

test('a long run on a terminal shows each phase with its true value and total', () => {
  const stream = fakeTerminal(true);
  const clock = manualClock();
  const progress = new Progress(stream, { now: clock.now });
  progress.phase('Planning', 'mailboxes', 3000);
  clock.advance(1000);
  progress.tick(1000);
  clock.advance(100);
  progress.tick(1000);
  progress.phase('Applying', 'settings', 500);
  clock.advance(100);
  progress.tick(250);
  progress.stop();
  assert.deepEqual(barsOf(stream.frames()), [
    { label: 'Planning', value: 1000, total: 3000, unit: 'mailboxes' },
    { label: 'Planning', value: 2000, total: 3000, unit: 'mailboxes' },
    { label: 'Applying', value: 0, total: 500, unit: 'settings' },
    { label: 'Applying', value: 250, total: 500, unit: 'settings' },
  ]);
  assert.ok(stream.frames().includes('Planning [████████░░░░░░░░░░░░░░░░] 33% 1,000/3,000 mailboxes'), stream.frames().join('\n'));
  // The bar is taken off its line at the end, for the summary.
  assert.ok(stream.text().endsWith('\r\x1b[K'));
});

test('no bar for a run shorter than a second, nor off a terminal however long', () => {
  const quick = fakeTerminal(true);
  const clock = manualClock();
  const short = new Progress(quick, { now: clock.now });
  short.phase('Planning', 'mailboxes', 10);
  clock.advance(999);
  short.tick(5);
  short.stop();
  assert.equal(quick.text(), '');

  const pipe = fakeTerminal(false);
  const slow = manualClock();
  const offTerminal = new Progress(pipe, { now: slow.now });
  assert.equal(offTerminal.onTerminal, false);
  offTerminal.phase('Planning', 'mailboxes', 10);
  slow.advance(60_000);
  offTerminal.tick(5);
  offTerminal.messageStream.write('Changed 5.\n');
  offTerminal.stop();
  assert.equal(pipe.text(), 'Changed 5.\n');
});

test('a phase without a total is a plain count, never a bar with a made-up total', () => {
  const stream = fakeTerminal(true);
  const clock = manualClock();
  const progress = new Progress(stream, { now: clock.now });
  progress.phase('Reading directory', 'mailboxes');
  clock.advance(1500);
  progress.tick(1234);
  assert.deepEqual(stream.frames(), ['Reading directory: 1,234 mailboxes']);
  assert.deepEqual(barsOf(stream.frames()), []);
});

test('at most one frame per 100 ms, however often the work ticks; a new phase shows at once', () => {
  const stream = fakeTerminal(true);
  const clock = manualClock();
  const progress = new Progress(stream, { now: clock.now });
  progress.phase('Writing', 'mailboxes', 100_000);
  clock.advance(1000);
  for (let i = 0; i < 100; i++) {
    progress.tick(1000);
    clock.advance(5);
  }
  progress.phase('Applying', 'settings', 10);
  const bars = barsOf(stream.frames());
  assert.deepEqual(bars.map((b) => b.value), [1000, 21_000, 41_000, 61_000, 81_000, 0]);
  assert.ok(bars.every((b) => b.value <= b.total));
});

test('messages take the bar off its line first; the next frame draws it again', () => {
  const stream = fakeTerminal(true);
  const clock = manualClock();
  const progress = new Progress(stream, { now: clock.now });
  const messages = new Messages(progress.messageStream, false);
  progress.phase('Resolving identities', 'identities', 4);
  clock.advance(1000);
  progress.tick(1);
  messages.error("The mailbox 'nobody' couldn't be found.");
  clock.advance(100);
  progress.tick(1);
  assert.equal(
    stream.text(),
    '\rResolving identities [██████░░░░░░░░░░░░░░░░░░] 25% 1/4 identities\x1b[K' +
      "\r\x1b[KERROR: The mailbox 'nobody' couldn't be found.\n" +
      '\rResolving identities [████████████░░░░░░░░░░░░] 50% 2/4 identities\x1b[K',
  );
});

test('after a question the delay starts again; a stopped progress never draws again', () => {
  const stream = fakeTerminal(true);
  const clock = manualClock();
  const progress = new Progress(stream, { now: clock.now });
  progress.phase('Planning', 'mailboxes', 2);
  clock.advance(2000);
  progress.tick(1);
  progress.pause();
  const asked = stream.text().length;
  clock.advance(500);
  progress.phase('Applying', 'settings', 2);
  progress.tick(1);
  assert.equal(stream.text().length, asked, 'nothing within a second of the answer');
  clock.advance(500);
  progress.tick(1);
  assert.deepEqual(barsOf(stream.frames()).at(-1), { label: 'Applying', value: 2, total: 2, unit: 'settings' });
  progress.stop();
  const stopped = stream.text().length;
  clock.advance(5000);
  progress.phase('Writing', 'rows', 5);
  progress.tick(5);
  assert.equal(stream.text().length, stopped);
});

test('a frame never wraps: it is cut to the width of the terminal', () => {
  const stream = fakeTerminal(true, 40);
  const clock = manualClock();
  const progress = new Progress(stream, { now: clock.now });
  progress.phase('Modifying entries', 'mailboxes', 1_000_000);
  clock.advance(1000);
  progress.tick(10);
  const [frame] = stream.frames();
  assert.equal(frame?.length, 39);
  assert.ok(frame?.startsWith('Modifying entries ['));
});
