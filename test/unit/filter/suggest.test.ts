import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looseFold, shortList, suggest, unknownNameHint } from '../../../src/filter/suggest.js';
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
