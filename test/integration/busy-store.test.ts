/**
 * A busy store: six admins changing overlapping mailboxes while a big import with passwords runs,
 * three rounds. Nobody gets "database is locked" or an internal error, and no update is lost.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { hashPassword } from '../../src/input/password-hash.js';
import { bigStore } from '../helpers/big-store.js';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';
import { checkHistory, OVERLAPPING_WRITERS } from '../helpers/history-checks.js';

const IMPORTED = 100_000;

test(`six concurrent writers beside an import of ${IMPORTED} mailboxes with passwords, three rounds: no exit 70, no lock error, no lost update`, async (t) => {
  const store = await bigStore(2_000);
  // One crypt hash for every row: the import stores a {SCHEME} value as it is, so the test measures locking, not hashing.
  const hash = hashPassword('Busy-Pa55');
  for (let round = 1; round <= 3; round++) {
    const csv = join(tempDir(), 'import.csv');
    const rows = Array.from({ length: IMPORTED }, (_, i) => `Busy ${round}-${i},busy${round}.${i}@busy.example,busy.example/Round ${round},${hash}`);
    // The same import also turns POP3 off for some existing mailboxes: its CAS changes are recorded beside the writers'.
    const updates = Array.from({ length: 200 }, (_, i) => `User ${i * 7},user${i * 7}@big.example,big.example/Region ${(i * 7) % 7}/Team ${(i * 7) % 31},`);
    writeFileSync(csv, `Name,PrimarySmtpAddress,OrganizationalUnit,Password\n${rows.join('\n')}\n`);
    writeFileSync(`${csv}.pop.csv`, `Name,PrimarySmtpAddress,OrganizationalUnit,PopEnabled\n${updates.map((u) => `${u.slice(0, -1)},${round % 2 === 0}`).join('\n')}\n`);
    const started = Date.now();
    const results = await Promise.all([
      casctl(['import', csv], { store }),
      casctl(['import', `${csv}.pop.csv`], { store }),
      ...OVERLAPPING_WRITERS.map((args) => casctl(['set-casmailbox', ...args, '--yes'], { store })),
    ]);
    t.diagnostic(`round ${round}: ${results.length} concurrent runs in ${Date.now() - started} ms`);
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /locked|internal error/i);
    }
    const history = checkHistory(store);
    assert.deepEqual(history.mismatches, [], `round ${round}`);
    assert.equal(history.unexplained, 0, `round ${round}`);
    assert.equal(history.broken, 0, `round ${round}: each recorded before is the previous recorded after`);
  }
});

test('a change that waits for another writer says so on stderr, then goes ahead once the lock is free', async () => {
  const store = await sampleStore();
  const holder = new Database(store);
  holder.pragma('journal_mode = WAL');
  holder.exec('BEGIN IMMEDIATE');
  const release = setTimeout(() => holder.exec('COMMIT'), 2500);
  try {
    const started = Date.now();
    const result = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], { store });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /The store .* is busy: another casctl or Dovecot is writing it\. Waiting up to 30 s for it to finish\.\.\./);
    assert.ok(Date.now() - started >= 2000, 'it did wait for the lock');
  } finally {
    clearTimeout(release);
    if (holder.inTransaction) holder.exec('COMMIT');
    holder.close();
  }
  const quick = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'true'], { store });
  assert.doesNotMatch(quick.stderr, /is busy/, 'no word when the lock is free');
});
