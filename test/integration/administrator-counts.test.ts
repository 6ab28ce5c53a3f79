/**
 * A store that holds the Administrator enabled (an older casctl, a hand edit, a rename): it still
 * reads disabled, and every count of a change that names it adds up: one mailbox, one item, one status.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { casctl, json, sampleStore, tempDir } from '../helpers/cli.js';

interface Item {
  Name: string;
  Status: string;
  Changes: { Property: string; Before: boolean; After: boolean }[];
}
interface Result {
  WhatIf: boolean;
  ChangeId: number | null;
  Summary: Record<string, number>;
  Items: Item[];
}

/** The rows flagged as the Administrator, as stored, not as read. */
function storedAdministrators(store: string): { name: string; pop_enabled: number; imap_enabled: number }[] {
  const db = new Database(store, { readonly: true });
  try {
    return db.prepare('SELECT name, pop_enabled, imap_enabled FROM mailboxes WHERE is_administrator = 1 ORDER BY name').all() as never;
  } finally {
    db.close();
  }
}

const DISABLED_ADMINISTRATOR = [{ name: 'Administrator', pop_enabled: 0, imap_enabled: 0 }];

/** What an older casctl left: the Administrator's row enabled. */
async function storeWithAdministratorEnabled(): Promise<string> {
  const store = await sampleStore();
  const db = new Database(store);
  db.prepare("UPDATE mailboxes SET pop_enabled = 1, imap_enabled = 1 WHERE sam_account_name = 'Administrator'").run();
  db.close();
  return store;
}

/** The summary line on stderr, as numbers in the JSON summary's order. */
function summaryLine(stderr: string): number[] {
  const line = /(?:What if: would change|Changed) (\d+), unchanged (\d+), refused (\d+), not found (\d+), ambiguous (\d+), failed (\d+)\./.exec(stderr);
  assert.ok(line, stderr);
  return line.slice(1).map(Number);
}

function assertAgrees(result: Result, stderr: string, mailboxes: number): void {
  const s = result.Summary;
  assert.equal(result.Items.length, mailboxes, 'one item per mailbox');
  const count = (status: string): number => result.Items.filter((i) => i.Status === status).length;
  assert.deepEqual(
    [s.Changed, s.Unchanged, s.Refused, s.Failed],
    [count('change'), count('unchanged'), count('refused'), count('conflict') + count('failed')],
    'the summary counts the items',
  );
  assert.deepEqual(summaryLine(stderr), [s.Changed, s.Unchanged, s.Refused, s.NotFound, s.Ambiguous, s.Failed], 'stderr says what the JSON says');
}

describe('the Administrator stored enabled', () => {
  test('set-casmailbox Administrator bob --imap-enabled false: one unchanged, one changed, as the plan said', async () => {
    const store = await storeWithAdministratorEnabled();
    const args = ['set-casmailbox', 'Administrator', 'rzaher', '--imap-enabled', 'false', '-o', 'json'];
    const plan = await casctl([...args, '--what-if'], { store });
    assert.equal(plan.code, 0, plan.stderr);
    assertAgrees(json<Result>(plan), plan.stderr, 2);

    const applied = await casctl([...args, '--yes'], { store });
    assert.equal(applied.code, 0, applied.stderr);
    const result = json<Result>(applied);
    assertAgrees(result, applied.stderr, 2);
    assert.deepEqual([result.Summary.Changed, result.Summary.Unchanged], [1, 1]);
    assert.deepEqual(result.Items.map((i) => [i.Name, i.Status]), [['Administrator', 'unchanged'], ['Rand Zaher', 'change']]);
    assert.doesNotMatch(applied.stderr, /another change/, 'no race was invented');
    const [record] = json<{ Changes: { Name: string }[] }[]>(await casctl(['get-changelog', '-o', 'json'], { store }));
    assert.deepEqual(record?.Changes.map((c) => c.Name), ['Rand Zaher'], 'the Administrator is not in the history');
  });

  test('undo of an old change that disabled the Administrator refuses to enable it, and counts it once', async () => {
    const store = await storeWithAdministratorEnabled();
    const applied = await casctl(['set-casmailbox', 'rzaher', '--imap-enabled', 'false'], { store });
    assert.equal(applied.code, 0, applied.stderr);
    // As an older casctl recorded it: the Administrator's stored True → False in the same change.
    const db = new Database(store);
    db.prepare(
      `INSERT INTO change_items (change_id, mailbox_id, mailbox_guid, property, before, after)
       SELECT 1, id, guid, 'ImapEnabled', 1, 0 FROM mailboxes WHERE sam_account_name = 'Administrator'`,
    ).run();
    db.prepare("UPDATE mailboxes SET imap_enabled = 0 WHERE sam_account_name = 'Administrator'").run();
    db.close();

    const plan = await casctl(['undo', '1', '--what-if', '-o', 'json'], { store });
    assert.equal(plan.code, 0, plan.stderr);
    const planned = json<Result>(plan);
    assertAgrees(planned, plan.stderr, 2);
    assert.deepEqual(planned.Items.map((i) => [i.Name, i.Status]), [['Administrator', 'refused'], ['Rand Zaher', 'change']]);
    assert.match(plan.stderr, /WARNING: The Administrator mailbox 'Administrator' can't be enabled for POP3 or IMAP4\. It was skipped\./);

    const undo = await casctl(['undo', '1', '--yes', '-o', 'json'], { store });
    assert.equal(undo.code, 0, undo.stderr);
    assertAgrees(json<Result>(undo), undo.stderr, 2);
    assert.deepEqual([json<Result>(undo).Summary.Changed, json<Result>(undo).Summary.Refused], [1, 1]);
    assert.equal(storedAdministrators(store)[0]?.imap_enabled, 0);
  });

  test('an import stores it disabled: its row, and one renamed to the built-in account', async () => {
    const store = await storeWithAdministratorEnabled();
    const file = join(tempDir(), 'rename.csv');
    writeFileSync(file, 'PrimarySmtpAddress,Department\nadministrator@tailspintoys.com,IT\n');
    const result = await casctl(['import', file], { store });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /WARNING/, 'the file says nothing of its protocols');
    assert.deepEqual(storedAdministrators(store), DISABLED_ADMINISTRATOR);
  });
});

test('init --sample stores the sample Administrator disabled (its row says TRUE, TRUE)', async () => {
  const store = join(tempDir(), 'sample.db');
  const init = await casctl(['init', '--sample', '--store', store]);
  assert.equal(init.code, 0, init.stderr);
  assert.deepEqual(storedAdministrators(store), DISABLED_ADMINISTRATOR);
});

test('an import that renames a mailbox to the built-in account warns once, naming its line, and stores it disabled', async () => {
  const store = await sampleStore();
  const file = join(tempDir(), 'rename.csv');
  // Line 3: Rand Zaher takes over the SamAccountName the sample's Administrator gives up on line 2.
  writeFileSync(file, 'PrimarySmtpAddress,SamAccountName,PopEnabled\nadministrator@tailspintoys.com,FormerAdministrator,\nrand.zaher@tailspintoys.com,Administrator,True\n');
  const result = await casctl(['import', file], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr.match(/WARNING:/g)?.length, 1, result.stderr);
  assert.ok(result.stderr.includes(`WARNING: ${file}:3: The Administrator mailbox Rand Zaher <rand.zaher@tailspintoys.com> never uses POP3 or IMAP4`), result.stderr);
  assert.deepEqual(storedAdministrators(store), [...DISABLED_ADMINISTRATOR, { name: 'Rand Zaher', pop_enabled: 0, imap_enabled: 0 }]);
});
