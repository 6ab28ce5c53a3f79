import assert from 'node:assert/strict';
import { test } from 'node:test';
import stringWidth from 'string-width';
import { TextWidth } from '../../../src/output/text-width.js';

test('printable ASCII is measured by its length, without string-width; anything else by string-width', () => {
  const seen: string[] = [];
  const text = new TextWidth((value) => {
    seen.push(value);
    return stringWidth(value);
  });
  assert.equal(text.of('user1@example.com'), 17);
  assert.equal(text.of(''), 0);
  assert.deepEqual(seen, [], 'the fast path asks nothing');
  assert.equal(text.of('Zoë'), 3);
  assert.equal(text.of('日本'), 4);
  assert.equal(text.of('👩‍💻'), 2);
  assert.deepEqual(seen, ['Zoë', '日本', '👩‍💻']);
});

test('cut: an ellipsis in the last column, never half a grapheme, nothing done to what fits', () => {
  const text = new TextWidth(stringWidth);
  assert.equal(text.cut('someone.with.a.really.long.address', 10), 'someone.w…');
  assert.equal(text.cut('short', 10), 'short');
  assert.equal(text.cut('short', 5), 'short');
  assert.equal(text.cut('abc', 1), '…');
  assert.equal(text.cut('abc', 0), '');
  assert.equal(text.cut('👩‍💻👩‍💻👩‍💻', 5), '👩‍💻👩‍💻…');
  assert.equal(text.cut('👩‍💻👩‍💻👩‍💻', 4), '👩‍💻…', 'a wide grapheme that would straddle the ellipsis stays out');
  assert.equal(text.cut('Jose\u0301 Garci\u0301a', 6), 'Jose\u0301 …', 'a combining accent stays with its letter');
  for (const [value, width] of [['日本語の名前', 7], ['Zoë Müller-Lüdenscheidt', 12]] as const) assert.ok(stringWidth(text.cut(value, width)) <= width);
});
