import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sqlLine } from '../../../src/core/trace.js';

test('a statement as one line: whitespace collapsed, -- comments dropped, a -- inside quotes kept', () => {
  assert.equal(sqlLine('SELECT a,\n       b\n  FROM t'), 'SELECT a, b FROM t');
  assert.equal(sqlLine('CREATE TABLE t (\n  -- the password, hashed: {SHA512-CRYPT}$6$...\n  password TEXT\n)'), 'CREATE TABLE t ( password TEXT )');
  assert.equal(sqlLine("SELECT '--not a comment' AS \"a--b\", `c--d` FROM t -- trailing"), "SELECT '--not a comment' AS \"a--b\", `c--d` FROM t");
  assert.equal(sqlLine("SELECT 'it''s' -- said\nFROM t"), "SELECT 'it''s' FROM t");
});
