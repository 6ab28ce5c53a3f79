import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHOWN_CHARACTERS, shortText } from '../../../src/audit/short-text.js';

test('shortText keeps a short line as it is', () => {
  assert.equal(shortText('hrim@tailspintoys.com'), 'hrim@tailspintoys.com');
  assert.equal(shortText('x'.repeat(SHOWN_CHARACTERS)), 'x'.repeat(SHOWN_CHARACTERS));
});

test('shortText cuts after 40 characters (not code units) and says so', () => {
  assert.equal(shortText('y'.repeat(100)), `${'y'.repeat(40)}…`);
  assert.equal(shortText('😀'.repeat(41)), `${'😀'.repeat(40)}…`);
});

test('shortText escapes control characters, counting each as one before the escape', () => {
  assert.equal(shortText('\u001b[2J\u0007\u0000\u007f\u0085\t'), '\\x1b[2J\\x07\\x00\\x7f\\x85\\t');
  assert.equal(shortText('a\u202Eb\u2028c'), 'a\\u202eb\\u2028c');
  assert.equal(shortText('\u001b'.repeat(41)), `${'\\x1b'.repeat(40)}…`);
});
