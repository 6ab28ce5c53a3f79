import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAILBOX_FIELDS, type Mailbox, type MailboxField } from '../../src/core/mailbox.js';
import { mailboxMatches } from '../../src/core/properties.js';
import type { MailboxQuery } from '../../src/store/directory-store.js';
import { SAMPLE_SIZE, all, filter, names, one, useStore, type StoreDriver } from './support.js';

const NA_ENGINEERING = 'tailspintoys.com/North America/Engineering';
const NA_FINANCE = 'tailspintoys.com/North America/Finance';
const UNKNOWN_GUID = '00000000-0000-4000-8000-000000000000';

/** Filters whose results the in-memory evaluator decides: every store must agree with it. */
const FILTERS = [
  "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'",
  'PopEnabled -eq $false -and ImapEnabled -eq $false',
  'PopEnabled -eq $true -or ImapEnabled -ne $true',
  "-not (Name -like 'Rand*')",
  "Name -lt 'B'",
  "Name -eq 'zoë müller'",
  "EmailAddresses -like 'r*' -and EmailAddresses -ne 'rand.zaher@tailspintoys.com'",
  'CustomAttribute1 -eq $null',
  "RecipientTypeDetails -eq 'RoomMailbox' -or RecipientTypeDetails -eq 'EquipmentMailbox'",
  "Alias -eq 'Administrator' -and PopEnabled -eq $false",
];

