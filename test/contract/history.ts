import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHANGE_PAGE, type DirectoryStore } from '../../src/store/directory-store.js';
import { all, context, historyPages, seedSample, useStore, type StoreDriver } from './support.js';

/** More records than a page holds, a minute apart, each toggling one mailbox's POP3; then one big record. */
const RECORDS = CHANGE_PAGE.records + 20;
const START = Date.parse('2026-02-01T00:00:00.000Z');
const minute = (i: number): Date => new Date(START + i * 60_000);

async function seedHistory(store: DirectoryStore): Promise<void> {
  await seedSample(store);
  const mailboxes = (await all(store, {}, ['Guid', 'PopEnabled', 'IsAdministrator'])).filter((m) => !m.IsAdministrator).slice(0, 40);
  const pop = new Map(mailboxes.map((m) => [m.Guid, m.PopEnabled]));
  for (let i = 0; i < RECORDS; i++) {
    const { Guid } = mailboxes[i % mailboxes.length] as { Guid: string };
    const to = !pop.get(Guid);
    pop.set(Guid, to);
    await store.applyCasChanges([{ guids: [Guid], property: 'PopEnabled', to }], context({ when: minute(i), commandLine: `casctl test ${i}` }));
  }
  const everyone = (await all(store, {}, ['Guid'])).map((m) => m.Guid);
  await store.applyCasChanges(
    [{ guids: everyone, property: 'PopEnabled', to: false }, { guids: everyone, property: 'ImapEnabled', to: false }],
    context({ when: minute(RECORDS), commandLine: 'casctl test big' }),
  );
}

export function testHistory(driver: StoreDriver): void {
  describe('changeRecords and getChangeRecords', () => {
    const store = useStore(driver, seedHistory);

    test('the whole history, oldest first, in pages of at most CHANGE_PAGE, a record never split', async () => {
      const pages = await historyPages(store(), {});
      const records = pages.flat();
      assert.equal(records.length, RECORDS + 1);
      const [firstId] = records.map((r) => r.Id);
      assert.deepEqual(records.map((r) => r.Id), records.map((_, i) => (firstId as number) + i));
      assert.ok(pages.length >= 2, `${pages.length} pages`);
      for (const page of pages) {
        assert.ok(page.length > 0 && page.length <= CHANGE_PAGE.records, `${page.length} records in a page`);
        const beforeLast = page.slice(0, -1).reduce((n, r) => n + r.Changes.length, 0);
        assert.ok(beforeLast < CHANGE_PAGE.items, `${beforeLast} items before a page's last record`);
      }
      assert.deepEqual(records.map((r) => r.CommandLine), [...Array.from({ length: RECORDS }, (_, i) => `casctl test ${i}`), 'casctl test big']);
      assert.deepEqual(await store().getChangeRecords({}), records);
    });

    test('a big record whole: one item per mailbox and setting, by Name, then Guid, then the registry order', async () => {
      const [big] = await store().getChangeRecords({ since: minute(RECORDS) });
      assert.equal(big?.CommandLine, 'casctl test big');
      const expected = await store().countMailboxes({});
      const changes = big?.Changes ?? [];
      assert.ok(changes.length > expected, `${changes.length} items`);
      assert.equal(new Set(changes.map((c) => `${c.Guid} ${c.Property}`)).size, changes.length);
      const key = (c: (typeof changes)[number]): string => `${(c.Name ?? '').toLowerCase()}\u0000${c.Guid.toLowerCase()}\u0000${c.Property === 'PopEnabled' ? 0 : 1}`;
      const order = changes.map(key);
      assert.deepEqual(order, [...order].sort());
      assert.ok(changes.every((c) => c.After === false && c.Before === true));
      assert.ok(!changes.some((c) => c.Name === 'Administrator'));
    });

    test('by id, since and Guids (only their items)', async () => {
      const records = await store().getChangeRecords({});
      const tenth = records[9];
      assert.ok(tenth);
      assert.deepEqual(await store().getChangeRecords({ id: tenth.Id }), [tenth]);
      assert.deepEqual(await store().getChangeRecords({ id: 1_000_000 }), []);
      const since = await store().getChangeRecords({ since: minute(RECORDS - 10) });
      assert.deepEqual(since.map((r) => r.CommandLine), [...Array.from({ length: 10 }, (_, i) => `casctl test ${RECORDS - 10 + i}`), 'casctl test big']);
      assert.deepEqual(await store().getChangeRecords({ since: new Date(Date.now() + 60_000) }), []);

      const guid = tenth.Changes[0]?.Guid ?? '';
      const named = (await historyPages(store(), { guids: [guid] })).flat();
      assert.ok(named.length > 2, `${named.length} records touch one mailbox`);
      assert.ok(named.every((r) => r.Changes.length > 0 && r.Changes.every((c) => c.Guid.toLowerCase() === guid.toLowerCase())));
      const both = await store().getChangeRecords({ guids: [guid], since: minute(RECORDS) });
      assert.deepEqual(both.map((r) => r.CommandLine), ['casctl test big']);
      assert.deepEqual(await store().getChangeRecords({ guids: ['00000000-0000-4000-8000-000000000000'] }), []);
    });
  });
}
