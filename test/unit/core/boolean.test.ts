import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBoolean } from '../../../src/core/boolean.js';

test('accepts the spellings admins type', () => {
  for (const text of ['true', 'TRUE', '$true', '$True', '1', 'yes', 'Yes', ' true ']) assert.equal(parseBoolean(text), true, text);
  for (const text of ['false', 'False', '$false', '$FALSE', '0', 'no', 'NO']) assert.equal(parseBoolean(text), false, text);
});

test('anything else is not a boolean', () => {
  for (const text of ['', 'maybe', '2', '$null', 'truee', '-1', 'tru']) assert.equal(parseBoolean(text), null, text);
});
