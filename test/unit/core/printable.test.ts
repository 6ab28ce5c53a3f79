import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { printable, printableLines } from '../../../src/core/printable.js';
import { Messages } from '../../../src/output/messages.js';

test('printable escapes ESC sequences, other C0 controls and DEL as \\xHH', () => {
  assert.equal(printable('Evil\x1b[2JName'), 'Evil\\x1b[2JName');
  assert.equal(printable('\x1b]0;pwned\x07'), '\\x1b]0;pwned\\x07');
  assert.equal(printable('a\x00b\x08c\x7f'), 'a\\x00b\\x08c\\x7f');
});

test('printable writes tab and line breaks as \\t \\n \\r, so a value stays on its row', () => {
  assert.equal(printable('Sales\r\nFake Row\tx'), 'Sales\\r\\nFake Row\\tx');
});

test('printable escapes C1 controls, the Unicode line separators and bidi overrides', () => {
  assert.equal(printable('a\u009b2Jb\u0085c'), 'a\\x9b2Jb\\x85c');
  assert.equal(printable('x\u2028y\u2029z'), 'x\\u2028y\\u2029z');
  assert.equal(printable('invoice\u202egnp.exe\u2066'), 'invoice\\u202egnp.exe\\u2066');
});

test('printable leaves letters, emoji (with their joiners) and backslashes alone', () => {
  for (const text of ['Jürgen Müller', 'Hélène', '東京 営業部', 'Ана', '👩‍💻 Dev', 'TAILSPIN\\rzaher', 'North America\\Finance', '']) {
    assert.equal(printable(text), text);
  }
});

test('printableLines keeps a message its own line feeds and escapes everything else', () => {
  assert.equal(printableLines('matches:\n    Evil\x1b[2J\r\n  hint'), 'matches:\n    Evil\\x1b[2J\\r\n  hint');
  // A value escaped first cannot add a line to the message.
  assert.equal(printableLines(`'${printable('a\nb')}' not found`), "'a\\nb' not found");
});

test('warnings, errors and notes on stderr never carry a control character of the text they quote', () => {
  const stderr = new PassThrough();
  const messages = new Messages(stderr, false);
  messages.warning("no settings of 'Evil\x1b[2J' have been modified.");
  messages.error('bad\rname\x9b');
  messages.info('done\x07');
  assert.equal(String(stderr.read()), "WARNING: no settings of 'Evil\\x1b[2J' have been modified.\nERROR: bad\\rname\\x9b\ndone\\x07\n");
});
