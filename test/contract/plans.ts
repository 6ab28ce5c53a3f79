import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INHERITED, PlanBook, type PlanWrite } from '../../src/core/mailbox-plans.js';
import type { ChangeRecord, DirectoryStore } from '../../src/store/directory-store.js';
import { all, context, type StoreDriver, useStore } from './support.js';

const NA = 'tailspintoys.com/North America';
const FINANCE = 'tailspintoys.com/North America/Finance';

/** What the mailboxes hold, to show a plan change leaves every one of them alone. */
async function mailboxSettings(store: DirectoryStore): Promise<string> {
  return JSON.stringify((await all(store, {}, ['Guid', 'PopEnabled', 'ImapEnabled', 'WhenChanged'])).sort((a, b) => (a.Guid < b.Guid ? -1 : 1)));
}

const planItems = (record: ChangeRecord | undefined): [string, string, unknown, unknown][] =>
  (record?.PlanChanges ?? []).map((i) => [i.Identity, i.Property, i.Before, i.After]);

export function testPlans(driver: StoreDriver): void {
  describe('CAS mailbox plans', () => {
    const store = useStore(driver);
    let first: number;

    test('a store starts with no plan', async () => {
      assert.deepEqual(await store().getMailboxPlans(), []);
    });

    test('plan writes are one change record of plan items, and no mailbox changes', async () => {
      const before = await mailboxSettings(store());
      const writes: PlanWrite[] = [
        { scope: '', property: 'PopEnabled', to: false, from: INHERITED },
        { scope: FINANCE, property: 'ImapEnabled', to: false, from: INHERITED },
        { scope: FINANCE, property: 'PopEnabled', to: true, from: INHERITED },
      ];
      const applied = await store().applyPlanChanges(writes, context({ commandLine: 'casctl set-casmailboxplan Default --pop-enabled false' }));
      assert.ok(applied.changeId !== null);
      first = applied.changeId;
      assert.deepEqual([applied.settings, applied.conflicts], [3, []]);
      assert.equal(await mailboxSettings(store()), before);

      const plans = await store().getMailboxPlans();
      assert.deepEqual(plans.map((p) => [p.Scope, p.Settings]), [['', { PopEnabled: false }], [FINANCE, { PopEnabled: true, ImapEnabled: false }]]);
      assert.ok(plans.every((p) => /^[0-9a-f-]{36}$/i.test(p.Guid) && !Number.isNaN(Date.parse(p.WhenChanged))));

      const [record] = await store().getChangeRecords({ id: first });
      assert.deepEqual(record?.Changes, []);
      assert.equal(record?.State, 'Complete');
      // Default first, then by OU, each plan's settings in registry order.
      assert.deepEqual(planItems(record), [
        ['Default', 'PopEnabled', INHERITED, false],
        [FINANCE, 'PopEnabled', INHERITED, true],
        [FINANCE, 'ImapEnabled', INHERITED, false],
      ]);
      assert.equal(record?.PlanChanges[0]?.Guid, plans[0]?.Guid);
    });

    test('a mailbox history query and pending refreshes never see plan changes', async () => {
      const [mailbox] = await all(store(), { limit: 1 }, ['Guid']);
      const records = await store().getChangeRecords({ guids: [mailbox?.Guid ?? ''] });
      assert.ok(records.every((r) => r.Id !== first));
      const pending = await store().pendingChanges(first - 1);
      assert.deepEqual(pending.settings, []);
    });

    test('a write the plan already holds is no change; one whose from no longer holds is a conflict, not written', async () => {
      const same = await store().applyPlanChanges([{ scope: '', property: 'PopEnabled', to: false, from: INHERITED }], context());
      assert.deepEqual(same, { changeId: null, settings: 0, conflicts: [] });
      const stale: PlanWrite = { scope: '', property: 'ImapEnabled', to: false, from: true };
      const conflict = await store().applyPlanChanges([stale], context());
      assert.deepEqual(conflict, { changeId: null, settings: 0, conflicts: [stale] });
      assert.deepEqual((await store().getMailboxPlans())[0]?.Settings, { PopEnabled: false });
    });

    test('a setting cleared goes back to inherited, recorded as such; OU scopes match in any case', async () => {
      const applied = await store().applyPlanChanges(
        [{ scope: FINANCE.toUpperCase(), property: 'PopEnabled', to: INHERITED, from: true }],
        context({ undoOf: first }),
      );
      const [record] = await store().getChangeRecords({ id: applied.changeId ?? -1 });
      assert.deepEqual(planItems(record), [[FINANCE, 'PopEnabled', true, INHERITED]]);
      assert.equal(record?.UndoOf, first);
      const plans = await store().getMailboxPlans();
      assert.deepEqual(plans.map((p) => [p.Scope, p.Settings]), [['', { PopEnabled: false }], [FINANCE, { ImapEnabled: false }]]);
    });

    test('null is refused for a setting the registry does not make nullable, and nothing is written', async () => {
      await assert.rejects(store().applyPlanChanges([{ scope: NA, property: 'PopEnabled', to: null, from: INHERITED }], context()), /cannot be \$null/);
      assert.equal((await store().getMailboxPlans()).length, 2);
    });

    test('the effective plan of an OU: the nearest plan that holds a setting, then the directory plan, then the built-in default', async () => {
      const book = new PlanBook(await store().getMailboxPlans());
      const finance = book.effective(`${FINANCE}/Payroll`);
      assert.deepEqual(finance.PopEnabled, { value: false, source: 'Default' });
      assert.deepEqual(finance.ImapEnabled, { value: false, source: FINANCE });
      assert.deepEqual(book.effective(NA).ImapEnabled, { value: true, source: 'BuiltIn' });
    });

    test('concurrent writers of one plan setting: one applies, the other is a conflict', async () => {
      const write = (to: boolean): Promise<{ changeId: number | null; conflicts: PlanWrite[] }> =>
        store().applyPlanChanges([{ scope: NA, property: 'ImapEnabled', to, from: INHERITED }], context());
      // Each planned from the same read (from: Inherited). SQLite serialises writers on its write
      // lock, so one connection's calls go one after the other; LDAP's really interleave.
      const wanted = [false, true, false];
      const results = driver.transactional ? [] : await Promise.all(wanted.map(write));
      if (driver.transactional) for (const to of wanted) results.push(await write(to));
      const applied = results.filter((r) => r.changeId !== null);
      assert.equal(applied.length, 1);
      const winner = (await store().getMailboxPlans()).find((p) => p.Scope === NA)?.Settings.ImapEnabled;
      // The losers either conflict or (writing what the winner wrote) change nothing.
      for (const result of results) if (result.changeId === null) assert.ok(result.conflicts.length === 1 || winner === false);
      const [record] = await store().getChangeRecords({ id: applied[0]?.changeId ?? -1 });
      assert.deepEqual(planItems(record), [[NA, 'ImapEnabled', INHERITED, winner]]);
    });

    test('a prune removes plan changes with their items, counted as items', async () => {
      const before = await store().getChangeRecords({});
      const items = before.reduce((n, r) => n + r.Changes.length + r.PlanChanges.length, 0);
      const pruned = await store().pruneChangeRecords({ before: new Date(Date.now() + 60_000), refreshedThrough: Number.MAX_SAFE_INTEGER }, () => context({ commandLine: 'casctl prune-changelog' }));
      assert.deepEqual([pruned.records, pruned.items], [before.length, items]);
      const after = await store().getChangeRecords({});
      assert.deepEqual(after.map((r) => [r.Id, r.Changes.length, r.PlanChanges.length]), [[pruned.changeId, 0, 0]]);
      assert.equal((await store().getMailboxPlans()).length, 3, 'the plans stay');
    });
  });
}
