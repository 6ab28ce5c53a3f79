import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { followersQuery } from '../../src/core/transport-config.js';
import { all, context, filter, one, useStore, type StoreDriver } from './support.js';

const PROPERTY = 'SmtpClientAuthenticationDisabled';
const enabledOf = async (driver: ReturnType<typeof useStore>, after: number, address: string): Promise<boolean | undefined> =>
  (await driver().pendingChanges(after)).settings.find((s) => s.PrimarySmtpAddress === address && s.property === PROPERTY)?.enabled;

/**
 * SmtpClientAuthenticationDisabled, Exchange's inverted and nullable setting: $null follows the
 * organisation default (get-/set-transportconfig), which the store keeps, and what Dovecot reads
 * (pendingChanges' `enabled`) is what the two make it, whichever of them changed.
 */
export function testSmtpAuth(driver: StoreDriver): void {
  describe('SmtpClientAuthenticationDisabled and the organisation default', () => {
    const store = useStore(driver);

    test('every mailbox starts at $null, following the built-in default: SMTP AUTH allowed', async () => {
      assert.deepEqual(await store().getTransportConfig(), { SmtpClientAuthenticationDisabled: false });
      const rand = await one(store(), 'rzaher');
      assert.equal(rand.SmtpClientAuthenticationDisabled, null);
      assert.equal((await all(store(), followersQuery(PROPERTY))).length, (await all(store())).length);
    });

    test('$true, $false and $null are each a value of their own: written, recorded before → after, filtered and undone', async () => {
      const rand = await one(store(), 'rzaher');
      const priya = await one(store(), 'praman');
      const set = await store().applyCasChanges([{ guids: [rand.Guid], property: PROPERTY, to: true }, { guids: [priya.Guid], property: PROPERTY, to: false }], context());
      assert.equal(set.settings, 2);
      assert.equal(await enabledOf(store, 0, 'rand.zaher@tailspintoys.com'), false, 'disabled: Dovecot refuses');
      assert.equal(await enabledOf(store, 0, 'priya.raman@tailspintoys.com'), true);
      const [record] = await store().getChangeRecords({ id: set.changeId ?? -1 });
      assert.deepEqual(record?.Changes.map((c) => [c.Name, c.Before, c.After]).sort(), [['Priya Raman', null, false], ['Rand Zaher', null, true]]);
      assert.deepEqual((await all(store(), { filter: filter(`${PROPERTY} -eq $true`) })).map((m) => m.Name), ['Rand Zaher']);
      assert.deepEqual((await all(store(), { filter: filter(`${PROPERTY} -eq $false`) })).map((m) => m.Name), ['Priya Raman']);
      const notTrue = await all(store(), { filter: filter(`${PROPERTY} -ne $true`) });
      assert.equal(notTrue.length, (await all(store())).length - 1, '-ne $true: the $false one and every $null one');

      // Back to $null, only where it still holds what the change set (undo's `from`).
      const stale = await store().applyCasChanges([{ guids: [rand.Guid], property: PROPERTY, to: null, from: false }], context());
      assert.equal(stale.changeId, null, 'Rand holds $true, not $false: nothing to undo');
      const undo = await store().applyCasChanges([{ guids: [rand.Guid, priya.Guid], property: PROPERTY, to: null }], context({ undoOf: set.changeId ?? -1 }));
      assert.equal(undo.settings, 2);
      assert.equal((await one(store(), 'rzaher')).SmtpClientAuthenticationDisabled, null);
      assert.equal(await enabledOf(store, set.changeId ?? 0, 'rand.zaher@tailspintoys.com'), true, 'follows the default again: allowed');
      const [undone] = await store().getChangeRecords({ id: undo.changeId ?? -1 });
      assert.deepEqual(undone?.Changes.map((c) => [c.Name, c.Before, c.After]).sort(), [['Priya Raman', false, null], ['Rand Zaher', true, null]]);
    });

    test('the organisation default turns every mailbox that follows it, one recorded change, pending for each; the others keep their own', async () => {
      const rand = await one(store(), 'rzaher');
      const priya = await one(store(), 'praman');
      await store().applyCasChanges([{ guids: [priya.Guid], property: PROPERTY, to: false }], context());
      const before = (await store().pendingChanges(0)).throughChangeId;
      const followers = (await all(store(), followersQuery(PROPERTY))).length;

      const off = await store().setTransportConfig({ property: PROPERTY, to: true }, context());
      assert.ok(off.changeId !== null && off.changeId > before);
      assert.equal(off.mailboxes, followers, 'every mailbox that follows the default was turned');
      assert.deepEqual(await store().getTransportConfig(), { SmtpClientAuthenticationDisabled: true });
      assert.equal((await one(store(), 'rzaher')).SmtpClientAuthenticationDisabled, null, 'its own setting stays $null');
      const pending = await store().pendingChanges(before);
      assert.equal(pending.settings.find((s) => s.PrimarySmtpAddress === rand.PrimarySmtpAddress)?.enabled, false, 'refused now');
      assert.equal(pending.settings.some((s) => s.PrimarySmtpAddress === priya.PrimarySmtpAddress), false, 'an explicit $false is not touched');
      const [record] = await store().getChangeRecords({ id: off.changeId });
      assert.deepEqual([record?.Changes, record?.TransportConfig], [[], [{ Property: PROPERTY, Before: false, After: true }]]);

      // A mailbox set to $null now follows the new default at once.
      const back = await store().applyCasChanges([{ guids: [priya.Guid], property: PROPERTY, to: null }], context());
      assert.equal(await enabledOf(store, back.changeId === null ? 0 : back.changeId - 1, priya.PrimarySmtpAddress), false);

      const same = await store().setTransportConfig({ property: PROPERTY, to: true }, context());
      assert.deepEqual([same.changeId, same.mailboxes], [null, 0], 'already so: nothing recorded, nothing to turn');
      const conflict = await store().setTransportConfig({ property: PROPERTY, to: false, from: false }, context());
      assert.equal(conflict.changeId, null, "undo's from no longer holds");
      const on = await store().setTransportConfig({ property: PROPERTY, to: false, from: true }, context({ undoOf: off.changeId }));
      assert.equal(on.mailboxes, followers + 1, 'Priya follows the default again too');
      assert.equal((await store().pendingChanges(on.changeId === null ? 0 : on.changeId - 1)).settings.find((s) => s.PrimarySmtpAddress === rand.PrimarySmtpAddress)?.enabled, true);
    });
  });
}
