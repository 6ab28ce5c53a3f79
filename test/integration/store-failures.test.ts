import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CAS_SETTINGS, perCasSetting } from '../../src/core/protocols.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import { bigStore } from '../helpers/big-store.js';
import { casctl, json, ROOT, sampleStore, tempDir, type CliOptions } from '../helpers/cli.js';

/** Tests run as root, who may write anything: the reader is `nobody`. */
const NOBODY: CliOptions = { uid: 65534, gid: 65534 };

function hash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A copy of the sample store in a directory others may enter but not write (tempDir() is 0700). */
async function sharedSample(): Promise<string> {
  const path = await sampleStore();
  chmodSync(dirname(path), 0o755);
  return path;
}

function sql(path: string, statements: string): void {
  const db = new Database(path);
  db.exec(statements);
  db.close();
}

const READS = [
  ['get-casmailbox', 'rzaher', '-o', 'json'],
  ['get-mailbox', '-o', 'json'],
  ['get-user', 'rzaher', '-o', 'json'],
  ['get-organizationalunit', '-o', 'json'],
  ['get-changelog'],
];

for (const [owner, mode] of [
  ['nobody', 0o444],
  ['root', 0o644],
] as const) {
  test(`a store the user may only read (mode ${mode.toString(8)}, owned by ${owner}, directory not writable): get-* work, a change is exit 3`, async () => {
    const path = await sharedSample();
    chmodSync(path, mode);
    if (owner === 'nobody') chownSync(path, 65534, 65534);
    const before = hash(path);
    for (const args of READS) {
      const result = await casctl(args, { ...NOBODY, store: path });
      assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
    }
    const rows = json(await casctl(['get-casmailbox', 'rzaher', '-o', 'json'], { ...NOBODY, store: path }));
    assert.equal(rows[0]?.SamAccountName, 'rzaher');
    const change = await casctl(['set-casmailbox', 'rzaher', '-PopEnabled:$false'], { ...NOBODY, store: path });
    assert.equal(change.code, 3, change.stderr);
    assert.match(change.stderr, /The store .*casctl\.db is read-only for you: nothing was changed\. A change needs write access/);
    assert.doesNotMatch(change.stderr, /internal error|\n {4}at /);
    assert.equal(hash(path), before, 'the store is byte for byte as it was');
  });
}

/** A store as a casctl of schema `version` left it, holding one mailbox with POP3 off, in a directory others may enter. */
function oldStore(version: number): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const path = join(dir, 'old.db');
  const db = new Database(path);
  for (const migration of MIGRATIONS.slice(0, version)) db.exec(migration);
  // The columns of the first migration, which is never edited: what every casctl store has.
  const id = db
    .prepare(
      `INSERT INTO mailboxes (guid, distinguished_name, name, display_name, alias, sam_account_name, user_principal_name, primary_smtp_address,
         organizational_unit, recipient_type_details, pop_enabled, when_created, when_changed)
       VALUES ('0a0b0c0d-0000-4000-8000-000000000001', 'CN=Old Timer,OU=Users,DC=example,DC=com', 'Old Timer', 'Old Timer', 'old', 'old',
         'old@example.com', 'old@example.com', 'example.com/Users', 'UserMailbox', 0, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
    )
    .run().lastInsertRowid;
  db.prepare('INSERT INTO email_addresses (address, mailbox_id) VALUES (?, ?)').run('old@example.com', id);
  db.pragma(`user_version = ${version}`);
  db.close();
  chmodSync(path, 0o644);
  return path;
}

test('a read-only store that needs a schema upgrade says so (exit 3); a user who can write it is upgraded on read, every new setting enabled', async () => {
  const path = oldStore(2);
  const before = hash(path);
  const reader = await casctl(['get-mailbox', '-o', 'json'], { ...NOBODY, store: path });
  assert.equal(reader.code, 3, reader.stderr);
  assert.match(reader.stderr, new RegExp(`needs upgrading to this casctl's schema \\(version 2 of ${MIGRATIONS.length}\\), and you may only read it: run any changing command`));
  assert.equal(hash(path), before);
  const owner = await casctl(['get-casmailbox', 'old', '-o', 'json', '--property', CAS_SETTINGS.join(',')], { store: path });
  assert.equal(owner.code, 0, owner.stderr);
  // As a new mailbox: the protocols a later casctl added (ManageSieve, ...) are enabled, SMTP AUTH follows the
  // organisation default ($null, which allows it); POP3 stays as it was.
  assert.deepEqual(json(owner), [{ ...perCasSetting(() => true), SmtpClientAuthenticationDisabled: null, PopEnabled: false }]);
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  db.close();
});

