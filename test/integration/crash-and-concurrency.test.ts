import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BIN, casctl } from '../helpers/cli.js';
import { bigStore } from '../helpers/big-store.js';
import { checkHistory, OVERLAPPING_WRITERS } from '../helpers/history-checks.js';

const MAILBOXES = 20_000;

function state(store: string): { disabled: number; records: number; items: number } {
  const db = new Database(store, { readonly: true });
  const disabled = (db.prepare('SELECT count(*) AS n FROM mailboxes WHERE pop_enabled = 0').get() as { n: number }).n;
  const records = (db.prepare('SELECT count(*) AS n FROM change_records').get() as { n: number }).n;
  const items = (db.prepare('SELECT count(*) AS n FROM change_items').get() as { n: number }).n;
  db.close();
  return { disabled, records, items };
}

test('kill -9 at random moments of a bulk change leaves all-before or all-after, with matching history', async () => {
  const store = await bigStore(MAILBOXES);
  const started = Date.now();
  const full = await casctl(['set-casmailbox', '--filter', "Name -like 'User *'", '--pop-enabled', 'false', '--yes', '--what-if', '-o', 'json'], { store });
  assert.equal(full.code, 0, full.stderr);
  const duration = Math.max(200, (Date.now() - started) * 2);
  const outcomes = { before: 0, after: 0 };
  let expectedRecords = 0;
  for (let trial = 0; trial < 12; trial++) {
    const wanted = expectedRecords % 2 === 0 ? 'false' : 'true';
    const child = spawn(process.execPath, [BIN, 'set-casmailbox', '--filter', "Name -like 'User *'", '--pop-enabled', wanted, '--yes'], {
      env: { PATH: process.env.PATH, CASCTL_STORE: store },
      stdio: 'ignore',
    });
    const closed = new Promise((resolve) => child.on('close', resolve));
    const delay = Math.floor(Math.random() * duration);
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await closed;
    const now = state(store);
    const allDisabled = now.disabled === MAILBOXES;
    assert.ok(now.disabled === 0 || allDisabled, `trial ${trial} after ${delay} ms: ${now.disabled} disabled, neither all nor none`);
    const applied = (wanted === 'false') === allDisabled;
    if (applied) expectedRecords++;
    outcomes[applied ? 'after' : 'before']++;
    assert.equal(now.records, expectedRecords, `trial ${trial}: one change record per applied run`);
    assert.equal(now.items, expectedRecords * MAILBOXES, `trial ${trial}: the history lists every mailbox of every applied run`);
  }
  // Both outcomes are expected over a dozen random kills; either alone still proves nothing was torn.
  assert.equal(outcomes.before + outcomes.after, 12);
});

test('concurrent admins toggling overlapping mailboxes: no lock errors, no lost update, all in the history', async () => {
  const store = await bigStore(2_000);
  const runs = OVERLAPPING_WRITERS;
  const results = await Promise.all(
    [...runs, ...runs].map((args) => casctl(['set-casmailbox', ...args, '--yes'], { store })),
  );
  for (const result of results) {
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /locked|busy/i);
  }
  const history = checkHistory(store);
  assert.deepEqual(history.mismatches, []);
  assert.equal(history.unexplained, 0);
  assert.equal(history.broken, 0, 'each recorded before is the previous recorded after: no update was lost in between');
});
