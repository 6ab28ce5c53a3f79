import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLAN_FIELDS, WriteCollector, planFor, shownIdentity, type PlanItem } from '../../../src/core/plan.js';
import { selectMailboxes, type Selection } from '../../../src/core/select.js';
import type { CasSettings } from '../../../src/store/directory-store.js';
import { useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY, argumentIdentities } from '../../helpers/small-directory.js';
import { perCasSetting } from '../../../src/core/protocols.js';

const store = useMemoryStore(SMALL_DIRECTORY);

/** The plan set-casmailbox makes: each selected mailbox, read with PLAN_FIELDS, planned for `wanted`. */
async function plan(selection: Partial<Selection>, wanted: CasSettings): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  for await (const { mailbox, namedAs } of selectMailboxes(store(), { wildcards: false, ...selection }, () => undefined, PLAN_FIELDS)) {
    items.push(planFor(mailbox, wanted, namedAs));
  }
  return items;
}

const summary = (items: readonly PlanItem[]): [string, string, string[]][] =>
  items.map((i) => [i.Name, i.status, i.changes.map((c) => `${c.property} ${c.before}→${c.after}`)]);

test('each mailbox before → after, in the registry order of the settings; one already so is unchanged', async () => {
  const items = await plan({ identities: argumentIdentities('ann.lee', 'bob.stone', 'eve.moss') }, { ImapEnabled: false, PopEnabled: false });
  assert.deepEqual(summary(items), [
    ['Ann Lee', 'change', ['PopEnabled true→false', 'ImapEnabled true→false']],
    ['Bob Stone', 'change', ['ImapEnabled true→false']],
    ['Eve Moss', 'unchanged', []],
  ]);
  assert.deepEqual(items.map((i) => i.namedAs?.identity), ['ann.lee', 'bob.stone', 'eve.moss']);
  assert.equal(items[0]?.PrimarySmtpAddress, 'ann.lee@example.com');
  assert.deepEqual(summary(await plan({ identities: argumentIdentities('ann.lee') }, {})), [['Ann Lee', 'unchanged', []]]);
});

test('mailboxes with the same changes share one frozen list of them', async () => {
  const items = await plan({ organizationalUnit: 'Sales' }, { PopEnabled: false });
  const changing = items.filter((i) => i.status === 'change');
  assert.equal(changing.length, 2);
  assert.equal(changing[0]?.changes, changing[1]?.changes);
  assert.ok(Object.isFrozen(changing[0]?.changes));
});

test('the Administrator: refused when named, refused and named by nobody when swept in; disabling it is no change', async () => {
  const [named] = await plan({ identities: argumentIdentities('Administrator') }, { PopEnabled: true });
  assert.deepEqual([named?.status, named?.namedAs?.identity, shownIdentity(named as PlanItem)], ['refused', 'Administrator', 'Administrator']);
  assert.deepEqual(named?.changes.map((c) => [c.property, c.before, c.after]), [['PopEnabled', false, true]]);
  const swept = (await plan({ organizationalUnit: 'IT' }, { ImapEnabled: true })).find((i) => i.Name === 'Administrator');
  assert.deepEqual([swept?.status, swept?.namedAs, shownIdentity(swept as PlanItem)], ['refused', undefined, 'Administrator']);
  const [disable] = await plan({ identities: argumentIdentities('Administrator') }, { PopEnabled: false, ImapEnabled: false });
  assert.deepEqual(summary([disable as PlanItem]), [['Administrator', 'unchanged', []]]);
  // Any enabling refuses the whole item, a disabling in it too.
  const mixed = planFor({ Guid: 'g', Name: 'Administrator', PrimarySmtpAddress: 'a@example.com', IsAdministrator: true, ...perCasSetting(() => false) }, { PopEnabled: true, ImapEnabled: false }, undefined);
  assert.equal(mixed.status, 'refused');
});

test('the planned writes, collected per setting and value, apply exactly the plan', async () => {
  const items = await plan({ identities: argumentIdentities('ann.lee', 'bob.stone', 'dana.fox') }, { PopEnabled: false, ImapEnabled: false });
  const writes = new WriteCollector();
  for (const item of items) for (const change of item.changes) writes.add(item.Guid, change.property, change.after);
  writes.add(items[0]?.Guid ?? '', 'PopEnabled', true, false);
  assert.deepEqual(writes.list().map((w) => [w.property, w.to, w.from, w.guids.length]), [
    ['PopEnabled', false, undefined, 2],
    ['ImapEnabled', false, undefined, 3],
    ['PopEnabled', true, false, 1],
  ]);
  const applied = await store().applyCasChanges(writes.list().slice(0, 2), { when: new Date(), osUser: 'tester', sudoUser: null, host: 'host', commandLine: 'casctl test' });
  assert.deepEqual([applied.mailboxes, applied.settings], [3, 5]);
  assert.deepEqual(summary(await plan({ identities: argumentIdentities('ann.lee', 'bob.stone', 'dana.fox') }, { PopEnabled: false, ImapEnabled: false })).map(([, status]) => status), ['unchanged', 'unchanged', 'unchanged']);
});

test('a mailbox named by its Guid is shown in messages by Name <address>; any other identity as typed', async () => {
  const [ann] = await plan({ identities: argumentIdentities('ann.lee') }, {});
  const guid = ann?.Guid ?? '';
  for (const typed of [guid, guid.toUpperCase(), ` ${guid} `]) {
    const [item] = await plan({ identities: argumentIdentities(typed) }, {});
    assert.equal(shownIdentity(item as PlanItem), 'Ann Lee <ann.lee@example.com>', typed);
  }
  assert.equal(shownIdentity(ann as PlanItem), 'ann.lee');
});
