import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { casctl, json, tempDir } from '../helpers/cli.js';

test('init creates the store and its directory, mode 0660, WAL, current schema', async () => {
  const dir = join(tempDir(), 'var', 'lib', 'casctl');
  const path = join(dir, 'directory.db');
  const result = await casctl(['init', '--store', `sqlite:${path}`]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(statSync(path).mode & 0o777, 0o660);
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.ok((db.pragma('user_version', { simple: true }) as number) >= 1);
  db.close();
  const empty = await casctl(['get-casmailbox', '-o', 'json', '--store', path]);
  assert.equal(empty.code, 0);
  assert.deepEqual(json(empty), []);
});

test('a missing store is exit 3 with the way to create one, never an empty result', async () => {
  const path = join(tempDir(), 'nope.db');
  const result = await casctl(['get-casmailbox', '-o', 'json'], { store: path });
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /No directory store at '.*nope\.db'\. Create one with 'casctl init'/);
});

test('a file that is not a casctl store is refused', async () => {
  const path = join(tempDir(), 'other.db');
  writeFileSync(path, 'not a database at all, just text that is long enough to be a header.......................');
  const result = await casctl(['get-casmailbox'], { store: path });
  assert.equal(result.code, 3);
});

test('the store comes from --store, else CASCTL_STORE, else the config file, else ./casctl.db', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.db');
  const b = join(dir, 'b.db');
  const c = join(dir, 'sub', 'c.db');
  for (const path of [a, b, c]) assert.equal((await casctl(['init', '--store', path])).code, 0);
  const csv = join(dir, 'one.csv');
  writeFileSync(csv, 'PrimarySmtpAddress,Name\nonly@example.com,Only One\n');
  assert.equal((await casctl(['import', csv], { store: `sqlite:${c}` })).code, 0);
  writeFileSync(join(dir, 'casctl.config.json'), JSON.stringify({ store: 'sub/c.db' }));
  const fromConfig = await casctl(['get-mailbox', '-o', 'id'], { cwd: dir });
  assert.equal(fromConfig.code, 0, fromConfig.stderr);
  assert.equal(fromConfig.stdout.trim().split('\n').length, 1, 'the config file names c.db, relative to itself');
  const fromEnv = await casctl(['get-mailbox', '-o', 'id'], { cwd: dir, store: b });
  assert.equal(fromEnv.stdout, '', 'CASCTL_STORE beats the config file');
  const fromOption = await casctl(['get-mailbox', '-o', 'id', '--store', c], { cwd: dir, store: b });
  assert.equal(fromOption.stdout.trim().split('\n').length, 1, '--store beats CASCTL_STORE');
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"store": 42}');
  const invalid = await casctl(['get-mailbox', '--config', bad], { cwd: dir });
  assert.equal(invalid.code, 3);
  assert.match(invalid.stderr, /"store" must be a string/);
});

test('init --sample refuses a store that already holds mailboxes', async () => {
  const path = join(tempDir(), 's.db');
  assert.equal((await casctl(['init', '--sample', '--store', path])).code, 0);
  const again = await casctl(['init', '--sample', '--store', path]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds \d+ mailboxes/);
  assert.equal((await casctl(['init', '--store', path])).code, 0, 'plain init on an existing store is harmless');
});
