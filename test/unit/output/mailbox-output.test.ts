import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Mailbox } from '../../../src/core/mailbox.js';
import { CAS_SETTINGS, perCasSetting, TABLE_CAS_SETTINGS } from '../../../src/core/protocols.js';
import { LAST_LOGON_PROPERTIES } from '../../../src/core/last-logons.js';
import { CAS_MAILBOX_VIEW, fieldsFor, MAILBOX_VIEW, mailboxOutputRecords, showsLastLogons, withoutLastLogons } from '../../../src/output/mailbox-output.js';

const MAILBOX: Mailbox = {
  Guid: '6a1d4a4e-2f0b-4a53-9d1e-0d3f2b7c9e11',
  DistinguishedName: 'CN=Rand Zaher,OU=Engineering,DC=tailspintoys,DC=com',
  Name: 'Rand Zaher',
  DisplayName: 'Rand Zaher',
  Alias: 'rzaher',
  SamAccountName: 'rzaher',
  UserPrincipalName: 'rzaher@tailspintoys.com',
  PrimarySmtpAddress: 'rand.zaher@tailspintoys.com',
  EmailAddresses: ['rand.zaher@tailspintoys.com', 'rzaher@tailspintoys.com'],
  OrganizationalUnit: 'tailspintoys.com/Engineering',
  Department: 'Engineering',
  Title: null,
  Company: 'Tailspin Toys',
  Office: null,
  City: 'Redmond',
  StateOrProvince: 'WA',
  CountryOrRegion: 'US',
  CustomAttributes: Array.from({ length: 15 }, (_, i) => (i === 2 ? 'three' : null)),
  RecipientTypeDetails: 'UserMailbox',
  IsAdministrator: false,
  ...perCasSetting(() => true),
  ImapEnabled: false,
  OWAEnabled: true,
  SmtpClientAuthenticationDisabled: null,
  PopUseProtocolDefaults: true,
  ImapUseProtocolDefaults: true,
  WhenCreated: '2026-01-01T00:00:00.000Z',
  WhenChanged: '2026-01-02T00:00:00.000Z',
};

/** The mailbox as a narrow read returns it: any other field read throws. */
function onlyFields(fields: readonly string[]): Mailbox {
  return new Proxy(MAILBOX, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !fields.includes(key)) throw new Error(`read ${key}, which was not asked for`);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

test('every property is computed from only the fields it declares, and the same as from a full mailbox', () => {
  for (const property of CAS_MAILBOX_VIEW.properties) {
    const full = mailboxOutputRecords([property])(MAILBOX);
    const narrow = mailboxOutputRecords([property])(onlyFields(fieldsFor([property])));
    assert.deepEqual(narrow, full, property);
  }
  assert.deepEqual(mailboxOutputRecords(['EmailAddresses', 'CustomAttribute3'])(MAILBOX), {
    EmailAddresses: ['SMTP:rand.zaher@tailspintoys.com', 'smtp:rzaher@tailspintoys.com'],
    CustomAttribute3: 'three',
  });
});

test('a listing reads the union of the fields of its properties, no more', () => {
  assert.deepEqual(fieldsFor(['Identity', 'Name', 'RecipientType']).sort(), ['Name', 'OrganizationalUnit']);
  assert.deepEqual(fieldsFor(CAS_MAILBOX_VIEW.table).sort(), ['ImapEnabled', 'Name', 'OWAEnabled', 'PopEnabled', 'PrimarySmtpAddress']);
});

test("get-casmailbox's table names its own columns; the list and JSON views show every CAS setting in registry order", () => {
  assert.deepEqual(CAS_MAILBOX_VIEW.table, ['Name', 'PrimarySmtpAddress', 'OWAEnabled', 'PopEnabled', 'ImapEnabled']);
  assert.deepEqual(TABLE_CAS_SETTINGS.filter((s) => !CAS_SETTINGS.includes(s)), []);
  const defaults = CAS_MAILBOX_VIEW.defaults.filter((p) => (CAS_SETTINGS as readonly string[]).includes(p));
  assert.deepEqual(defaults, CAS_SETTINGS);
});

test("the recorded logins: one time per recorded protocol in get-casmailbox's list and JSON, not its table; addresses only when asked for", () => {
  assert.deepEqual(LAST_LOGON_PROPERTIES, ['LastPopLogonTime', 'LastImapLogonTime']);
  assert.deepEqual(CAS_MAILBOX_VIEW.defaults.filter((p) => p.startsWith('Last')), LAST_LOGON_PROPERTIES);
  assert.equal(showsLastLogons(CAS_MAILBOX_VIEW.table), false);
  assert.equal(showsLastLogons(MAILBOX_VIEW.defaults), false);
  assert.deepEqual(CAS_MAILBOX_VIEW.properties.filter((p) => p.startsWith('Last')), [
    'LastPopLogonTime', 'LastPopLogonClientAddress', 'LastImapLogonTime', 'LastImapLogonClientAddress',
  ]);
  assert.deepEqual(withoutLastLogons(['Name', 'LastPopLogonTime', 'LastImapLogonClientAddress']), ['Name']);
  const record = mailboxOutputRecords(['Name', 'LastPopLogonTime', 'LastPopLogonClientAddress', 'LastImapLogonTime']);
  const logons = { pop3: { time: new Date('2026-11-30T08:15:00Z'), clientAddress: '192.0.2.7' } };
  assert.deepEqual(record(MAILBOX, logons), {
    Name: 'Rand Zaher', LastPopLogonTime: '2026-11-30T08:15:00.000Z', LastPopLogonClientAddress: '192.0.2.7', LastImapLogonTime: null,
  });
  // Not recorded at all: empty, as a mailbox that never logged in (the command says which it is).
  assert.deepEqual(record(MAILBOX, undefined), { Name: 'Rand Zaher', LastPopLogonTime: null, LastPopLogonClientAddress: null, LastImapLogonTime: null });
});
