import assert from 'node:assert/strict';
import { test } from 'node:test';
import { types } from 'node:util';
import type { TraceKind } from '../../../src/core/trace.js';
import { IN_MEMORY, openDatabase } from '../../../src/store/sqlite/connection.js';
import { connect } from '../../../src/store/sqlite/read-only.js';

function recorder(): { lines: string[]; trace: (kind: TraceKind, text: string) => void } {
  const lines: string[] = [];
  return { lines, trace: (kind, text) => lines.push(`${kind}: ${text}`) };
}

test('a traced connection shows each statement as it runs, on one line, without its bound values', () => {
  const { lines, trace } = recorder();
  const db = connect(IN_MEMORY, {}, trace);
  db.exec('CREATE TABLE t (name TEXT,\n  secret TEXT)');
  const insert = db.prepare('INSERT INTO t (name, secret) VALUES (?, ?)');
  insert.run('kim', 'Hunter2-secret');
  insert.run('rand', 'Other-secret');
  const names = db.prepare('SELECT name FROM t WHERE secret <> ? ORDER BY name').pluck().all('x');
  assert.deepEqual(names, ['kim', 'rand']);
  const raw = db.prepare('SELECT name, secret FROM t').raw(true);
  assert.equal([...raw.iterate()].length, 2);
  assert.equal(db.pragma('user_version', { simple: true }), 0);
  assert.deepEqual(lines, [
    'sql: CREATE TABLE t (name TEXT, secret TEXT)',
    'sql: INSERT INTO t (name, secret) VALUES (?, ?)',
    'sql: INSERT INTO t (name, secret) VALUES (?, ?)',
    'sql: SELECT name FROM t WHERE secret <> ? ORDER BY name',
    'sql: SELECT name, secret FROM t',
    'sql: PRAGMA user_version',
  ]);
  assert.ok(!lines.join('\n').includes('secret-'), 'no bound value');
  db.close();
});

test('without a trace the connection is the plain one: nothing sits between a statement and SQLite', () => {
  const db = openDatabase(IN_MEMORY, 'create');
  assert.equal(types.isProxy(db), false);
  db.close();
  const { lines, trace } = recorder();
  const traced = openDatabase(IN_MEMORY, 'create', trace);
  assert.equal(types.isProxy(traced), true);
  assert.ok(lines.some((l) => l.startsWith('sql: BEGIN IMMEDIATE')), 'a new store is migrated through the traced connection');
  traced.close();
});
