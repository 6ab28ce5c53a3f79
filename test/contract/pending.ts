import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PendingSetting } from '../../src/store/directory-store.js';
import { markName } from '../../src/services/service-ledger.js';
import { context, one, useStore, type StoreDriver } from './support.js';

const RAND_LOGINS = ['rand.zaher@tailspintoys.com', 'rzaher@tailspintoys.com'];
const sorted = (settings: readonly PendingSetting[]): PendingSetting[] =>
  [...settings].sort((a, b) => `${a.PrimarySmtpAddress} ${a.property}`.localeCompare(`${b.PrimarySmtpAddress} ${b.property}`));

export function testPending(driver: StoreDriver): void {
  describe('pendingChanges, serviceStates and markServicesRefreshed', () => {
    const store = useStore(driver);
    let first: number;
    let second: number;

    test('nothing is pending before the first change', async () => {
      assert.deepEqual(await store().pendingChanges(0), { throughChangeId: 0, settings: [] });
      assert.equal((await store().serviceStates()).size, 0);
    });

    test('one entry per mailbox and setting changed since, with the value it holds now and every login name', async () => {
      const rand = await one(store(), 'rzaher');
      const priya = await one(store(), 'praman');
      const admin = await one(store(), 'Administrator');
      first = (await store().applyCasChanges(
        [{ guids: [rand.Guid, priya.Guid], property: 'PopEnabled', to: false }, { guids: [rand.Guid], property: 'ImapEnabled', to: false }],
        context(),
      )).changeId ?? -1;
      second = (await store().applyCasChanges([{ guids: [rand.Guid, admin.Guid], property: 'PopEnabled', to: true }], context())).changeId ?? -1;
      assert.ok(second > first && first > 0);
      const pending = await store().pendingChanges(0);
      assert.equal(pending.throughChangeId, second);
      assert.deepEqual(sorted(pending.settings), [
        { PrimarySmtpAddress: 'priya.raman@tailspintoys.com', logins: ['priya.raman@tailspintoys.com', 'praman@tailspintoys.com'], property: 'PopEnabled', enabled: false },
        { PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', logins: RAND_LOGINS, property: 'ImapEnabled', enabled: false },
        { PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', logins: RAND_LOGINS, property: 'PopEnabled', enabled: true },
      ]);
      assert.deepEqual(await store().pendingChanges(first), {
        throughChangeId: second,
        settings: [{ PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', logins: RAND_LOGINS, property: 'PopEnabled', enabled: true }],
      });
      assert.deepEqual(await store().pendingChanges(second), { throughChangeId: second, settings: [] });
    });

    test('a service mark never moves back; services never refreshed are absent', async () => {
      await store().markServicesRefreshed(['MSExchangePOP3', 'MSExchangeIMAP4'], second, new Date('2026-02-01T10:00:00.250Z'));
      await store().markServicesRefreshed(['MSExchangePOP3'], first, new Date('2026-02-01T11:00:00Z'));
      const states = await store().serviceStates();
      assert.deepEqual(states.get('MSExchangePOP3'), { refreshedThrough: second, refreshedAt: '2026-02-01T11:00:00.000Z' });
      assert.deepEqual(states.get('MSExchangeIMAP4'), { refreshedThrough: second, refreshedAt: '2026-02-01T10:00:00.250Z' });
      assert.deepEqual([...states.keys()].sort(), ['MSExchangeIMAP4', 'MSExchangePOP3']);
      await store().markServicesRefreshed([], second, new Date());
      assert.equal((await store().serviceStates()).size, 2);
    });

    test('each mail server keeps its own mark of a service: one server refreshed leaves the other pending', async () => {
      const [mx1, mx2] = [markName('MSExchangeIMAP4', 'mx1'), markName('MSExchangeIMAP4', 'mx2')];
      await store().markServicesRefreshed([mx1], second, new Date('2026-02-02T10:00:00Z'));
      await store().markServicesRefreshed([mx2], first, new Date('2026-02-02T11:00:00Z'));
      const states = await store().serviceStates();
      assert.deepEqual(states.get(mx1), { refreshedThrough: second, refreshedAt: '2026-02-02T10:00:00.000Z' });
      assert.deepEqual(states.get(mx2), { refreshedThrough: first, refreshedAt: '2026-02-02T11:00:00.000Z' });
      assert.equal(states.get('MSExchangeIMAP4')?.refreshedAt, '2026-02-01T10:00:00.250Z', 'the single-server mark is apart from both');
      assert.equal((await store().pendingChanges(states.get(mx2)?.refreshedThrough ?? 0)).settings.length, 1, 'mx2 still has change 2 pending');
    });
  });
}
