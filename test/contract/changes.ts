import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { context, items, one, useStore, type StoreDriver } from './support.js';

const NOTHING = { changeId: null, mailboxes: 0, settings: 0 };
const WHEN = new Date('2026-02-01T10:00:00.000Z');

export function testChanges(driver: StoreDriver): void {
  describe('applyCasChanges', () => {
    const store = useStore(driver);
    let first: number;

    test('the writes that change something, as one change record; the later write of a setting wins', async () => {
      const rand = await one(store(), 'rzaher');
      const priya = await one(store(), 'praman');
      const applied = await store().applyCasChanges(
        [
          { guids: [rand.Guid], property: 'PopEnabled', to: true },
          { guids: [rand.Guid], property: 'PopEnabled', to: false },
          { guids: [rand.Guid], property: 'ImapEnabled', to: false },
          { guids: [priya.Guid.toUpperCase(), priya.Guid], property: 'PopEnabled', to: false },
        ],
        context({ when: WHEN, sudoUser: 'alice', commandLine: "casctl set-casmailbox 'Rand Zaher' praman --pop-enabled false" }),
      );
      assert.equal(applied.mailboxes, 2);
      assert.equal(applied.settings, 3);
      assert.deepEqual(applied.failures ?? [], []);
      assert.ok(applied.changeId !== null);
      first = applied.changeId;
      assert.deepEqual([(await one(store(), 'rzaher')).PopEnabled, (await one(store(), 'rzaher')).ImapEnabled], [false, false]);
      assert.equal((await one(store(), 'praman')).PopEnabled, false);

      const [record, ...more] = await store().getChangeRecords({ id: first });
      assert.ok(record);
      assert.deepEqual(more, []);
      assert.deepEqual(
        [record.Id, record.User, record.SudoUser, record.Host, record.CommandLine, record.UndoOf, record.State],
        [first, 'tester', 'alice', 'admin-host-1', "casctl set-casmailbox 'Rand Zaher' praman --pop-enabled false", null, 'Complete'],
      );
      assert.equal(new Date(record.WhenChanged).getTime(), WHEN.getTime());
      // By mailbox name, then the registry's order of the settings.
      assert.deepEqual(items(record), [
        ['Priya Raman', 'PopEnabled', true, false],
        ['Rand Zaher', 'PopEnabled', true, false],
        ['Rand Zaher', 'ImapEnabled', true, false],
      ]);
      assert.deepEqual(record.Changes.map((c) => [c.Guid.toLowerCase(), c.PrimarySmtpAddress]), [
        [priya.Guid.toLowerCase(), 'priya.raman@tailspintoys.com'],
        [rand.Guid.toLowerCase(), 'rand.zaher@tailspintoys.com'],
        [rand.Guid.toLowerCase(), 'rand.zaher@tailspintoys.com'],
      ]);
    });

    test('writes that change nothing record nothing', async () => {
      const rand = await one(store(), 'rzaher');
      const before = (await store().getChangeRecords({})).length;
      assert.deepEqual(await store().applyCasChanges([{ guids: [rand.Guid], property: 'PopEnabled', to: false }], context()), NOTHING);
      assert.deepEqual(await store().applyCasChanges([], context()), NOTHING);
      assert.equal((await store().getChangeRecords({})).length, before);
    });

    test('with from, only where the stored value still equals it; undoOf is recorded', async () => {
      const rand = await one(store(), 'rzaher');
      const stale = await store().applyCasChanges([{ guids: [rand.Guid], property: 'PopEnabled', to: true, from: true }], context());
      assert.deepEqual(stale, NOTHING);
      const undo = await store().applyCasChanges(
        [
          { guids: [rand.Guid], property: 'PopEnabled', to: true, from: false },
          { guids: [rand.Guid], property: 'ImapEnabled', to: false, from: true },
        ],
        context({ undoOf: first, commandLine: `casctl undo ${first}` }),
      );
      assert.deepEqual([undo.mailboxes, undo.settings], [1, 1]);
      const [record] = await store().getChangeRecords({ id: undo.changeId ?? -1 });
      assert.equal(record?.UndoOf, first);
      assert.deepEqual(items(record), [['Rand Zaher', 'PopEnabled', false, true]]);
      assert.equal((await one(store(), 'rzaher')).PopEnabled, true);
    });

    test('the Administrator mailbox is never enabled, and disabling it changes nothing', async () => {
      const admin = await one(store(), 'Administrator');
      for (const property of ['PopEnabled', 'ImapEnabled'] as const) {
        assert.deepEqual(await store().applyCasChanges([{ guids: [admin.Guid], property, to: true }], context()), NOTHING);
        assert.deepEqual(await store().applyCasChanges([{ guids: [admin.Guid], property, to: false }], context()), NOTHING);
      }
      const after = await one(store(), 'Administrator');
      assert.deepEqual([after.IsAdministrator, after.PopEnabled, after.ImapEnabled], [true, false, false]);
      // Swept in with others: the others change, the Administrator does not.
      const ebru = await one(store(), 'ebrunner@tailspintoys.com');
      const both = await store().applyCasChanges([{ guids: [admin.Guid, ebru.Guid], property: 'ImapEnabled', to: false }, { guids: [admin.Guid, ebru.Guid], property: 'ImapEnabled', to: true }], context());
      assert.deepEqual([both.mailboxes, both.settings], [0, 0], 'Ebru is enabled already; the later write wins');
    });

    test('unknown and malformed Guids write nothing and fail nothing', async () => {
      const guids = ['00000000-0000-4000-8000-000000000000', 'not-a-guid', '*', ')(casGuid=*', "' OR 1=1 --"];
      assert.deepEqual(await store().applyCasChanges([{ guids, property: 'PopEnabled', to: false }], context()), NOTHING);
      const rand = await one(store(), 'rzaher');
      const mixed = await store().applyCasChanges([{ guids: [...guids, rand.Guid], property: 'ImapEnabled', to: true }], context());
      assert.deepEqual([mixed.mailboxes, mixed.settings, mixed.failures ?? []], [1, 1, []]);
    });
  });
}
