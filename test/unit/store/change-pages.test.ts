import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3';
import { mailboxCsvBatches } from '../../../src/input/mailbox-csv.js';
import { CHANGE_PAGE, type ChangeRecord, type DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { FIXTURES, tempDir } from '../../helpers/cli.js';

let store: DirectoryStore;
const path = join(tempDir(), 'pages.db');

/** 120 records of one item and 60 of every mailbox's two settings (~28k items): pages cut by records and by items. */
before(async () => {
  const setup = await openStore(path, process.cwd(), { create: true });
  await setup.importMailboxes(mailboxCsvBatches(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`), new Date('2026-01-01T00:00:00Z'));
  await setup.close();
  const db = new Database(path);
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 180)
    INSERT INTO change_records (id, when_changed, os_user, sudo_user, host, command_line, undo_of)
    SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-02-01', '+' || i || ' minutes'), 'tester', NULL, 'host', 'casctl test ' || i, NULL FROM n;
    INSERT INTO change_items SELECT r.id, m.id, m.guid, 'PopEnabled', 1, 0 FROM change_records r JOIN mailboxes m ON m.id = 1 + r.id % 200 WHERE r.id % 3 <> 0;
    INSERT INTO change_items SELECT r.id, m.id, m.guid, p.property, 1, 0 FROM change_records r, mailboxes m,
      (SELECT 'PopEnabled' AS property UNION ALL SELECT 'ImapEnabled') p WHERE r.id % 3 = 0;`);
  db.close();
  store = await openStore(path, process.cwd(), { create: false });
});

test('changeRecords pages the history: whole records, oldest first, at most CHANGE_PAGE per page', async () => {
  const pages: (readonly ChangeRecord[])[] = [];
  for await (const page of store.changeRecords({})) pages.push(page);
  const records = pages.flat();
  assert.deepEqual(records.map((r) => r.Id), Array.from({ length: 180 }, (_, i) => i + 1));
  assert.ok(pages.length >= 3, `${pages.length} pages: the page count grows with the history`);
  for (const page of pages) {
    assert.ok(page.length > 0 && page.length <= CHANGE_PAGE.records, `${page.length} records in a page`);
    // A page takes no further record once it holds CHANGE_PAGE.items items.
    const beforeLast = page.slice(0, -1).reduce((n, r) => n + r.Changes.length, 0);
    assert.ok(beforeLast < CHANGE_PAGE.items, `${beforeLast} items before a page's last record`);
  }
  const big = records.find((r) => r.Id === 6);
  assert.equal(big?.Changes.length, 464, 'a record is never split across pages');
  // Items in the order get-changelog has always shown: by Name, then Guid, PopEnabled before ImapEnabled.
  const order = (big?.Changes ?? []).map((c) => `${(c.Name ?? '').toLowerCase()}\u0000${c.Guid.toLowerCase()}\u0000${c.Property === 'PopEnabled' ? 0 : 1}`);
  assert.deepEqual(order, [...order].sort());
  assert.deepEqual(await store.getChangeRecords({ id: 6 }), [big]);
});

test('changeRecords pages a query too: since, guids (and only their items)', async () => {
  const since: ChangeRecord[] = [];
  for await (const page of store.changeRecords({ since: new Date('2026-02-01T02:00:00Z') })) since.push(...page);
  assert.deepEqual(since.map((r) => r.Id), Array.from({ length: 61 }, (_, i) => i + 120));
  const [first] = await store.getChangeRecords({ id: 1 });
  const guid = first?.Changes[0]?.Guid ?? '';
  const named: ChangeRecord[] = [];
  for await (const page of store.changeRecords({ guids: [guid] })) named.push(...page);
  assert.ok(named.length > 1 && named.every((r) => r.Changes.length > 0 && r.Changes.every((c) => c.Guid === guid)));
});
