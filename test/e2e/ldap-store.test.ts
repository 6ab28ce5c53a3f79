import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { Attribute, Change } from 'ldapts';
import { StoreError, UsageError } from '../../src/core/errors.js';
import { ADMINISTRATOR_REFUSED } from '../../src/core/administrator.js';
import type { Mailbox } from '../../src/core/mailbox.js';
import { perCasSetting, PROTOCOLS } from '../../src/core/protocols.js';
import { resolveOrganizationalUnit } from '../../src/core/select.js';
import { mailboxMatches } from '../../src/core/properties.js';
import { mailboxFilter as parseFilter } from '../helpers/filter/parse.js';
import { readMailboxCsv } from '../../src/input/mailbox-csv.js';
import { hashPassword } from '../../src/input/password-hash.js';
import type { ChangeContext, DirectoryStore, ImportRecord } from '../../src/store/directory-store.js';
import { notAdministrator } from '../../src/store/ldap/apply-changes.js';
import { CASCTL_MAPPING } from '../../src/store/ldap/mapping.js';
import { LdapConnection } from '../../src/store/ldap/connection.js';
import { LdapStore } from '../../src/store/ldap/ldap-store.js';
import { ENABLED_SERVICE_VALUES } from '../../src/store/ldap/protocol-values.js';
import { resolveLdapSettings } from '../../src/store/ldap/settings.js';
import { parseLdapUrl } from '../../src/store/ldap/url.js';
import { openStore } from '../../src/store/open-store.js';
import { FIXTURES, ROOT, casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { freePort } from '../helpers/dovecot.js';
import { casMailboxRow, checkSampleSelections, withoutSecrets } from '../helpers/store-cli-checks.js';
import { checkNonAsciiSelections, juergenCsv } from '../helpers/non-ascii-identities.js';
import { slapdSkipReason, startSlapd, type Slapd } from '../helpers/slapd.js';

const NOT_ADMINISTRATOR = notAdministrator(CASCTL_MAPPING) as string;

const PASSWORD = 'Tailspin!2026';
/** Hashed once: SHA512-CRYPT takes ~16 ms, and every sample mailbox has the same password. */
const HASH = hashPassword(PASSWORD);
const SAMPLE = join(FIXTURES, 'sample-directory.csv');

const context = (extra: Partial<ChangeContext> = {}): ChangeContext => ({
  when: new Date(),
  osUser: 'tester',
  sudoUser: null,
  host: 'admin-host-1',
  commandLine: 'casctl set-casmailbox ...',
  ...extra,
});

async function all(store: DirectoryStore, query: Parameters<DirectoryStore['findMailboxes']>[0] = {}): Promise<Mailbox[]> {
  const found: Mailbox[] = [];
  for await (const page of store.findMailboxes(query)) {
    assert.ok(page.length > 0, 'pages are never empty');
    found.push(...page);
  }
  return found;
}

async function one(store: DirectoryStore, identity: string): Promise<Mailbox> {
  const [mailbox, ...more] = (await store.resolveIdentities([identity], { wildcards: false })).get(identity) ?? [];
  assert.ok(mailbox !== undefined && more.length === 0, `exactly one mailbox for ${identity}`);
  return mailbox;
}

const names = (mailboxes: readonly Mailbox[]): string[] => mailboxes.map((m) => m.Name).sort();

describe('the LDAP directory store on a real slapd', { skip: slapdSkipReason() }, () => {
  let slapd: Slapd;
  let store: DirectoryStore;
  let records: ImportRecord[];

  before(async () => {
    slapd = await startSlapd();
    store = await openStore(slapd.storeUrl, ROOT, { create: true, env: slapd.env('service') });
    records = await readMailboxCsv(SAMPLE, () => HASH);
    const summary = await store.importMailboxes([records], new Date());
    // The sample's Administrator row says TRUE,TRUE: it is created disabled, and said so.
    assert.deepEqual(summary, { created: 232, updated: 0, unchanged: 0, organizationalUnitsCreated: 13, changeId: null, casChanges: 0, administratorRefused: [{ Name: 'Administrator', PrimarySmtpAddress: 'administrator@tailspintoys.com', Line: 2 }] });
  });

  after(async () => {
    await store?.close();
    await slapd?.stop();
  });

  test('entries are inetOrgPerson + casMailbox below ou= entries that mirror the canonical OU path', async () => {
    const client = await slapd.client('admin');
    try {
      const finance = await client.search('ou=Finance,ou=North America,dc=tailspintoys,dc=com', { scope: 'one', filter: '(objectClass=casMailbox)', attributes: ['1.1'] });
      assert.equal(finance.searchEntries.length, 15);
      const { searchEntries: [rand] } = await client.search('cn=Rand Zaher,ou=Engineering,ou=North America,dc=tailspintoys,dc=com', { scope: 'base' });
      assert.ok(rand);
      assert.deepEqual([rand.objectClass].flat().sort(), ['casMailbox', 'inetOrgPerson', 'organizationalPerson', 'person', 'top']);
      assert.equal(rand.uid, 'rzaher');
      assert.equal(rand.mail, 'rand.zaher@tailspintoys.com');
      assert.deepEqual([rand.casEmailAddress].flat(), ['rand.zaher@tailspintoys.com', 'rzaher@tailspintoys.com']);
      assert.equal(rand.departmentNumber, 'Engineering');
      assert.equal(rand.physicalDeliveryOfficeName, 'Redmond B2');
      assert.equal(rand.st, 'WA');
      assert.equal(rand.c, 'US');
      // Every protocol of the registry is enabled for Rand, so the entry holds all their values.
      assert.deepEqual([rand.casEnabledService].flat().sort(), PROTOCOLS.flatMap((p) => ENABLED_SERVICE_VALUES[p.name]).sort());
      assert.match(String(rand.userPassword), /^\{CRYPT\}\$6\$/, 'SHA512-CRYPT stored as {CRYPT}, which slapd and Dovecot both verify');
      const { searchEntries: [admin] } = await client.search('cn=Administrator,ou=IT,dc=tailspintoys,dc=com', { scope: 'base', attributes: ['casAdministrator'] });
      assert.equal(admin?.casAdministrator, 'TRUE');
      const { searchEntries: [container] } = await client.search('cn=casctl,dc=tailspintoys,dc=com', { scope: 'base' });
      assert.ok([container?.objectClass].flat().includes('casStore'));
      assert.deepEqual([container?.casSchemaVersion, container?.casProtocol], ['2', PROTOCOLS.map((p) => p.name)], 'made by init: every protocol recorded');
    } finally {
      await client.unbind();
    }
  });

  test('every mailbox reads back as the CSV describes it', async () => {
    const mailboxes = new Map((await all(store)).map((m) => [m.PrimarySmtpAddress, m]));
    assert.equal(mailboxes.size, 232);
    for (const record of records) {
      const mailbox = mailboxes.get(record.PrimarySmtpAddress.toLowerCase());
      assert.ok(mailbox, record.PrimarySmtpAddress);
      const administrator = record.SamAccountName === 'Administrator';
      assert.deepEqual(
        [mailbox.Name, mailbox.DisplayName, mailbox.Alias, mailbox.SamAccountName, mailbox.UserPrincipalName, mailbox.OrganizationalUnit],
        [record.Name, record.DisplayName, record.Alias, record.SamAccountName, record.UserPrincipalName, record.OrganizationalUnit],
      );
      assert.deepEqual(new Set(mailbox.EmailAddresses), new Set(record.EmailAddresses.map((a) => a.toLowerCase())));
      assert.deepEqual(
        [mailbox.Department, mailbox.Title, mailbox.Company, mailbox.Office, mailbox.City, mailbox.StateOrProvince, mailbox.CountryOrRegion, mailbox.CustomAttributes[0]],
        [record.Department, record.Title, record.Company, record.Office, record.City, record.StateOrProvince, record.CountryOrRegion, record.CustomAttributes[0] ?? null],
      );
      assert.equal(mailbox.RecipientTypeDetails, record.RecipientTypeDetails);
      assert.equal(mailbox.IsAdministrator, administrator);
      assert.equal(mailbox.PopEnabled, record.PopEnabled && !administrator, `${record.Name} PopEnabled`);
      assert.equal(mailbox.ImapEnabled, record.ImapEnabled && !administrator, `${record.Name} ImapEnabled`);
      assert.match(mailbox.WhenCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
    assert.equal((await one(store, 'Smith, Jr., John')).DistinguishedName, 'cn=Smith\\2C Jr.\\2C John,ou=Finance,ou=North America,dc=tailspintoys,dc=com');
  });

  test('OU selection: any name of the OU, then a subtree search from its entry', async () => {
    const count = async (ou: string): Promise<number> => store.countMailboxes({ organizationalUnit: await resolveOrganizationalUnit(store, ou) });
    assert.equal(await count('North America/Engineering'), 38);
    assert.equal(await count('North America\\Finance'), 15);
    assert.equal(await count('OU=Finance,OU=North America,DC=tailspintoys,DC=com'), 15);
    assert.equal(await count('Platform'), 11);
    const [asia] = await store.findOrganizationalUnits('Asia Pacific');
    assert.ok(asia);
    assert.match(asia.Guid, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal(await count(asia.Guid.toUpperCase()), 38);
    await assert.rejects(resolveOrganizationalUnit(store, 'Sales'), (e: unknown) => e instanceof UsageError && /matches multiple entries/.test(e.message));
    await assert.rejects(resolveOrganizationalUnit(store, 'Nowhere'), /couldn't be found/);
    const finance = await all(store, { organizationalUnit: 'tailspintoys.com/North America/Finance', filter: parseFilter("RecipientTypeDetails -eq 'UserMailbox'") });
    assert.equal(finance.length, 14);
    assert.ok(!names(finance).includes('Finance Team'));
    assert.equal((await store.findOrganizationalUnits(undefined)).length, 13, 'cn=casctl is no OU');
  });

  test('filters are pushed down, re-checked, and agree with the in-memory evaluator on the real server', async () => {
    const everything = await all(store);
    const filters = [
      "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'",
      'PopEnabled -eq $false -and ImapEnabled -eq $false',
      'PopEnabled -eq $true -or ImapEnabled -ne $true',
      "Department -ne 'Engineering'",
      "-not (Name -like 'Rand*')",
      "Name -lt 'B'",
      "Name -ge 'Z'",
      "Name -eq 'zoë müller'",
      "Name -like '*ø*'",
      "DisplayName -like '*(Contractor)'",
      "EmailAddresses -like 'r*' -and EmailAddresses -ne 'rand.zaher@tailspintoys.com'",
      "CustomAttribute1 -eq 'Cost center 4410, \"Toys\"'",
      'CustomAttribute1 -eq $null',
      "City -like 'Red*' -and -not (StateOrProvince -eq 'WA')",
      "RecipientTypeDetails -eq 'RoomMailbox' -or RecipientTypeDetails -eq 'EquipmentMailbox'",
      "Title -like '*, *'",
      "Name -like 'Chris  G*'",
      'PopUseProtocolDefaults -eq $true',
      "Alias -eq 'Administrator' -and PopEnabled -eq $false",
    ];
    for (const text of filters) {
      const filter = parseFilter(text);
      const expected = names(everything.filter((m) => mailboxMatches(filter, m)));
      assert.deepEqual(names(await all(store, { filter })), expected, text);
      assert.equal(await store.countMailboxes({ filter }), expected.length, text);
    }
    assert.equal((await all(store, { filter: parseFilter(filters[0] as string) })).length, 15);
    assert.equal((await all(store, { filter: parseFilter('PopEnabled -eq $false -and ImapEnabled -eq $false') })).length, 5);
    assert.equal((await all(store, { filter: parseFilter("Department -like 'Engineering*'"), limit: 3 })).length, 3);
  });

  test('filters and identities with LDAP filter syntax in them stay literal against the real server', async () => {
    const literal = [
      "Name -eq '*)(uid=*'",
      "Name -like \"x') OR 1=1 --\"",
      "Name -like \"*') OR 1=1 --*\"",
      "Department -eq 'Engineering)(|(uid=*'",
      "Alias -eq '*'",
      "Name -eq 'r\\zaher'",
      "Name -like '*\\*'",
      "Department -like 'Engineering*)(objectClass=*'",
    ];
    for (const text of literal) assert.deepEqual(await all(store, { filter: parseFilter(text) }), [], text);
    assert.equal((await all(store, { filter: parseFilter("Name -like '*'") })).length, 232);
    assert.equal((await all(store, { filter: parseFilter("DisplayName -eq 'Marcus Oyelaran (Contractor)'") })).length, 1);
    const resolved = await store.resolveIdentities(['*)(uid=*', "x') OR 1=1 --", 'rzaher)(|(cn=*'], { wildcards: false });
    for (const matches of resolved.values()) assert.deepEqual(matches, []);
    assert.deepEqual((await store.resolveIdentities(['*)(uid=*'], { wildcards: true })).get('*)(uid=*'), []);
  });

  test('paging: the service account reads all 232 mailboxes though a plain search stops at 50', async () => {
    const client = await slapd.client('service');
    try {
      await assert.rejects(client.search(slapd.suffix, { filter: '(objectClass=casMailbox)', attributes: ['1.1'] }), (e: unknown) => (e as { code?: number }).code === 4);
    } finally {
      await client.unbind();
    }
    assert.equal(await store.countMailboxes({}), 232);
    // Pages of 40: five round trips, one early stop, and a search started while another is open.
    const settings = { ...resolveLdapSettings(undefined, slapd.env('service'), ROOT), pageSize: 40 };
    const small = await LdapStore.open(slapd.storeUrl, settings, { create: false, now: () => new Date() });
    try {
      const everything = await all(small);
      assert.equal(new Set(everything.map((m) => m.Guid)).size, 232);
      assert.equal((await all(small, { limit: 45 })).length, 45);
      assert.equal(await small.countMailboxes({}), 232);
      let resolvedInside = 0;
      for await (const page of small.findMailboxes({ limit: 100 })) for (const mailbox of page) {
        const [found] = (await small.resolveIdentities([mailbox.Guid], { wildcards: false })).get(mailbox.Guid) ?? [];
        if (found?.Guid === mailbox.Guid) resolvedInside++;
      }
      assert.equal(resolvedInside, 100);
      const guids = everything.map((m) => m.Guid);
      assert.equal((await all(small, { guids })).length, 232, 'Guid lists go out in batches');
    } finally {
      await small.close();
    }
  });

  test('applyCasChanges: compare-and-set per entry, a change record in the directory, undo-style from writes', async () => {
    const rand = await one(store, 'rzaher');
    const priya = await one(store, 'praman');
    const first = await store.applyCasChanges(
      [
        { guids: [rand.Guid], property: 'PopEnabled', to: true },
        { guids: [rand.Guid], property: 'PopEnabled', to: false },
        { guids: [rand.Guid], property: 'ImapEnabled', to: false },
        { guids: [priya.Guid.toUpperCase()], property: 'PopEnabled', to: false },
        { guids: ['00000000-0000-4000-8000-000000000000'], property: 'PopEnabled', to: false },
      ],
      context({ commandLine: "casctl set-casmailbox 'Rand Zaher' praman --pop-enabled false" }),
    );
    assert.equal(first.mailboxes, 2);
    assert.equal(first.settings, 3);
    assert.equal(first.failures, undefined);
    assert.ok(first.changeId !== null);
    assert.deepEqual([(await one(store, 'rzaher')).PopEnabled, (await one(store, 'rzaher')).ImapEnabled], [false, false]);

    const again = await store.applyCasChanges([{ guids: [rand.Guid], property: 'PopEnabled', to: false }], context());
    assert.deepEqual(again, { changeId: null, mailboxes: 0, settings: 0 }, 'nothing to change: no record');

    const [record] = await store.getChangeRecords({ id: first.changeId });
    assert.ok(record);
    assert.equal(record.User, 'tester');
    assert.equal(record.Host, 'admin-host-1');
    assert.equal(record.CommandLine, "casctl set-casmailbox 'Rand Zaher' praman --pop-enabled false");
    assert.deepEqual(
      record.Changes.map((c) => [c.Name, c.PrimarySmtpAddress, c.Property, c.Before, c.After]),
      [
        ['Priya Raman', 'priya.raman@tailspintoys.com', 'PopEnabled', true, false],
        ['Rand Zaher', 'rand.zaher@tailspintoys.com', 'PopEnabled', true, false],
        ['Rand Zaher', 'rand.zaher@tailspintoys.com', 'ImapEnabled', true, false],
      ],
    );

    // Another admin re-enables IMAP meanwhile; undo restores POP3 only (IMAP's stored value is no longer `from`).
    const client = await slapd.client('admin');
    await client.modify(rand.DistinguishedName, [new Change({ operation: 'add', modification: new Attribute({ type: 'casEnabledService', values: ['imap'] }) })]);
    await client.unbind();
    const undo = await store.applyCasChanges(
      record.Changes.filter((c) => c.Guid === rand.Guid).map((c) => ({ guids: [c.Guid], property: c.Property, to: c.Before, from: c.After })),
      context({ undoOf: first.changeId, commandLine: `casctl undo ${first.changeId}` }),
    );
    assert.equal(undo.settings, 1);
    const [undone] = await store.getChangeRecords({ id: undo.changeId ?? -1 });
    assert.equal(undone?.UndoOf, first.changeId);
    assert.deepEqual(undone?.Changes.map((c) => [c.Property, c.Before, c.After]), [['PopEnabled', false, true]]);

    const priyas = await store.getChangeRecords({ guids: [priya.Guid] });
    assert.deepEqual(priyas.map((r) => [r.Id, r.Changes.length]), [[first.changeId, 1]]);
    assert.deepEqual(await store.getChangeRecords({ since: new Date(Date.now() + 60_000) }), []);
    assert.equal((await store.getChangeRecords({})).length, 2);

    const pending = await store.pendingChanges(0);
    assert.equal(pending.throughChangeId, undo.changeId);
    assert.deepEqual(pending.settings, [
      { PrimarySmtpAddress: 'priya.raman@tailspintoys.com', logins: ['priya.raman@tailspintoys.com', 'praman@tailspintoys.com'], property: 'PopEnabled', enabled: false },
      { PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', logins: ['rand.zaher@tailspintoys.com', 'rzaher@tailspintoys.com'], property: 'ImapEnabled', enabled: true },
      { PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', logins: ['rand.zaher@tailspintoys.com', 'rzaher@tailspintoys.com'], property: 'PopEnabled', enabled: true },
    ]);
    await store.markServicesRefreshed(['MSExchangePOP3', 'MSExchangeIMAP4'], pending.throughChangeId, new Date('2026-02-01T10:00:00.250Z'));
    await store.markServicesRefreshed(['MSExchangePOP3'], 0, new Date('2026-02-01T11:00:00Z'));
    const states = await store.serviceStates();
    assert.deepEqual(states.get('MSExchangePOP3'), { refreshedThrough: pending.throughChangeId, refreshedAt: '2026-02-01T11:00:00.000Z' }, 'a mark never moves back');
    assert.deepEqual(states.get('MSExchangeIMAP4'), { refreshedThrough: pending.throughChangeId, refreshedAt: '2026-02-01T10:00:00.250Z' });
    assert.deepEqual((await store.pendingChanges(pending.throughChangeId)).settings, []);
  });

  test('a change another host is still applying is listed but not marked refreshed; an abandoned one is both', async () => {
    const before = await store.pendingChanges(Number.MAX_SAFE_INTEGER);
    const client = await slapd.client('admin');
    const container = 'cn=casctl,dc=tailspintoys,dc=com';
    const next = before.throughChangeId + 1;
    const record = (when: string): Record<string, string[]> => ({
      objectClass: ['top', 'casChangeRecord'],
      casChangeId: [String(next)],
      casChangeTime: [when],
      casChangeUser: ['other-admin'],
      casChangeHost: ['admin-host-2'],
      casChangeState: ['applying'],
    });
    const counter = (from: number, to: number): Change[] => [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'casLastChangeId', values: [String(from)] }) }),
      new Change({ operation: 'add', modification: new Attribute({ type: 'casLastChangeId', values: [String(to)] }) }),
    ];
    const generalized = (date: Date): string => date.toISOString().replace(/[-:T]/g, '');
    try {
      await client.modify(container, counter(before.throughChangeId, next));
      await client.add(`casChangeId=${next},${container}`, record(generalized(new Date())));
      assert.equal((await store.pendingChanges(0)).throughChangeId, before.throughChangeId, 'held below the change in flight');
      const later = await openStore(slapd.storeUrl, ROOT, { create: false, env: slapd.env('service'), now: () => new Date(Date.now() + 20 * 60_000) });
      try {
        assert.equal((await later.pendingChanges(0)).throughChangeId, next, 'by the clock the store is given, that run died long ago');
      } finally {
        await later.close();
      }
      assert.equal((await store.getChangeRecords({})).find((r) => r.Id === next)?.State, 'Applying', 'shown, not hidden, while it applies');
      await client.modify(`casChangeId=${next},${container}`, [
        new Change({ operation: 'replace', modification: new Attribute({ type: 'casChangeTime', values: [generalized(new Date(Date.now() - 20 * 60_000))] }) }),
      ]);
      assert.equal((await store.pendingChanges(0)).throughChangeId, next, 'a run that died long ago holds nothing back');
      assert.equal((await store.getChangeRecords({ id: next }))[0]?.User, 'other-admin');
    } finally {
      await client.del(`casChangeId=${next},${container}`).catch(() => undefined);
      await client.unbind();
    }
  });

  test('the Administrator mailbox is never enabled: skipped when read, and every enabling write asserts it is not (RFC 4528)', async () => {
    const admin = await one(store, 'Administrator');
    const result = await store.applyCasChanges([{ guids: [admin.Guid], property: 'ImapEnabled', to: true }], context());
    assert.deepEqual(result, { changeId: null, mailboxes: 0, settings: 0 });
    const client = await slapd.client('admin');
    try {
      const { searchEntries: [entry] } = await client.search(admin.DistinguishedName, { scope: 'base', attributes: ['casEnabledService'] });
      // The protocols the rule covers are stored disabled though the file says TRUE; ManageSieve, which it does not cover, is as the file says.
      const refused = new Set(ADMINISTRATOR_REFUSED.flatMap((p) => ENABLED_SERVICE_VALUES[p.name]));
      assert.deepEqual([entry?.casEnabledService].flat().filter((v) => refused.has(String(v))), [], 'stored disabled though the file says TRUE');
      assert.ok([entry?.casEnabledService].flat().includes('sieve'));
    } finally {
      await client.unbind();
    }
    assert.equal((await one(store, 'Administrator')).ImapEnabled, false);
    // The assertion control every enabling modify carries: slapd refuses it on the Administrator (122).
    const connection = await LdapConnection.open(parseLdapUrl(slapd.storeUrl), resolveLdapSettings(undefined, slapd.env('service'), ROOT));
    try {
      const enable = [{ operation: 'add' as const, attribute: 'casEnabledService', values: ['smtp'] }];
      await assert.rejects(connection.modify(admin.DistinguishedName, enable, NOT_ADMINISTRATOR), (e: unknown) => (e as { code?: number }).code === 122);
      await connection.modify((await one(store, 'ebrunner')).DistinguishedName, [{ operation: 'add', attribute: 'casCustomAttribute15', values: ['x'] }], NOT_ADMINISTRATOR);
    } finally {
      await connection.close();
    }
    // Disabling what is stored disabled changes nothing.
    const disabled = await store.applyCasChanges([{ guids: [admin.Guid], property: 'ImapEnabled', to: false }], context());
    assert.equal(disabled.settings, 0);
  });

  test('per-entry results: one mailbox the bind DN may not write fails, the others apply', async () => {
    const rootStore = await openStore(slapd.storeUrl, ROOT, { create: false, env: slapd.env('admin') });
    try {
      const [template] = records.filter((r) => r.Name === 'Naomi Feld');
      assert.ok(template);
      await rootStore.importMailboxes(
        [[{ ...template, Guid: null, OrganizationalUnit: 'tailspintoys.com/Protected', Name: 'Protected Mailbox', DisplayName: 'Protected Mailbox', Alias: 'protected', SamAccountName: 'protected', UserPrincipalName: 'protected@tailspintoys.com', PrimarySmtpAddress: 'protected@tailspintoys.com', EmailAddresses: ['protected@tailspintoys.com'], PopEnabled: true }]],
        new Date(),
      );
    } finally {
      await rootStore.close();
    }
    const locked = await one(store, 'protected');
    const open = await one(store, 'ebrunner@tailspintoys.com');
    const result = await store.applyCasChanges(
      [
        { guids: [locked.Guid], property: 'PopEnabled', to: false },
        { guids: [open.Guid], property: 'PopEnabled', to: false },
      ],
      context(),
    );
    assert.equal(result.mailboxes, 1);
    assert.equal(result.failures?.length, 1);
    assert.equal(result.failures?.[0]?.Guid, locked.Guid);
    assert.match(result.failures?.[0]?.message ?? '', /insufficient access, result 50/);
    const [record] = await store.getChangeRecords({ id: result.changeId ?? -1 });
    assert.deepEqual(record?.Changes.map((c) => c.Name), ['Ebru Brunner']);
    // Every mailbox refused: the bind DN's problem, a StoreError.
    await assert.rejects(store.applyCasChanges([{ guids: [locked.Guid], property: 'ImapEnabled', to: true }], context()), (e: unknown) => e instanceof StoreError && /insufficient access/.test(e.message));
    assert.equal(await store.countMailboxes({}), 233);
  });

  test('the read-only bind DN reads (within its size limit) and cannot write: clear StoreErrors', async () => {
    const reader = await openStore(slapd.storeUrl, ROOT, { create: false, env: slapd.env('reader') });
    try {
      assert.equal((await one(reader, 'rzaher')).Name, 'Rand Zaher');
      assert.equal(await reader.countMailboxes({ organizationalUnit: 'tailspintoys.com/North America/Finance' }), 15);
      const rand = await one(reader, 'rzaher');
      await assert.rejects(reader.applyCasChanges([{ guids: [rand.Guid], property: 'ImapEnabled', to: !rand.ImapEnabled }], context()), (e: unknown) => {
        assert.ok(e instanceof StoreError);
        assert.equal(e.exitCode, 3);
        assert.match(e.message, /'cn=casreader,dc=tailspintoys,dc=com' may not .* \(insufficient access, result 50/);
        assert.ok(e.message.includes(slapd.storeUrl));
        assert.ok(!e.message.includes(slapd.accounts.reader.password));
        return true;
      });
      await assert.rejects(reader.countMailboxes({}), (e: unknown) => e instanceof StoreError && /size limit/.test(e.message) && e.message.includes(slapd.storeUrl));
      await assert.rejects(reader.importMailboxes([records.slice(0, 1)], new Date()), (e: unknown) => e instanceof StoreError && /insufficient access/.test(e.message));
    } finally {
      await reader.close();
    }
  });

  test('bad credentials, an unreachable server, a missing schema: StoreErrors an admin understands, no password', async () => {
    const wrong = `wrong-${slapd.accounts.service.password}`;
    await assert.rejects(openStore(slapd.storeUrl, ROOT, { create: false, env: { CASCTL_LDAP_BIND_DN: slapd.accounts.service.dn, CASCTL_LDAP_PASSWORD: wrong } }), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.match(e.message, /refused the credentials of the bind DN 'cn=casadmin,dc=tailspintoys,dc=com' \(invalid credentials, result 49\)/);
      assert.ok(e.message.includes(slapd.storeUrl));
      assert.ok(!e.message.includes(wrong));
      return true;
    });
    const port = await freePort();
    await assert.rejects(openStore(`ldap://127.0.0.1:${port}/dc=tailspintoys,dc=com`, ROOT, { create: false, env: slapd.env('service') }), (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.match(e.message, new RegExp(`Cannot reach the LDAP server of ldap://127\\.0\\.0\\.1:${port}/dc=tailspintoys,dc=com \\(ECONNREFUSED\\)`));
      return true;
    });
    await assert.rejects(openStore(`${slapd.serverUrl}/dc=contoso,dc=com`, ROOT, { create: false, env: slapd.env('service') }), /The base DN dc=contoso,dc=com does not exist/);
    const bare = await startSlapd({ schema: false });
    try {
      for (const create of [true, false]) {
        await assert.rejects(openStore(bare.storeUrl, ROOT, { create, env: bare.env('service') }), (e: unknown) => e instanceof StoreError && /does not know casctl's schema.*schema\/casmailbox\.schema/.test(e.message));
      }
    } finally {
      await bare.stop();
    }
  });

  test('re-import updates in place: a renamed, moved mailbox keeps its Guid; conflicts import nothing', async () => {
    const before = await one(store, 'tholm');
    const [teresa] = records.filter((r) => r.Alias === 'tholm');
    assert.ok(teresa);
    const moved = { ...teresa, Name: 'Teresa Holm-Berg', OrganizationalUnit: 'tailspintoys.com/Europe/Legal', Password: null, PopEnabled: false };
    const summary = await store.importMailboxes([[moved]], new Date());
    assert.deepEqual([summary.created, summary.updated, summary.organizationalUnitsCreated, summary.casChanges], [0, 1, 1, 1]);
    const after = await one(store, 'tholm');
    assert.equal(after.Guid, before.Guid);
    assert.equal(after.DistinguishedName, 'cn=Teresa Holm-Berg,ou=Legal,ou=Europe,dc=tailspintoys,dc=com');
    assert.equal(after.PopEnabled, false);
    const client = await slapd.client('admin');
    const { searchEntries: [entry] } = await client.search(after.DistinguishedName, { scope: 'base', attributes: ['userPassword'] });
    await client.unbind();
    assert.equal(entry?.userPassword, `{CRYPT}${HASH.slice('{SHA512-CRYPT}'.length)}`, 'no password in the record: the stored one is kept');

    const mailboxesBefore = await store.countMailboxes({});
    const [rand] = records.filter((r) => r.Alias === 'rzaher');
    const clash = { ...(rand as ImportRecord), Guid: null, Name: 'Someone Else', PrimarySmtpAddress: 'someone@tailspintoys.com', EmailAddresses: ['someone@tailspintoys.com', 'rzaher@tailspintoys.com'], Alias: 'someone', SamAccountName: 'someone', UserPrincipalName: 'someone@tailspintoys.com' };
    await assert.rejects(store.importMailboxes([[clash]], new Date()), (e: unknown) => e instanceof UsageError && /an address of it already belongs to another mailbox/.test(e.message));
    await assert.rejects(store.importMailboxes([[{ ...clash, EmailAddresses: ['someone@tailspintoys.com'], SamAccountName: 'RZAHER' }]], new Date()), /SamAccountName already belongs/);
    await assert.rejects(store.importMailboxes([[{ ...clash, EmailAddresses: ['someone@tailspintoys.com'], OrganizationalUnit: 'contoso.com/Sales' }]], new Date()), /not below the store's base DN/);
    await assert.rejects(store.importMailboxes([[{ ...clash, EmailAddresses: ['someone@tailspintoys.com'], CountryOrRegion: 'United States' }]], new Date()), /ISO 3166 two-letter code/);
    assert.equal(await store.countMailboxes({}), mailboxesBefore);
  });
});

describe('the casctl CLI on an LDAP store', { skip: slapdSkipReason() }, () => {
  let slapd: Slapd;
  let csv: string;
  const secrets = (): string[] => Object.values(slapd.accounts).map((a) => a.password);
  const run = async (args: string[], account: 'service' | 'reader' = 'service', env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    return withoutSecrets(await casctl(args, { store: slapd.storeUrl, env: { ...slapd.env(account), ...env } }), secrets(), args);
  };
  const casMailbox = (identity: string): Promise<Record<string, unknown>> => casMailboxRow((args) => run(args), identity);

  before(async () => {
    slapd = await startSlapd();
    // The sample with its passwords hashed once (import hashes plain passwords one by one).
    const rows = parse(readFileSync(SAMPLE, 'utf8'), { columns: true }) as Record<string, string>[];
    const header = Object.keys(rows[0] ?? {});
    const quote = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    csv = join(tempDir(), 'sample-hashed.csv');
    writeFileSync(csv, [header.join(','), ...rows.map((row) => header.map((h) => quote(h === 'Password' && row[h] !== '' ? HASH : (row[h] ?? ''))).join(','))].join('\n'));
  });

  after(async () => {
    await slapd?.stop();
  });

  test('init and import on ldap:// with the credentials in the environment', async () => {
    const init = await run(['init']);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, new RegExp(`Directory store ready: ${slapd.storeUrl.replace(/[.]/g, '\\.')}`));
    const imported = await run(['import', csv]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /232 mailboxes created, 0 updated, 13 organizational units created/);
  });

  test("get-casmailbox: identities, the article's OU and filter selections", async () => {
    await checkSampleSelections((args) => run(args));
  });

  test('set-casmailbox "Rand Zaher" --pop-enabled false --imap-enabled false, get-changelog, undo', async () => {
    const set = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false', '--imap-enabled', 'false']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /Recorded as change 1; undo it with: casctl undo 1/);
    assert.deepEqual(await casMailbox('Rand Zaher'), { Name: 'Rand Zaher', PopEnabled: false, ImapEnabled: false });

    const log = await run(['get-changelog', '-o', 'json']);
    assert.equal(log.code, 0, log.stderr);
    const [record] = json(log);
    assert.equal(record?.Id, 1);
    assert.match(String(record?.CommandLine), /set-casmailbox 'Rand Zaher' --pop-enabled false --imap-enabled false/);
    assert.deepEqual(
      (record?.Changes as { Name: string; Property: string; Before: boolean; After: boolean }[]).map((c) => [c.Name, c.Property, c.Before, c.After]),
      [
        ['Rand Zaher', 'PopEnabled', true, false],
        ['Rand Zaher', 'ImapEnabled', true, false],
      ],
    );

    const undo = await run(['undo', '1']);
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stderr, /Recorded as change 2/);
    assert.deepEqual(await casMailbox('Rand Zaher'), { Name: 'Rand Zaher', PopEnabled: true, ImapEnabled: true });
    const history = json(await run(['get-changelog', '--identity', 'rzaher', '-o', 'json']));
    assert.deepEqual(history.map((r) => [r.Id, r.UndoOf]), [[1, null], [2, 1]]);
  });

  test("get-mailbox 'jür*' finds a mailbox by its SamAccountName beyond ASCII, and UPN and address wildcards agree with SQLite", async () => {
    const imported = await run(['import', juergenCsv()]);
    assert.equal(imported.code, 0, imported.stderr);
    await checkNonAsciiSelections((args) => run(args));
  });

  test('the store and the credentials from a configuration file with a password file next to it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ldap.secret'), `${slapd.accounts.service.password}\n`, { mode: 0o600 });
    const config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ store: slapd.storeUrl, ldap: { bindDn: slapd.accounts.service.dn, passwordFile: 'ldap.secret' } }));
    const result = await casctl(['get-casmailbox', 'rzaher', '-o', 'json', '--property', 'Name'], { env: { CASCTL_CONFIG: config } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), [{ Name: 'Rand Zaher' }]);
    writeFileSync(join(dir, 'ldap.secret'), 'stale-password\n');
    const stale = await casctl(['get-casmailbox', 'rzaher'], { env: { CASCTL_CONFIG: config } });
    assert.equal(stale.code, 3);
    assert.match(stale.stderr, /invalid credentials/);
    assert.ok(!stale.stderr.includes('stale-password'));
  });

  test('the Administrator refusal, a read-only bind DN, a wrong password, an unreachable server: exit codes and messages', async () => {
    const admin = await run(['set-casmailbox', 'Administrator', '--pop-enabled', 'true']);
    assert.equal(admin.code, 1);
    assert.match(admin.stderr, /The Administrator mailbox 'Administrator' can't be enabled for POP3 or IMAP4/);

    const reader = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false'], 'reader');
    assert.equal(reader.code, 3, reader.stderr);
    assert.match(reader.stderr, /casctl: The bind DN 'cn=casreader,dc=tailspintoys,dc=com' may not .*insufficient access/);
    assert.deepEqual(await casMailbox('Rand Zaher'), { Name: 'Rand Zaher', PopEnabled: true, ImapEnabled: true });

    const badPassword = await run(['get-casmailbox', 'Rand Zaher'], 'service', { CASCTL_LDAP_PASSWORD: 'not-the-password' });
    assert.equal(badPassword.code, 3);
    assert.match(badPassword.stderr, /refused the credentials .* \(invalid credentials, result 49\)/);
    assert.ok(!badPassword.stderr.includes('not-the-password'));

    const port = await freePort();
    const unreachable = await casctl(['get-casmailbox', 'Rand Zaher', '--store', `ldap://127.0.0.1:${port}/dc=tailspintoys,dc=com`], { env: slapd.env('service') });
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /Cannot reach the LDAP server of ldap:\/\/127\.0\.0\.1:\d+\/dc=tailspintoys,dc=com \(ECONNREFUSED\)/);

    const inUrl = await casctl(['get-casmailbox', '--store', `ldap://casadmin:${slapd.accounts.service.password}@127.0.0.1:${slapd.port}/${slapd.suffix}`], { env: {} });
    assert.equal(inUrl.code, 3);
    assert.ok(!inUrl.stderr.includes(slapd.accounts.service.password));
  });
});

