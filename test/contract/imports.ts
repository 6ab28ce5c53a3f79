import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import type { ImportRecord } from '../../src/store/directory-store.js';
import { mailboxRecord } from '../helpers/memory-store.js';
import { SAMPLE_CREATED, SAMPLE_SIZE, all, context, one, sampleRecords, useStore, type StoreDriver } from './support.js';

const ADMINISTRATOR = 'administrator@tailspintoys.com';
/** The sample's Administrator row (line 2) says TRUE,TRUE: the import names it, and stores it disabled. */
const ADMINISTRATOR_ROW = { Name: 'Administrator', PrimarySmtpAddress: ADMINISTRATOR, Line: 2 };

async function sampleRecord(alias: string): Promise<ImportRecord> {
  const record = (await sampleRecords()).find((r) => r.Alias === alias);
  assert.ok(record, alias);
  return record;
}

/** A new mailbox of the sample's domain, distinct from every sample one. */
function newcomer(alias: string): ImportRecord {
  return mailboxRecord({ Name: `New ${alias}`, Alias: alias, PrimarySmtpAddress: `${alias}@tailspintoys.com`, OrganizationalUnit: 'tailspintoys.com/IT' });
}

export function testImports(driver: StoreDriver): void {
  describe('importMailboxes', () => {
    const store = useStore(driver, async () => undefined);

    test('a what-if into an empty store lists every creation and writes nothing', async () => {
      const summary = await store().importMailboxes([await sampleRecords()], SAMPLE_CREATED, { whatIf: true });
      assert.deepEqual([summary.created, summary.updated, summary.changeId], [SAMPLE_SIZE, 0, null]);
      assert.equal(summary.items?.length, SAMPLE_SIZE);
      assert.ok(summary.items?.every((item) => item.Action === 'create' && item.Changes.length === 0));
      assert.equal(await store().countMailboxes({}), 0);
      assert.deepEqual(await store().findOrganizationalUnits(undefined), []);
      assert.deepEqual(await store().getChangeRecords({}), []);
    });

    test('creates every mailbox as its record describes it, and the OUs; the Administrator stored disabled', async () => {
      const records = await sampleRecords();
      const summary = await store().importMailboxes([records.slice(0, 100), records.slice(100)], SAMPLE_CREATED);
      assert.deepEqual(summary, { created: SAMPLE_SIZE, updated: 0, unchanged: 0, organizationalUnitsCreated: 13, changeId: null, casChanges: 0, administratorRefused: [ADMINISTRATOR_ROW] });
      const mailboxes = new Map((await all(store())).map((m) => [m.PrimarySmtpAddress, m]));
      assert.equal(mailboxes.size, SAMPLE_SIZE);
      for (const record of records) {
        const mailbox = mailboxes.get(record.PrimarySmtpAddress.toLowerCase());
        assert.ok(mailbox, record.PrimarySmtpAddress);
        const administrator = record.SamAccountName === 'Administrator';
        assert.deepEqual(
          [mailbox.Name, mailbox.DisplayName, mailbox.Alias, mailbox.SamAccountName, mailbox.UserPrincipalName, mailbox.OrganizationalUnit, mailbox.RecipientTypeDetails],
          [record.Name, record.DisplayName, record.Alias, record.SamAccountName, record.UserPrincipalName, record.OrganizationalUnit, record.RecipientTypeDetails],
        );
        assert.deepEqual(new Set(mailbox.EmailAddresses), new Set(record.EmailAddresses.map((a) => a.toLowerCase())));
        assert.deepEqual(
          [mailbox.Department, mailbox.Title, mailbox.Company, mailbox.Office, mailbox.City, mailbox.StateOrProvince, mailbox.CountryOrRegion, mailbox.CustomAttributes[0]],
          [record.Department, record.Title, record.Company, record.Office, record.City, record.StateOrProvince, record.CountryOrRegion, record.CustomAttributes[0] ?? null],
        );
        assert.deepEqual([mailbox.IsAdministrator, mailbox.PopEnabled, mailbox.ImapEnabled], [administrator, record.PopEnabled && !administrator, record.ImapEnabled && !administrator], record.Name);
        assert.match(mailbox.Guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
        // ISO 8601 UTC; the time itself is the store's: SQLite takes the import's, LDAP the server's createTimestamp.
        assert.match(mailbox.WhenCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.match(mailbox.WhenChanged, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    });

    test('the same records again (no password: a hash is salted anew) change nothing', async () => {
      const again = (await sampleRecords()).map((record) => ({ ...record, Password: null }));
      const summary = await store().importMailboxes([again], new Date());
      assert.deepEqual([summary.created, summary.updated, summary.unchanged, summary.organizationalUnitsCreated, summary.changeId, summary.casChanges], [0, 0, SAMPLE_SIZE, 0, null, 0]);
    });

    test('an update changes only the given fields; its CAS settings go through the history as one change', async () => {
      const rand = await one(store(), 'rzaher');
      const priya = await one(store(), 'praman');
      const admin = await one(store(), 'Administrator');
      const partial = (record: ImportRecord, given: ImportRecord['Given'], values: Partial<ImportRecord>): ImportRecord => ({
        ...newcomer('ignored'), PrimarySmtpAddress: record.PrimarySmtpAddress, Title: 'Ignored', Given: given, ...values,
      });
      const summary = await store().importMailboxes(
        [[
          partial(await sampleRecord('rzaher'), ['Department', 'PopEnabled'], { Department: 'Research', PopEnabled: false }),
          partial(await sampleRecord('praman'), ['ImapEnabled'], { ImapEnabled: false }),
          partial(await sampleRecord('Administrator'), ['PopEnabled'], { PopEnabled: true }),
        ]],
        new Date(),
        { change: context({ commandLine: 'casctl import feed.csv' }) },
      );
      assert.deepEqual(
        [summary.created, summary.updated, summary.unchanged, summary.casChanges, summary.administratorRefused],
        [0, 2, 1, 2, [{ ...ADMINISTRATOR_ROW, Line: null }]],
      );
      assert.ok(summary.changeId !== null);
      const after = await one(store(), 'rzaher');
      assert.deepEqual([after.Guid, after.Department, after.Title, after.Name, after.PopEnabled, after.ImapEnabled], [rand.Guid, 'Research', rand.Title, rand.Name, false, true]);
      assert.deepEqual([(await one(store(), 'praman')).ImapEnabled, (await one(store(), 'praman')).Title], [false, priya.Title]);
      assert.deepEqual([(await one(store(), 'Administrator')).PopEnabled, (await one(store(), 'Administrator')).Title], [false, admin.Title]);

      const [record] = await store().getChangeRecords({ id: summary.changeId });
      assert.equal(record?.CommandLine, 'casctl import feed.csv');
      assert.deepEqual(record?.Changes.map((c) => [c.Name, c.Property, c.Before, c.After]), [
        ['Priya Raman', 'ImapEnabled', true, false],
        ['Rand Zaher', 'PopEnabled', true, false],
      ]);
      assert.deepEqual((await store().pendingChanges(summary.changeId - 1)).settings.map((s) => [s.PrimarySmtpAddress, s.property, s.enabled]).sort(), [
        ['priya.raman@tailspintoys.com', 'ImapEnabled', false],
        ['rand.zaher@tailspintoys.com', 'PopEnabled', false],
      ]);
    });

    test('a what-if update lists each change before → after and writes nothing', async () => {
      const rand = await one(store(), 'rzaher');
      const summary = await store().importMailboxes(
        [[{ ...(await sampleRecord('rzaher')), Title: 'Staff Engineer', ImapEnabled: false, Given: ['Title', 'ImapEnabled'] }]],
        new Date(),
        { whatIf: true },
      );
      assert.deepEqual([summary.updated, summary.changeId], [1, null]);
      assert.deepEqual(summary.items, [{
        Action: 'update', PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', Name: 'Rand Zaher',
        Changes: [{ Property: 'Title', Before: rand.Title, After: 'Staff Engineer' }, { Property: 'ImapEnabled', Before: true, After: false }],
      }]);
      const after = await one(store(), 'rzaher');
      assert.deepEqual([after.Title, after.ImapEnabled], [rand.Title, true]);
    });

    test('matched by Guid, a renamed, moved mailbox keeps its Guid; a new OU is created', async () => {
      const teresa = await one(store(), 'tholm');
      const summary = await store().importMailboxes(
        [[{ ...(await sampleRecord('tholm')), Guid: teresa.Guid.toUpperCase(), Name: 'Teresa Holm-Berg', OrganizationalUnit: 'tailspintoys.com/Europe/Legal', Given: ['Name', 'OrganizationalUnit'] }]],
        new Date(),
      );
      assert.deepEqual([summary.created, summary.updated, summary.organizationalUnitsCreated], [0, 1, 1]);
      const moved = await one(store(), 'tholm');
      assert.deepEqual([moved.Guid, moved.Name, moved.OrganizationalUnit], [teresa.Guid, 'Teresa Holm-Berg', 'tailspintoys.com/Europe/Legal']);
      assert.match(moved.DistinguishedName, /^cn=Teresa Holm-Berg,ou=Legal,ou=Europe,dc=tailspintoys,dc=com$/i);
      assert.deepEqual((await store().findOrganizationalUnits('Legal')).map((ou) => ou.CanonicalName), ['tailspintoys.com/Europe/Legal']);
    });

    test('a new primary address joins the stored ones: the old primary stays a proxy address', async () => {
      const priya = await one(store(), 'praman');
      const summary = await store().importMailboxes([[{ ...(await sampleRecord('praman')), Guid: priya.Guid, PrimarySmtpAddress: 'priya.r@tailspintoys.com', Given: [] }]], new Date());
      assert.equal(summary.updated, 1);
      const after = await one(store(), 'priya.r@tailspintoys.com');
      assert.deepEqual([after.Guid, after.PrimarySmtpAddress, [...after.EmailAddresses].sort(), after.UserPrincipalName], [
        priya.Guid, 'priya.r@tailspintoys.com', ['praman@tailspintoys.com', 'priya.r@tailspintoys.com', 'priya.raman@tailspintoys.com'], priya.UserPrincipalName,
      ]);
    });

    test(`batches that throw: ${driver.transactional ? 'nothing is imported' : 'the error comes through'}`, async () => {
      const before = await store().countMailboxes({});
      async function* feed(): AsyncGenerator<ImportRecord[]> {
        yield [newcomer('first.batch')];
        throw new Error('the feed broke off');
      }
      await assert.rejects(store().importMailboxes(feed(), new Date()), /the feed broke off/);
      const after = await store().countMailboxes({});
      if (driver.transactional) assert.equal(after, before);
      else assert.ok(after === before || after === before + 1, `${after - before} mailboxes added`);
    });

    test('a mailbox renamed to the built-in account is stored disabled, its row named; the flag sticks when renamed away', async () => {
      const admin = await one(store(), 'Administrator');
      const away = await store().importMailboxes([[{ ...(await sampleRecord('Administrator')), SamAccountName: 'FormerAdministrator', Given: ['SamAccountName'] }]], new Date());
      assert.deepEqual([away.updated, away.administratorRefused], [1, []], 'a row that gives no protocol is no refusal');
      assert.deepEqual([(await one(store(), admin.Guid)).IsAdministrator, (await one(store(), admin.Guid)).PopEnabled], [true, false]);

      const ebru = await one(store(), 'ebrunner');
      assert.deepEqual([ebru.IsAdministrator, ebru.PopEnabled, ebru.ImapEnabled], [false, true, true]);
      const renamed = await store().importMailboxes(
        [[{ ...(await sampleRecord('ebrunner')), SamAccountName: 'Administrator', PopEnabled: true, Given: ['SamAccountName', 'PopEnabled'], Line: 7 }]],
        new Date(),
        { change: context({ commandLine: 'casctl import rename.csv' }) },
      );
      assert.deepEqual(
        [renamed.updated, renamed.casChanges, renamed.administratorRefused],
        [1, 0, [{ Name: 'Ebru Brunner', PrimarySmtpAddress: 'ebrunner@tailspintoys.com', Line: 7 }]],
      );
      const after = await one(store(), ebru.Guid);
      assert.deepEqual([after.SamAccountName, after.IsAdministrator, after.PopEnabled, after.ImapEnabled], ['Administrator', true, false, false]);
      // Disabling it changes nothing: it is disabled, as read and as stored.
      const disable = await store().applyCasChanges([{ property: 'ImapEnabled', to: false, guids: [ebru.Guid] }], context({}));
      assert.deepEqual([disable.changeId, disable.mailboxes], [null, 0]);
      const enable = await store().applyCasChanges([{ property: 'PopEnabled', to: true, guids: [ebru.Guid] }], context({}));
      assert.deepEqual([enable.changeId, enable.mailboxes], [null, 0]);
    });

    test('a key of another mailbox is a usage error, and nothing of the call is imported', async () => {
      const before = await store().countMailboxes({});
      const clash = (values: Partial<ImportRecord>): ImportRecord[] => [newcomer('innocent'), { ...newcomer('someone'), ...values }];
      const cases: [ImportRecord[], RegExp][] = [
        [clash({ EmailAddresses: ['someone@tailspintoys.com', 'rzaher@tailspintoys.com'] }), /an address of it already belongs to another mailbox/],
        [clash({ SamAccountName: 'RZAHER' }), /SamAccountName already belongs/],
        [clash({ UserPrincipalName: 'RZAHER@tailspintoys.com' }), /UserPrincipalName already belongs/],
      ];
      for (const [batch, message] of cases) {
        await assert.rejects(store().importMailboxes([batch], new Date()), (e: unknown) => e instanceof UsageError && /^Cannot import 'someone@tailspintoys\.com': /.test(e.message) && message.test(e.message));
      }
      await assert.rejects(store().importMailboxes([[newcomer('twin'), { ...newcomer('twin2'), SamAccountName: 'TWIN' }]], new Date()), (e: unknown) => e instanceof UsageError);
      assert.equal(await store().countMailboxes({}), before);
      assert.deepEqual(await store().resolveIdentities(['innocent', 'twin'], { wildcards: false }).then((m) => [...m.values()].flat()), []);
    });
  });
}
