import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counted } from '../../../src/core/counted.js';

test('a count takes its noun in the right number', () => {
  assert.equal(counted(1, 'rule'), '1 rule');
  assert.equal(counted(0, 'rule'), '0 rules');
  assert.equal(counted(2, 'violation'), '2 violations');
  assert.equal(counted(1, 'identity that does not resolve', 'identities that do not resolve'), '1 identity that does not resolve');
  assert.equal(counted(3, 'identity that does not resolve', 'identities that do not resolve'), '3 identities that do not resolve');
});