describe('TLS to the LDAP store', { skip: slapdSkipReason() }, () => {
  test('StartTLS and ldaps:// with the configured CA; without it, a message that says what to configure', async () => {
    const slapd = await startSlapd({ tls: true });
    try {
      const tls = slapd.tls as { caFile: string; ldapsUrl: string };
      const ldaps = `${tls.ldapsUrl}/${slapd.suffix}`;
      const startTls = await openStore(slapd.storeUrl, ROOT, { create: true, env: slapd.env('service'), sections: { ldap: { startTls: true, caFile: tls.caFile } } });
      assert.equal(await startTls.countMailboxes({}), 0);
      await startTls.close();
      const secure = await openStore(ldaps, ROOT, { create: false, env: slapd.env('service'), sections: { ldap: { caFile: tls.caFile } } });
      assert.equal(secure.url, ldaps);
      assert.equal(await secure.countMailboxes({}), 0);
      await secure.close();
      for (const [url, ldap] of [[slapd.storeUrl, { startTls: true }], [ldaps, {}]] as const) {
        await assert.rejects(openStore(url, ROOT, { create: false, env: slapd.env('service'), sections: { ldap } }), (e: unknown) => {
          assert.ok(e instanceof StoreError);
          assert.match(e.message, /The TLS connection to .* failed \(SELF_SIGNED_CERT_IN_CHAIN.*name the CA .* "caFile"/);
          assert.ok(!e.message.includes(slapd.accounts.service.password));
          return true;
        });
      }
      await assert.rejects(openStore(ldaps, ROOT, { create: false, env: slapd.env('service'), sections: { ldap: { startTls: true, caFile: tls.caFile } } }), /"startTls" is for ldap:\/\/ URLs/);
    } finally {
      await slapd.stop();
    }
  });
});

describe('LDAP store throughput (figures printed, not asserted)', { skip: slapdSkipReason() }, () => {
  test('import, bulk set-casmailbox with 16 in flight vs 1, paged search; history of a big change', async (t) => {
    const COUNT = 1000;
    const slapd = await startSlapd({ sync: true });
    const settings = resolveLdapSettings(undefined, slapd.env('service'), ROOT);
    const store = await LdapStore.open(slapd.storeUrl, settings, { create: true, now: () => new Date() });
    const serial = await LdapStore.open(slapd.storeUrl, { ...settings, concurrency: 1 }, { create: false, now: () => new Date() });
    try {
      const records: ImportRecord[] = Array.from({ length: COUNT }, (_, i) => ({
        Guid: null, DistinguishedName: null, Name: `Bulk User ${i}`, DisplayName: `Bulk User ${i}`, Alias: `bulk${i}`,
        SamAccountName: `bulk${i}`, UserPrincipalName: `bulk${i}@tailspintoys.com`, PrimarySmtpAddress: `bulk${i}@tailspintoys.com`,
        EmailAddresses: [`bulk${i}@tailspintoys.com`], OrganizationalUnit: `tailspintoys.com/Bulk/Team ${i % 10}`, Department: 'Bulk',
        Title: null, Company: null, Office: null, City: null, StateOrProvince: null, CountryOrRegion: null,
        CustomAttributes: Array.from({ length: 15 }, () => null), RecipientTypeDetails: 'UserMailbox', ...perCasSetting(() => true), SmtpClientAuthenticationDisabled: null, Password: '{PLAIN}x',
      }));
      const rate = (n: number, ms: number): string => `${Math.round((n * 1000) / ms)}/s`;
      let started = Date.now();
      await store.importMailboxes([records], new Date());
      t.diagnostic(`(slapd flushing every write to disk) import: ${COUNT} entries in ${Date.now() - started} ms (${rate(COUNT, Date.now() - started)}, 16 in flight)`);

      const guids = (await all(store)).map((m) => m.Guid);
      started = Date.now();
      const off = await store.applyCasChanges([{ guids, property: 'PopEnabled' as const, to: false }], context());
      const concurrentMs = Date.now() - started;
      assert.equal(off.settings, COUNT);
      started = Date.now();
      const on = await serial.applyCasChanges([{ guids, property: 'PopEnabled' as const, to: true }], context());
      const serialMs = Date.now() - started;
      assert.equal(on.settings, COUNT);
      t.diagnostic(`set-casmailbox: ${COUNT} modifies in ${concurrentMs} ms with 16 in flight (${rate(COUNT, concurrentMs)}), ${serialMs} ms one at a time (${rate(COUNT, serialMs)}), history included`);

      started = Date.now();
      const read = await all(store);
      t.diagnostic(`paged search: ${read.length} mailboxes in ${Date.now() - started} ms (${rate(read.length, Date.now() - started)}, pages of ${settings.pageSize}, full attributes)`);
      started = Date.now();
      assert.equal(await store.countMailboxes({}), COUNT);
      t.diagnostic(`count: ${COUNT} entries in ${Date.now() - started} ms (${rate(COUNT, Date.now() - started)}, no attributes)`);

      const [record] = await store.getChangeRecords({ id: off.changeId ?? -1 });
      assert.equal(record?.Changes.length, COUNT, 'a 1000-item change is read back whole');
      assert.equal((await store.pendingChanges(0)).settings.length, COUNT);
    } finally {
      await serial.close();
      await store.close();
      await slapd.stop();
    }
  });
});
