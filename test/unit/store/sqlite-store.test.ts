import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { MAILBOX_FIELDS, type Mailbox, type MailboxField } from '../../../src/core/mailbox.js';
import { mailboxCsvBatches } from '../../../src/input/mailbox-csv.js';
import type { ChangeContext, DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { FIXTURES, tempDir } from '../../helpers/cli.js';
import { mailboxFilter } from '../../helpers/filter/parse.js';

let store: DirectoryStore;

before(async () => {
  store = await openStore(join(tempDir(), 'unit.db'), process.cwd(), { create: true });
  await store.importMailboxes(mailboxCsvBatches(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`), new Date('2026-01-01T00:00:00Z'));
});

const context = (): ChangeContext => ({ when: new Date(), osUser: 'tester', sudoUser: null, host: 'host', commandLine: 'casctl test' });

async function one(identity: string): Promise<Mailbox> {
  const [mailbox] = (await store.resolveIdentities([identity], { wildcards: false })).get(identity) ?? [];
  assert.ok(mailbox, identity);
  return mailbox;
}

async function all<F extends MailboxField>(fields?: readonly F[]): Promise<Pick<Mailbox, F>[]> {
  const found: Pick<Mailbox, F>[] = [];
  for await (const page of store.findMailboxes({}, fields)) {
    assert.ok(page.length > 0, 'pages are never empty');
    found.push(...page);
  }
  return found;
}

test('a read of some fields returns exactly those, with the values of a full read', async () => {
  const full = await all();
  assert.ok(full.length > 200);
  assert.deepEqual(Object.keys(full[0] ?? {}).sort(), [...MAILBOX_FIELDS].sort());
  for (const fields of [['Guid'], ['PopEnabled', 'Name'], ['EmailAddresses', 'CustomAttributes', 'IsAdministrator']] as MailboxField[][]) {
    const some = await all(fields);
    assert.equal(some.length, full.length);
    some.forEach((mailbox, i) => {
      assert.deepEqual(Object.keys(mailbox).sort(), [...fields].sort());
      for (const field of fields) assert.deepEqual(mailbox[field], (full[i] as Mailbox)[field], field);
    });
  }
  // The Administrator rule holds on a narrow read too.
  const admin = (await all(['SamAccountName', 'PopEnabled', 'ImapEnabled'])).find((m) => m.SamAccountName === 'Administrator');
  assert.deepEqual([admin?.PopEnabled, admin?.ImapEnabled], [false, false]);
});

test("a filter beyond SQLite's limits is a usage error before any mailbox is read", async () => {
  const filter = mailboxFilter(Array.from({ length: 1001 }, (_, i) => `Name -eq '${i}'`).join(' -or '));
  await assert.rejects(
    async () => {
      for await (const page of store.findMailboxes({ filter })) assert.fail(`read ${page.length} mailboxes`);
    },
    (error: unknown) => error instanceof UsageError && error.exitCode === 2 && /^Invalid filter: the filter has more than 1000 comparisons at column/.test(error.message),
  );
});

test('identities resolve to narrow reads too; one that names nothing is absent or empty', async () => {
  const resolved = await store.resolveIdentities(['rzaher', 'rand.zaher@tailspintoys.com', 'nobody@nowhere'], { wildcards: false, fields: ['Name'] });
  assert.deepEqual(resolved.get('rzaher'), [{ Name: 'Rand Zaher' }]);
  assert.deepEqual(resolved.get('rand.zaher@tailspintoys.com'), [{ Name: 'Rand Zaher' }]);
  assert.deepEqual(resolved.get('nobody@nowhere') ?? [], []);
});

test('set-based writes: the later write of a setting wins, from is respected, duplicates count once, Administrator never enabled', async () => {
  const rand = await one('rzaher');
  const priya = await one('praman');
  const admin = await one('Administrator');
  assert.equal(rand.PopEnabled, true);
  const applied = await store.applyCasChanges(
    [
      { property: 'PopEnabled', to: false, guids: [rand.Guid, priya.Guid, priya.Guid.toUpperCase(), '00000000-0000-4000-8000-000000000000'] },
      // Later than the write above for Rand: he keeps POP3.
      { property: 'PopEnabled', to: true, guids: [rand.Guid, admin.Guid] },
      // Rand's IMAP4 is not false, so this undo-style write does nothing.
      { property: 'ImapEnabled', to: true, from: false, guids: [rand.Guid] },
    ],
    context(),
  );
  assert.deepEqual({ mailboxes: applied.mailboxes, settings: applied.settings }, { mailboxes: 1, settings: 1 });
  assert.equal((await one('rzaher')).PopEnabled, true);
  assert.equal((await one('praman')).PopEnabled, false);
  assert.equal((await one('Administrator')).PopEnabled, false);
  const [record] = await store.getChangeRecords({ id: applied.changeId ?? -1 });
  assert.deepEqual(record?.Changes.map((c) => [c.Name, c.Property, c.Before, c.After]), [['Priya Raman', 'PopEnabled', true, false]]);

  const nothing = await store.applyCasChanges([{ property: 'PopEnabled', to: false, guids: [priya.Guid] }], context());
  assert.deepEqual(nothing, { changeId: null, mailboxes: 0, settings: 0 });
});

test('an import that disables POP3 on existing mailboxes records one change, pending for the services', async () => {
  const dir = tempDir();
  const csv = join(dir, 'feed.csv');
  writeFileSync(csv, 'PrimarySmtpAddress,PopEnabled\nmarcus.oyelaran@tailspintoys.com,False\nhannah.lindqvist@tailspintoys.com,False\ntomas.ortega@tailspintoys.com,False\n');
  const { throughChangeId: before } = await store.pendingChanges(0);
  const summary = await store.importMailboxes(mailboxCsvBatches(csv, (plain) => plain), new Date(), { change: context() });
  assert.equal(summary.casChanges, 3);
  assert.ok(summary.changeId !== null && summary.changeId > before);
  const pending = await store.pendingChanges(before);
  assert.deepEqual(pending.settings.map((s) => [s.PrimarySmtpAddress, s.property, s.enabled]), [
    ['hannah.lindqvist@tailspintoys.com', 'PopEnabled', false],
    ['marcus.oyelaran@tailspintoys.com', 'PopEnabled', false],
    ['tomas.ortega@tailspintoys.com', 'PopEnabled', false],
  ]);
  const [record] = await store.getChangeRecords({ id: summary.changeId });
  assert.equal(record?.CommandLine, 'casctl test');
});

test('an OU beyond ASCII named in another case by a later import is the same OU, spelled as first stored', async () => {
  const csv = (name: string, ou: string): string => {
    const path = join(tempDir(), `${name}.csv`);
    writeFileSync(path, `Name,PrimarySmtpAddress,OrganizationalUnit\n${name},${name}@tailspintoys.com,${ou}\n`);
    return path;
  };
  await store.importMailboxes(mailboxCsvBatches(csv('first', 'tailspintoys.com/Zürich/Büro'), (plain) => plain), new Date());
  const second = await store.importMailboxes(mailboxCsvBatches(csv('second', 'TAILSPINTOYS.COM/ZÜRICH/BÜRO'), (plain) => plain), new Date());
  assert.equal(second.organizationalUnitsCreated, 0);
  assert.equal((await one('second')).OrganizationalUnit, 'tailspintoys.com/Zürich/Büro');
  assert.deepEqual((await store.findOrganizationalUnits('zürich')).map((ou) => ou.CanonicalName), ['tailspintoys.com/Zürich']);
});
