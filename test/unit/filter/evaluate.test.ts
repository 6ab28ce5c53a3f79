import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mailboxMatches } from '../../../src/core/properties.js';
import { compareCodePoints, matchesWildcard } from '../../../src/filter/text.js';
import { EXAMPLE_CASES, EXAMPLE_ENTRIES } from '../../helpers/filter/examples.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

const names = (selected: typeof EXAMPLE_ENTRIES) => selected.map((e) => e.mailbox.Name);

describe('evaluateFilter on the example directory', () => {
  for (const [filter, expected] of EXAMPLE_CASES) {
    it(filter, () => {
      const ast = parseFilter(filter);
      assert.deepEqual(names(EXAMPLE_ENTRIES.filter((e) => mailboxMatches(ast, e.mailbox))), expected);
    });
  }
});

describe('text helpers', () => {
  it('orders by code point, not UTF-16 unit', () => {
    assert.equal(compareCodePoints('😀', 'ｚ'), 1);
    assert.equal(compareCodePoints('ｚ', '😀'), -1);
    assert.equal(compareCodePoints('ab', 'ab'), 0);
    assert.equal(compareCodePoints('ab', 'abc'), -1);
    assert.equal(compareCodePoints('', ''), 0);
  });

  const wildcard: [string, string, boolean][] = [
    ['abc', 'abc', true],
    ['abc', 'ab', false],
    ['abc', '*', true],
    ['', '*', true],
    ['abc', 'a*', true],
    ['abc', '*c', true],
    ['abc', 'a*c', true],
    ['ac', 'a*c', true],
    ['aba', 'ab*ba', false],
    ['abcbd', 'a*b*d', true],
    ['aXbYc', '*b*', true],
    ['abab', '*ab*ab', true],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '*a*a*a*a*a*a*a*a*a*b', false],
    ['50%', '50%', true],
    ['500', '50%', false],
  ];
  for (const [value, pattern, expected] of wildcard) {
    it(`'${value}' -like '${pattern}' is ${expected}`, () => assert.equal(matchesWildcard(value, pattern), expected));
  }
});