export function testReads(driver: StoreDriver): void {
  describe('findMailboxes, countMailboxes, findOrganizationalUnits', () => {
    const store = useStore(driver);
    let everything: Mailbox[];
    const byGuid = (): Map<string, Mailbox> => new Map(everything.map((m) => [m.Guid, m]));

    test('every mailbox once, in non-empty pages, with every field', async () => {
      everything = await all(store());
      assert.equal(everything.length, SAMPLE_SIZE);
      assert.equal(new Set(everything.map((m) => m.Guid)).size, SAMPLE_SIZE);
      for (const mailbox of everything) assert.deepEqual(Object.keys(mailbox).sort(), [...MAILBOX_FIELDS].sort());
      assert.equal(await store().countMailboxes({}), SAMPLE_SIZE);
    });

    test('a read of some fields returns exactly those, with the values of a full read; the Administrator reads disabled', async () => {
      const full = byGuid();
      // Each field alone, and groups that share what they are read from (the DN, the switches, the Administrator marker).
      const subsets: MailboxField[][] = [
        ...MAILBOX_FIELDS.filter((field) => field !== 'Guid').map((field): MailboxField[] => ['Guid', field]),
        ['Guid', 'PopEnabled', 'Name'],
        ['Guid', 'EmailAddresses', 'CustomAttributes', 'IsAdministrator', 'ImapEnabled', 'SamAccountName'],
        ['Guid', 'DistinguishedName', 'OrganizationalUnit', 'SmtpClientAuthenticationDisabled', 'PopUseProtocolDefaults', 'WhenChanged'],
      ];
      for (const fields of subsets) {
        const some = await all(store(), {}, fields);
        assert.equal(some.length, SAMPLE_SIZE);
        for (const mailbox of some) {
          assert.deepEqual(Object.keys(mailbox).sort(), [...fields].sort());
          for (const field of fields) assert.deepEqual(mailbox[field], full.get(mailbox.Guid)?.[field], field);
        }
      }
      // A filter on fields the read does not return is still decided by their values.
      for (const text of FILTERS) {
        const parsed = filter(text);
        const some = await all(store(), { filter: parsed }, ['Guid'] as const);
        assert.deepEqual(some.map((m) => full.get(m.Guid)?.Name).sort(), names(everything.filter((m) => mailboxMatches(parsed, m))), text);
        assert.ok(some.every((m) => Object.keys(m).length === 1), text);
      }
      const admin = (await all(store(), {}, ['SamAccountName', 'PopEnabled', 'ImapEnabled'])).find((m) => m.SamAccountName === 'Administrator');
      assert.deepEqual([admin?.PopEnabled, admin?.ImapEnabled], [false, false]);
    });

    test('an OU selects that OU and every OU below it, never one that merely starts alike', async () => {
      const engineering = await all(store(), { organizationalUnit: NA_ENGINEERING });
      assert.equal(engineering.length, 38);
      assert.ok(engineering.some((m) => m.OrganizationalUnit === `${NA_ENGINEERING}/Platform`));
      assert.ok(engineering.every((m) => m.OrganizationalUnit === NA_ENGINEERING || m.OrganizationalUnit.startsWith(`${NA_ENGINEERING}/`)));
      assert.equal(await store().countMailboxes({ organizationalUnit: 'tailspintoys.com/North America' }), 98);
      assert.equal(await store().countMailboxes({ organizationalUnit: 'tailspintoys.com/North America/Eng' }), 0);
      assert.equal(await store().countMailboxes({ organizationalUnit: 'tailspintoys.com/Nowhere' }), 0);
      assert.equal(await store().countMailboxes({ organizationalUnit: 'TAILSPINTOYS.COM/north america/finance' }), 15, 'compared case-insensitively');
      assert.equal(await store().countMailboxes({ organizationalUnit: 'tailspintoys.com' }), SAMPLE_SIZE, 'the domain holds every OU');
    });

    test('filters agree with the in-memory evaluator, alone and with an OU; counts agree with reads', async () => {
      for (const text of FILTERS) {
        const parsed = filter(text);
        const expected = names(everything.filter((m) => mailboxMatches(parsed, m)));
        assert.deepEqual(names(await all(store(), { filter: parsed })), expected, text);
        assert.equal(await store().countMailboxes({ filter: parsed }), expected.length, text);
      }
      const finance = await all(store(), { organizationalUnit: NA_FINANCE, filter: filter("RecipientTypeDetails -eq 'UserMailbox'") });
      assert.equal(finance.length, 14);
      assert.ok(!names(finance).includes('Finance Team'));
      assert.equal(await store().countMailboxes({ organizationalUnit: NA_FINANCE, filter: filter("RecipientTypeDetails -eq 'UserMailbox'") }), 14);
    });

    test('a limit caps the read', async () => {
      assert.equal((await all(store(), { limit: 3 })).length, 3);
      assert.equal((await all(store(), { filter: filter("Department -like 'Engineering*'"), limit: 5 })).length, 5);
      assert.equal((await all(store(), { limit: SAMPLE_SIZE + 10 })).length, SAMPLE_SIZE);
    });

    test('Guids: each named mailbox once, in any case, unknown ones ignored, intersected with the OU, filter and limit', async () => {
      const rand = await one(store(), 'rzaher');
      const priya = await one(store(), 'praman');
      const ebru = await one(store(), 'ebrunner@tailspintoys.com');
      const named = [rand.Guid, rand.Guid.toUpperCase(), priya.Guid, priya.Guid, ebru.Guid, UNKNOWN_GUID];
      assert.deepEqual(names(await all(store(), { guids: named })), ['Ebru Brunner', 'Priya Raman', 'Rand Zaher']);
      assert.equal(await store().countMailboxes({ guids: [rand.Guid, priya.Guid, UNKNOWN_GUID] }), 2);
      assert.deepEqual(names(await all(store(), { guids: named, organizationalUnit: NA_ENGINEERING })), ['Priya Raman', 'Rand Zaher']);
      assert.deepEqual(names(await all(store(), { guids: named, filter: filter("Name -like 'Rand*'") })), ['Rand Zaher']);
      assert.equal((await all(store(), { guids: named, limit: 2 })).length, 2);
      assert.deepEqual(await all(store(), { guids: [] }), []);
      assert.deepEqual(await all(store(), { guids: [UNKNOWN_GUID] }), []);
      assert.equal((await all(store(), { guids: everything.map((m) => m.Guid) })).length, SAMPLE_SIZE);
    });

    test('filter and identity text with query syntax in it stays literal', async () => {
      for (const text of ["Name -eq '*)(uid=*'", "Name -like \"x') OR 1=1 --\"", "Department -eq 'Engineering)(|(uid=*'", "Alias -eq '*'", "Name -like '*\\*'", "Name -like 'rand%'"]) {
        const query: MailboxQuery = { filter: filter(text) };
        assert.deepEqual(await all(store(), query), [], text);
        assert.equal(await store().countMailboxes(query), 0, text);
      }
      assert.equal((await all(store(), { filter: filter("Name -like '*'") })).length, SAMPLE_SIZE);
    });

    test('OUs by name, canonical name (/ or \\), DN or Guid, in any case; ambiguous names give every candidate', async () => {
      const every = await store().findOrganizationalUnits(undefined);
      assert.equal(every.length, 13);
      const finance = every.find((ou) => ou.CanonicalName === NA_FINANCE);
      assert.ok(finance);
      assert.equal(finance.Name, 'Finance');
      assert.match(finance.Guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(finance.DistinguishedName, /^ou=Finance,ou=North America,dc=tailspintoys,dc=com$/i);
      const canonical = async (text: string): Promise<string[]> => (await store().findOrganizationalUnits(text)).map((ou) => ou.CanonicalName).sort();
      for (const text of ['Finance', 'finance', NA_FINANCE, 'North America/Finance', 'North America\\Finance', 'TAILSPINTOYS.COM/north america/finance', 'OU=Finance,OU=North America,DC=tailspintoys,DC=com', finance.Guid, finance.Guid.toUpperCase()]) {
        assert.deepEqual(await canonical(text), [NA_FINANCE], text);
      }
      assert.deepEqual(await canonical('Sales'), ['tailspintoys.com/Europe/Sales', 'tailspintoys.com/North America/Sales']);
      assert.deepEqual(await canonical('Engineering'), ['tailspintoys.com/Europe/Engineering', NA_ENGINEERING]);
      assert.deepEqual(await canonical('Engineering/Platform'), [`${NA_ENGINEERING}/Platform`]);
      assert.deepEqual(await canonical('North America'), ['tailspintoys.com/North America']);
      // No wildcards for OUs, and the domain itself is no OU.
      for (const text of ['Nowhere', '', 'Fin*', 'tailspintoys.com', 'Finance/North America', 'tailspintoys.com/Europe/Finance', 'OU=Finance,DC=contoso,DC=com', '00000000-0000-4000-8000-000000000000']) {
        assert.deepEqual(await canonical(text), [], text);
      }
    });
  });
}
