import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PruneResult } from '../../src/store/directory-store.js';
import { context, one, useStore, type StoreDriver } from './support.js';

const day = (d: number): Date => new Date(Date.UTC(2025, 0, d));

export function testPrune(driver: StoreDriver): void {
  describe('pruneChangeRecords', () => {
    const store = useStore(driver);
    const ids: number[] = [];

    /**
     * 1 old; 2 old, undone by 3; 3 and 4 old but newer than what the services refreshed; 5 new.
     * Pruning before spring, refreshed through 2: 1 goes, 2 stays (3 undid it), 3 and 4 are pending.
     */
    test('setting up: five records', async () => {
      const guid = async (identity: string): Promise<string> => (await one(store(), identity)).Guid;
      const writes = [
        { when: day(1), guid: await guid('praman'), to: false },
        { when: day(2), guid: await guid('rzaher'), to: false },
        { when: day(3), guid: await guid('rzaher'), to: true, from: false, undo: true },
        { when: day(4), guid: await guid('ebrunner@tailspintoys.com'), to: false },
        { when: new Date(), guid: await guid('Zoë Müller'), to: false },
      ];
      for (const w of writes) {
        const applied = await store().applyCasChanges(
          [{ guids: [w.guid], property: 'PopEnabled', to: w.to, ...(w.from === undefined ? {} : { from: w.from }) }],
          context({ when: w.when, ...(w.undo === true ? { undoOf: ids[1] as number } : {}) }),
        );
        assert.ok(applied.changeId !== null);
        ids.push(applied.changeId);
      }
    });

    test('a what-if counts and removes nothing; a prune removes the same, recorded as a change of its own', async () => {
      const query = { before: new Date('2025-06-01T00:00:00Z'), refreshedThrough: ids[1] as number };
      const expected: PruneResult = { records: 1, items: 1, firstId: ids[0] as number, lastId: ids[0] as number, keptPending: 2, keptUndone: 1, changeId: null };
      assert.deepEqual(await store().pruneChangeRecords(query), expected);
      assert.equal((await store().getChangeRecords({})).length, 5);

      let described: PruneResult | undefined;
      const pruned = await store().pruneChangeRecords(query, (removed) => {
        described = removed;
        return context({ commandLine: `casctl prune-changelog (${removed.records} records)` });
      });
      assert.ok(pruned.changeId !== null);
      assert.deepEqual({ ...pruned, changeId: null }, expected);
      assert.deepEqual({ ...described, changeId: null }, expected, 'the record is described from what it removed');
      const remaining = await store().getChangeRecords({});
      assert.deepEqual(remaining.map((r) => r.Id), [...ids.slice(1), pruned.changeId]);
      const own = remaining.at(-1);
      assert.deepEqual([own?.CommandLine, own?.Changes], ['casctl prune-changelog (1 records)', []]);
    });

    test('a prune that removes nothing records nothing', async () => {
      const before = (await store().getChangeRecords({})).length;
      const none = await store().pruneChangeRecords({ before: new Date('2025-06-01T00:00:00Z'), refreshedThrough: 0 }, () => context());
      assert.deepEqual([none.records, none.items, none.firstId, none.lastId, none.changeId], [0, 0, null, null, null]);
      assert.equal(none.keptPending, 3);
      assert.equal((await store().getChangeRecords({})).length, before);
    });
  });
}