test('a WAL left by a crashed writer, in a directory the reader may not write: exit 3 naming the -shm and -wal files', async () => {
  const path = await sharedSample();
  chmodSync(path, 0o644);
  // A writer killed before it could fold its WAL into the store; its index file goes with it.
  const crash = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)}); db.exec("UPDATE mailboxes SET department = 'Crashed'"); process.kill(process.pid, 'SIGKILL');`;
  spawnSync(process.execPath, ['-e', crash], { cwd: ROOT });
  rmSync(`${path}-shm`);
  const result = await casctl(['get-mailbox', '-o', 'json'], { ...NOBODY, store: path });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /Cannot read the store .*: SQLite needs .*-shm to read the changes in .*-wal/);
});

test('a SQLite file of someone else: init and get-* are exit 3 "not a casctl store", the file untouched', async () => {
  const dir = tempDir();
  const path = join(dir, 'invoices.db');
  sql(path, `CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); CREATE TABLE customers (id INTEGER PRIMARY KEY); INSERT INTO invoices (total) VALUES (12.5);`);
  const before = hash(path);
  for (const args of [['init'], ['get-mailbox'], ['get-casmailbox', '-o', 'json'], ['set-casmailbox', 'rzaher', '-PopEnabled:$false', '--yes']]) {
    const result = await casctl(args, { store: path });
    assert.equal(result.code, 3, `${args[0]}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /'.*invoices\.db' is not a casctl store \(it has tables: customers, invoices\); casctl init only creates a new store or upgrades its own/,
    );
  }
  assert.equal(hash(path), before, 'the file is byte for byte as it was');
  assert.deepEqual(readdirSync(dir), ['invoices.db'], 'no journal or WAL file left beside it');
  // A schema version of its own does not make it a casctl store either.
  sql(path, 'PRAGMA user_version = 3;');
  const versioned = await casctl(['get-mailbox'], { store: path });
  assert.equal(versioned.code, 3);
  assert.match(versioned.stderr, /is not a casctl store \(it has tables: customers, invoices\)/);
});

test('a file that is not SQLite at all: init is exit 3 and leaves it as it was', async () => {
  const path = join(tempDir(), 'notes.db');
  writeFileSync(path, `${'not a database, just text long enough to fill a header. '.repeat(100)}\n`);
  const before = hash(path);
  const result = await casctl(['init', '--store', path]);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /is not a casctl store \(it is not an SQLite database, or its header is damaged\)/);
  assert.equal(hash(path), before);
});

test('a damaged page of the mailboxes table: exit 3 "damaged" with the way to recover, never an internal error', async () => {
  const path = join(tempDir(), 'damaged.db');
  copyFileSync(await bigStore(3000), path);
  const db = new Database(path, { readonly: true });
  const pages = db.prepare<[], number>(`SELECT pageno FROM dbstat WHERE name = 'mailboxes' AND pagetype = 'leaf' ORDER BY pageno`).pluck().all();
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const page = pages[Math.floor(pages.length / 2)] ?? assert.fail('the mailboxes table has no leaf pages');
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
  for (const args of [['get-mailbox', '-o', 'json'], ['set-casmailbox', '--filter', "Department -like 'Dept*'", '-PopEnabled:$false', '--yes']]) {
    const result = await casctl(args, { store: path });
    assert.equal(result.code, 3, `${args[0]}: ${result.stderr}`);
    assert.match(result.stderr, /The store .*damaged\.db is damaged \(SQLite: database disk image is malformed, SQLITE_CORRUPT[A-Z_]*\)\. Nothing was changed\. Restore it from a backup; `sqlite3 .*damaged\.db \.recover`/);
    assert.doesNotMatch(result.stderr, /internal error|\n {4}at /);
  }
});

test('part of the schema missing (a column dropped by hand): exit 3 naming what is missing', async () => {
  const path = await sampleStore();
  sql(path, 'DROP INDEX mailboxes_department; ALTER TABLE mailboxes DROP COLUMN department;');
  const result = await casctl(['get-user', '-o', 'json'], { store: path });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /The store .* lacks part of casctl's schema \(SQLite: no such column: .*department, SQLITE_ERROR\)/);
});

test('a full disk during a bulk import: exit 3 "full", nothing changed (the transaction rolled back)', async (t) => {
  const mount = join(tempDir(), 'small');
  mkdirSync(mount);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
  if (mounted.status !== 0) {
    // As in every suite here: a developer's machine without the means skips, CI fails.
    assert.ok(process.env.CI === undefined || process.env.CI === '', `cannot mount a small tmpfs (CI needs root): ${mounted.stderr.toString().trim()}`);
    t.skip(`cannot mount a small tmpfs: ${mounted.stderr.toString().trim()}`);
    return;
  }
  try {
    const path = join(mount, 'casctl.db');
    copyFileSync(await sampleStore(), path);
    const csv = join(tempDir(), 'many.csv');
    const lines = ['Name,PrimarySmtpAddress,OrganizationalUnit,Department'];
    for (let i = 0; i < 20_000; i++) lines.push(`Filler ${i},filler${i}@tailspintoys.com,tailspintoys.com/Filler ${i % 50},Department ${i}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const result = await casctl(['import', csv], { store: path });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /The disk holding the store .*casctl\.db is full: nothing was changed \(the transaction was rolled back\)/);
    assert.doesNotMatch(result.stderr, /internal error|\n {4}at /);
    const db = new Database(path, { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM mailboxes').pluck().get(), 232);
    assert.equal(db.prepare('SELECT count(*) FROM organizational_units').pluck().get(), 13);
    assert.equal(db.prepare('SELECT count(*) FROM change_records').pluck().get(), 0);
    db.close();
  } finally {
    spawnSync('umount', [mount]);
  }
});
