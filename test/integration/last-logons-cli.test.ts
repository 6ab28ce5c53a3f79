import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultLastLogonsPath } from '../../src/cli/last-logons.js';
import { casctl, json, sampleStore, tempDir } from '../helpers/cli.js';
import { recordLogons } from '../helpers/last-logons.js';
import { openSqliteLastLogons } from '../../src/store/sqlite/last-logons.js';

/** A uid no account has: as root, casctl hands the files to it as it would to Dovecot's dict user. */
const DICT_UID = 4242;
const DAY = 86_400_000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY);

const countRows = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare<[], number>("SELECT count(*) FROM last_logon WHERE username <> ''").pluck().get() ?? 0;
  } finally {
    db.close();
  }
};

/** When the reader says recording began (null: the database does not say). */
async function recordingSince(path: string): Promise<Date | null> {
  const source = await openSqliteLastLogons(`sqlite:${path}`, { cwd: '/', env: {}, section: undefined, retentionDays: null, now: () => new Date() });
  try {
    return source.recordingSince;
  } finally {
    await source.close();
  }
}

test('get-dovecotconfig --last-logons prints the recording files beside the auth files, and creates nothing without --write', async () => {
  const store = await sampleStore();
  const printed = await casctl(['get-dovecotconfig', '--store', store, '--dovecot-version', '2.3', '--last-logons']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /# ---- \/etc\/dovecot\/casctl-auth\.conf ----/);
  assert.match(printed.stdout, /# ---- \/etc\/dovecot\/casctl-last-logons\.conf ----\n[\s\S]*last_login_key = last-login\/%s\/%u\/%r/);
  assert.ok(printed.stdout.includes(`connect = ${defaultLastLogonsPath(store)}\n`), printed.stdout);
  assert.equal(existsSync(defaultLastLogonsPath(store)), false);
  const without = await casctl(['get-dovecotconfig', '--store', store, '--dovecot-version', '2.4']);
  assert.doesNotMatch(without.stdout, /last_login/);
  const stray = await casctl(['get-dovecotconfig', '--store', store, '--dict-user', 'dovecot']);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /--dict-user and --mail-user go with --last-logons/);
});

test('--write creates the logins database with its table, in WAL mode, its three files the dict user\'s, mode 0660; again, it keeps the rows', async () => {
  const store = await sampleStore();
  const logins = defaultLastLogonsPath(store);
  const out = join(tempDir(), 'dovecot');
  const args = ['get-dovecotconfig', '--store', store, '--dovecot-version', '2.3', '--last-logons', '--write', out, '--dict-user', String(DICT_UID)];
  const first = await casctl(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /Created .*last-logons\.db for Dovecot to record logins in/);
  for (const file of [logins, `${logins}-wal`, `${logins}-shm`]) {
    const st = statSync(file);
    assert.equal(st.uid, DICT_UID, file);
    assert.equal(st.mode & 0o777, 0o660, file);
  }
  // 2.3's dict process reads its map file as its own user.
  assert.equal(statSync(join(out, 'casctl-last-logons-dict.conf.ext')).uid, DICT_UID);
  assert.equal(statSync(join(out, 'casctl-auth.conf')).uid, 0, 'the auth files stay root\'s');
  assert.notEqual(statSync(store).uid, DICT_UID);
  const db = new Database(logins, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
  const since = await recordingSince(logins);
  assert.ok(since !== null && Math.abs(since.getTime() - Date.now()) < 60_000, `recording began now: ${String(since)}`);
  recordLogons(logins, [{ user: 'rand.zaher@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.1', time: daysAgo(1) }]);
  const again = await casctl(args);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /Created/);
  assert.equal(countRows(logins), 1);
  assert.deepEqual(await recordingSince(logins), since, 'a second --write keeps when recording began');
  assert.match(readFileSync(join(out, 'casctl-last-logons.conf'), 'utf8'), /user = vmail/);
});

test('an admin who may not hand the files to the dict user is told the chown to run as root', async () => {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const store = join(dir, 'casctl.db');
  copyFileSync(await sampleStore(), store);
  chownSync(store, 65534, 65534);
  const result = await casctl(['get-dovecotconfig', '--store', store, '--dovecot-version', '2.4', '--last-logons', '--write', join(dir, 'dovecot'), '--dict-user', String(DICT_UID)], {
    uid: 65534,
    gid: 65534,
  });
  assert.equal(result.code, 0, result.stderr);
  const logins = defaultLastLogonsPath(store);
  assert.ok(result.stderr.includes(`As root: chown ${DICT_UID} ${logins} ${logins}-wal ${logins}-shm && chmod 0660`), result.stderr);
  assert.equal(statSync(logins).uid, 65534);
});

test('once root has handed the files to the dict user, an admin of their group re-runs --write without a warning', async () => {
  const dir = tempDir();
  chmodSync(dir, 0o2775);
  chownSync(dir, 0, 65534);
  const store = join(dir, 'casctl.db');
  copyFileSync(await sampleStore(), store);
  const args = ['get-dovecotconfig', '--store', store, '--dovecot-version', '2.4', '--last-logons', '--write', join(tempDir(), 'd'), '--dict-user', String(DICT_UID)];
  const root = await casctl(args);
  assert.equal(root.code, 0, root.stderr);
  const logins = defaultLastLogonsPath(store);
  // The setgid directory gave them the admins' group.
  assert.equal(statSync(logins).gid, 65534);
  const admin = await casctl([...args.slice(0, -4), '--write', join(dir, 'd'), '--dict-user', String(DICT_UID)], { uid: 65534, gid: 65534 });
  assert.equal(admin.code, 0, admin.stderr);
  assert.doesNotMatch(admin.stderr, /chown/);
  assert.equal(statSync(logins).uid, DICT_UID);
});

test('the logins database is never the store itself, nor a database of other tables', async () => {
  const store = await sampleStore();
  const before = readFileSync(store);
  const self = await casctl(['get-dovecotconfig', '--store', store, '--last-logons', '--write', join(tempDir(), 'd'), '--dict-user', String(DICT_UID)], {
    env: { CASCTL_LAST_LOGONS: `sqlite:${store}` },
  });
  assert.equal(self.code, 2, self.stderr);
  assert.match(self.stderr, /names the directory store itself/);
  assert.deepEqual(readFileSync(store), before);
  assert.notEqual(statSync(store).uid, DICT_UID);

  const other = join(tempDir(), 'other.db');
  const db = new Database(other);
  db.exec('CREATE TABLE notes (text TEXT)');
  db.close();
  const foreign = await casctl(['get-dovecotconfig', '--store', store, '--last-logons', '--write', join(tempDir(), 'd'), '--dict-user', String(DICT_UID)], {
    env: { CASCTL_LAST_LOGONS: other },
  });
  assert.equal(foreign.code, 3, foreign.stderr);
  assert.match(foreign.stderr, /not a logins database: it has tables notes/);
});

test('prune-lastlogons deletes the logins older than the retention, in batches, --what-if only counts, and the WAL files stay for Dovecot', async () => {
  const store = await sampleStore();
  const logins = defaultLastLogonsPath(store);
  const setup = await casctl(['get-dovecotconfig', '--store', store, '--last-logons', '--write', join(tempDir(), 'd'), '--dict-user', String(DICT_UID)]);
  assert.equal(setup.code, 0, setup.stderr);
  const old = Array.from({ length: 12_000 }, (_, i) => ({ user: `user${i}@tailspintoys.com`, service: 'imap', clientAddress: '192.0.2.9', time: daysAgo(400) }));
  recordLogons(logins, [...old, { user: 'rand.zaher@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.1', time: daysAgo(20) }]);

  const whatIf = await casctl(['prune-lastlogons', '--store', store, '--what-if', '-o', 'json']);
  assert.equal(whatIf.code, 0, whatIf.stderr);
  assert.deepEqual({ ...json<Record<string, unknown>>(whatIf), Before: null }, { WhatIf: true, OlderThanDays: 365, Before: null, Deleted: 12_000 });
  assert.match(whatIf.stderr, /What if: would delete 12000 recorded logins older than 365 days/);
  assert.equal(countRows(logins), 12_001);

  const pruned = await casctl(['prune-lastlogons', '--store', store]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stderr, /Deleted 12000 recorded logins older than 365 days/);
  assert.equal(pruned.stdout, '');
  assert.equal(countRows(logins), 1);
  for (const file of [`${logins}-wal`, `${logins}-shm`]) assert.equal(statSync(file).uid, DICT_UID, `${file} is still there, the dict's`);

  const shorter = await casctl(['prune-lastlogons', '--store', store, '--older-than', '10', '-o', 'json']);
  assert.equal(shorter.code, 0, shorter.stderr);
  assert.equal(json<Record<string, unknown>>(shorter).Deleted, 1);
  assert.equal(countRows(logins), 0);
});

test('prune-lastlogons: the configured retention, a retention of null needs --older-than, nothing recorded is exit 3', async () => {
  const store = await sampleStore();
  const logins = defaultLastLogonsPath(store);
  const dir = tempDir();
  const config = (retentionDays: number | null): string => {
    const path = join(dir, `casctl-${String(retentionDays)}.json`);
    writeFileSync(path, JSON.stringify({ store, lastLogons: { retentionDays } }));
    return path;
  };
  const missing = await casctl(['prune-lastlogons', '--store', store]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /does not exist.*get-dovecotconfig --last-logons --write/);
  recordLogons(logins, [
    { user: 'a@tailspintoys.com', service: 'imap', time: daysAgo(40) },
    { user: 'b@tailspintoys.com', service: 'imap', time: daysAgo(10) },
  ]);
  const thirty = await casctl(['prune-lastlogons', '-o', 'json'], { env: { CASCTL_CONFIG: config(30) } });
  assert.equal(thirty.code, 0, thirty.stderr);
  assert.equal(json<Record<string, unknown>>(thirty).Deleted, 1);
  const kept = await casctl(['prune-lastlogons'], { env: { CASCTL_CONFIG: config(null) } });
  assert.equal(kept.code, 2);
  assert.match(kept.stderr, /--older-than <days>/);
  const bad = await casctl(['prune-lastlogons', '--store', store, '--older-than', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /whole number of days above 0/);
});
