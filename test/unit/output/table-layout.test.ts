import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Columns, fitWidths } from '../../../src/output/table-layout.js';
import { TextWidth } from '../../../src/output/text-width.js';

const text = new TextWidth();
const lineWidth = (widths: readonly number[]): number => widths.reduce((a, b) => a + b, 0) + widths.length - 1;

test('fitWidths: columns that fit stay as they are', () => {
  assert.deepEqual(fitWidths([20, 30, 10], 80), [20, 30, 10]);
  assert.deepEqual(fitWidths([20, 30, 10], 62), [20, 30, 10], 'exactly the width, gaps counted');
});

test('fitWidths: the widest columns give first, the leftover goes to the ones cut, and the line fills the width', () => {
  assert.deepEqual(fitWidths([17, 31, 10, 11], 60), [17, 19, 10, 11]);
  assert.deepEqual(fitWidths([40, 40, 5], 50), [22, 21, 5]);
  for (const [natural, width] of [[[17, 31, 10, 11], 40], [[200, 3, 200, 9], 80], [[5, 5, 5], 12]] as const) {
    const fitted = fitWidths(natural, width);
    assert.equal(lineWidth(fitted), width, `${natural.join(',')} in ${width}`);
    fitted.forEach((w, i) => assert.ok(w <= (natural[i] as number) && w >= 1));
  }
});

test('fitWidths: never below one column each, even when that is too wide', () => {
  assert.deepEqual(fitWidths([10, 10, 10], 3), [1, 1, 1]);
});

test('Columns: cells at their starts, one space apart, no trailing spaces after empty last cells', () => {
  const columns = new Columns([5, 3, 4], text);
  assert.equal(columns.width, 14);
  assert.deepEqual(columns.line(['ab', 'c', 'True']), { text: 'ab    c   True', width: 14, cut: false });
  assert.deepEqual(columns.line(['ab', '', '']), { text: 'ab', width: 2, cut: false });
  assert.deepEqual(columns.line(['', 'c', '']), { text: '      c', width: 7, cut: false });
});

test('Columns: a wider cell pushes its line right and the line realigns where a later cell leaves room; cutting keeps it to its column', () => {
  const columns = new Columns([5, 5, 4], text);
  assert.deepEqual(columns.line(['abcdefgh', 'c', 'True']), { text: 'abcdefgh c  True', width: 16, cut: false }, 'True back at its column');
  assert.deepEqual(columns.line(['abcdefgh', 'cdef', 'True']), { text: 'abcdefgh cdef True', width: 18, cut: false }, 'no room: one space');
  assert.deepEqual(columns.line(['abcdefgh', 'c', 'True'], true), { text: 'abcd… c     True', width: 16, cut: true });
  assert.deepEqual(columns.line(['ab', 'c', 'True'], true), { text: 'ab    c     True', width: 16, cut: false }, 'nothing to cut');
});

test('Columns: wide characters take two columns, in layout and in cutting', () => {
  const columns = new Columns([6, 2], text);
  assert.deepEqual(columns.line(['日本', 'x']), { text: '日本   x', width: 8, cut: false });
  assert.deepEqual(columns.line(['日本語の名前', 'x'], true), { text: '日本…  x', width: 8, cut: true });
});
