import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { distanceWithin, looseFold, shortList, suggest, unknownNameHint } from '../../../src/filter/suggest.js';
import { PROPERTIES } from '../../../src/core/properties.js';

const NAMES = PROPERTIES.map((p) => p.name);

test('folding drops case and accents, whatever the normal form', () => {
  assert.equal(looseFold('José García'), 'jose garcia');
  assert.equal(looseFold('Jose\u0301 Garci\u0301a'), 'jose garcia');
  assert.equal(looseFold('ZÜRICH'), 'zurich');
  assert.equal(looseFold('Søren'), 'søren', 'a letter of its own, not an accent');
});

test('suggestions are the close names, closest first, accents and case aside', () => {
  assert.deepEqual(suggest('Departmnet', NAMES), ['Department']);
  assert.equal(suggest('popenabled', NAMES)[0], 'PopEnabled');
  assert.deepEqual(suggest('Zurich', ['Zürich', 'Bern']), ['Zürich']);
  assert.deepEqual(suggest('Frobnicate', NAMES), []);
});

test('a long list is cut to the five closest names and a count, never the whole list', () => {
  const list = shortList(NAMES, 'Departmnet', "`--property '*'` shows them all");
  assert.match(list, /^Department, .* … and \d+ more; `--property '\*'` shows them all$/);
  assert.equal(list.split(' … ')[0]?.split(', ').length, 5);
  assert.equal(Number(/and (\d+) more/.exec(list)?.[1]), NAMES.length - 5);
  assert.ok(list.length < 160, list);
  assert.equal(shortList(['Title', 'Isbn'], 'x'), 'Title, Isbn', 'a short list is shown whole, in its order');
});

test('the hint: the guess, then the short list', () => {
  const hint = unknownNameHint('Departmnet', NAMES, 'Properties');
  assert.match(hint, /^Did you mean 'Department'\? Properties: Department, /);
  assert.ok(hint.length < 200, hint);
  assert.equal(unknownNameHint('Titel', ['Title', 'Isbn'], 'Columns'), "Did you mean 'Title'? Columns: Title, Isbn.");
});

/** The full matrix, as the distance once was computed: the banded one must agree with it. */
function referenceDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] as number[];
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

test('the banded distance is the full one within the threshold, and null over it', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é'), maxLength: 12 });
  fc.assert(
    fc.property(text, text, fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(Number.POSITIVE_INFINITY)), (a, b, threshold) => {
      const full = referenceDistance(a, b);
      assert.equal(distanceWithin(a, b, threshold), full <= threshold ? full : null);
    }),
    { numRuns: 5000 },
  );
  assert.equal(distanceWithin('departmnet', 'department', 1), 1, 'a swap is one edit');
});
