import assert from 'node:assert/strict';
import { test } from 'node:test';
import stringWidth from 'string-width';
import { TextWidth } from '../../../src/output/text-width.js';

const text = new TextWidth();

test('widths as string-width gives them, for ASCII, accents, CJK, emoji, ZWJ sequences, skin tones, flags, VS16', () => {
  const samples = ['user1@example.com', '', 'Zoë', 'José García', 'Jose\u0301', '日本語の名前', 'ｆｕｌｌ', '한국어', '👩‍💻', 'Jürgen 👩‍💻 Ærin',
    '👍🏽', '🇩🇪🇫🇷', '❤️', '❤', 'a\u200bb', 'Ærin Ødegård', 'Привет', 'שלום', 'مرحبا', '👨‍👩‍👧‍👦'];
  for (const sample of samples) assert.equal(text.of(sample), stringWidth(sample), JSON.stringify(sample));
});

test('a megabyte of non-ASCII text is measured in well under a second (string-width takes minutes on Node 20)', () => {
  const huge = `${'x'.repeat(1_000_000)}👩‍💻${'日'.repeat(100_000)}`;
  const started = performance.now();
  assert.equal(text.of(huge), 1_000_000 + 2 + 200_000);
  assert.equal(text.cut(huge, 10), 'xxxxxxxxx…');
  assert.ok(performance.now() - started < 5000);
});

test('cut: an ellipsis in the last column, never half a character with its marks, an emoji sequence or a flag', () => {
  assert.equal(text.cut('someone.with.a.really.long.address', 10), 'someone.w…');
  assert.equal(text.cut('short', 10), 'short');
  assert.equal(text.cut('short', 5), 'short');
  assert.equal(text.cut('abc', 1), '…');
  assert.equal(text.cut('abc', 0), '');
  assert.equal(text.cut('👩‍💻👩‍💻👩‍💻', 5), '👩‍💻👩‍💻…');
  assert.equal(text.cut('👩‍💻👩‍💻👩‍💻', 4), '👩‍💻…', 'a wide character that would straddle the ellipsis stays out');
  assert.equal(text.cut('Jose\u0301 Garci\u0301a', 6), 'Jose\u0301 …', 'a combining accent stays with its letter');
  assert.equal(text.cut('🇩🇪🇫🇷🇮🇹', 5), '🇩🇪🇫🇷…');
  for (const [value, width] of [['日本語の名前', 7], ['Zoë Müller-Lüdenscheidt', 12]] as const) {
    const cut = text.cut(value, width);
    assert.ok(stringWidth(cut) <= width && cut.endsWith('…'), cut);
  }
});
