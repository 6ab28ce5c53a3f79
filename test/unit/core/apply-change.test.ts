import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyChange, changesMade, mailboxLabels, settleItem, settleSummary } from '../../../src/core/apply-change.js';
import type { PlanItem } from '../../../src/core/plan.js';
import type { ChangeSummary } from '../../../src/core/change-summary.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { memoryStore } from '../../helpers/memory-store.js';

const actor = { osUser: 'root', sudoUser: 'alice', host: 'mail1.example.org' };
const source = { actor, now: () => new Date('2026-03-01T10:00:00Z'), argv: ['set-casmailbox', 'a@example.org', '--imap-enabled', 'false', '--password', 'hunter2'] };

let store: DirectoryStore;
const guids: string[] = [];

before(async () => {
  store = await memoryStore(['A', 'B', 'C'].map((Name) => ({ Name, PrimarySmtpAddress: `${Name.toLowerCase()}@example.org` })));
  for await (const page of store.findMailboxes({}, ['Guid', 'PrimarySmtpAddress'])) for (const m of page) guids.push(m.Guid);
});

after(() => store.close());

test('applying a decided change records it as the actor from the command context, at its time, secrets removed', async () => {
  const applied = await applyChange(store, { writes: [{ property: 'ImapEnabled', to: false, guids: guids.slice(0, 2) }] }, source);
  assert.equal(applied.mailboxes, 2);
  assert.ok(applied.changeId !== null);
  const [record] = await store.getChangeRecords({ id: applied.changeId });
  assert.deepEqual(
    { User: record?.User, SudoUser: record?.SudoUser, Host: record?.Host, WhenChanged: record?.WhenChanged, UndoOf: record?.UndoOf, CommandLine: record?.CommandLine },
    {
      User: 'root',
      SudoUser: 'alice',
      Host: 'mail1.example.org',
      WhenChanged: '2026-03-01T10:00:00.000Z',
      UndoOf: null,
      CommandLine: 'casctl set-casmailbox a@example.org --imap-enabled false --password ***',
    },
  );
  assert.deepEqual(record?.Changes.map((c) => [c.PrimarySmtpAddress, c.Property, c.Before, c.After]).sort(), [
    ['a@example.org', 'ImapEnabled', true, false],
    ['b@example.org', 'ImapEnabled', true, false],
  ]);

  const undo = await applyChange(store, { writes: [{ property: 'ImapEnabled', to: true, from: false, guids: guids.slice(0, 2) }], undoOf: applied.changeId }, { ...source, actor: { ...actor, sudoUser: null } });
  const [undone] = await store.getChangeRecords({ id: undo.changeId ?? -1 });
  assert.equal(undone?.UndoOf, applied.changeId);
  assert.equal(undone?.SudoUser, null);
});

test('a change the store finds already made writes no record', async () => {
  const first = await applyChange(store, { writes: [{ property: 'PopEnabled', to: false, guids: [guids[2] ?? ''] }] }, source);
  assert.equal(first.mailboxes, 1);
  const again = await applyChange(store, { writes: [{ property: 'PopEnabled', to: false, guids: [guids[2] ?? ''] }] }, source);
  assert.deepEqual([again.changeId, again.mailboxes], [null, 0]);
});

test('mailboxLabels names the mailboxes a store failed to change, by lower-case Guid', async () => {
  const guid = guids[0] ?? '';
  const labels = await mailboxLabels(store, [guid.toUpperCase()]);
  assert.deepEqual([...labels], [[guid.toLowerCase(), `A <a@example.org>`]]);
  assert.equal((await mailboxLabels(store, [])).size, 0);
});

test('settleSummary reports what the store did, so the summaries of concurrent runs add up', () => {
  const planned: ChangeSummary = { Changed: 10, Unchanged: 5, Refused: 1, NotFound: 2, Ambiguous: 0, Failed: 0 };
  const cases: [string, Parameters<typeof settleSummary>[1], ReturnType<typeof settleSummary>][] = [
    ['nothing applied', null, { summary: { ...planned, Changed: 0 }, settledElsewhere: 0 }],
    ['all as planned', { changeId: 7, mailboxes: 10, settings: 10 }, { summary: planned, settledElsewhere: 0 }],
    ['3 settled by another change first', { changeId: 7, mailboxes: 7, settings: 7 }, { summary: { ...planned, Changed: 7, Unchanged: 8 }, settledElsewhere: 3 }],
    ['2 lost their settings meanwhile and were changed too', { changeId: 7, mailboxes: 12, settings: 12 }, { summary: { ...planned, Changed: 12, Unchanged: 3 }, settledElsewhere: -2 }],
    ['more lost than were unchanged: never below zero', { changeId: 7, mailboxes: 20, settings: 20 }, { summary: { ...planned, Changed: 20, Unchanged: 0 }, settledElsewhere: -10 }],
    [
      '2 failed (LDAP), the rest stands',
      { changeId: 7, mailboxes: 8, settings: 8, failures: [{ Guid: 'g1', message: 'x' }, { Guid: 'g2', message: 'y' }] },
      { summary: { ...planned, Changed: 8, Failed: 2 }, settledElsewhere: 0 },
    ],
  ];
  for (const [name, applied, expected] of cases) assert.deepEqual(settleSummary(planned, applied), expected, name);
});

test('settleItem: a failed write is failed; with what the store made, changed exactly where it changed', () => {
  const change: PlanItem = { Guid: 'AAAA', Name: 'A', PrimarySmtpAddress: 'a@example.org', namedAs: undefined, status: 'change', changes: [{ property: 'PopEnabled', before: true, after: false }] };
  const unchanged: PlanItem = { ...change, Guid: 'BBBB', status: 'unchanged', changes: [] };
  const refused: PlanItem = { ...change, Guid: 'CCCC', status: 'refused' };
  const made = new Map([['bbbb', [{ property: 'PopEnabled' as const, before: true, after: false }]]]);
  assert.equal(settleItem(change, new Set(['aaaa']), undefined).status, 'failed');
  assert.equal(settleItem(change, new Set(), undefined), change, 'as planned: the same item');
  assert.deepEqual([settleItem(change, new Set(), made).status, settleItem(change, new Set(), made).changes], ['unchanged', []], 'another change got there first');
  assert.deepEqual([settleItem(unchanged, new Set(), made).status, settleItem(unchanged, new Set(), made).changes], ['change', made.get('bbbb')], 'it lost the setting meanwhile');
  assert.equal(settleItem(refused, new Set(), made), refused);
});

test('changesMade reads what a change changed, by lower-case Guid', async () => {
  const applied = await applyChange(store, { writes: [{ property: 'PopEnabled', to: false, guids: [(guids[0] ?? '').toUpperCase()] }] }, source);
  const made = await changesMade(store, applied.changeId);
  assert.deepEqual([...made], [[(guids[0] ?? '').toLowerCase(), [{ property: 'PopEnabled', before: true, after: false }]]]);
  assert.equal((await changesMade(store, null)).size, 0);
});
