import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlanBook } from '../../../src/core/mailbox-plans.js';
import type { ImportRecord } from '../../../src/store/directory-store.js';
import { CasWrites, administratorRefusal, isAdministratorAfter, mergeRecord, newMailboxRecord, recordChanges, type StoredMailbox } from '../../../src/store/import-merge.js';
import { perCasSetting } from '../../../src/core/protocols.js';

const stored: StoredMailbox = {
  Guid: 'g-1', DistinguishedName: 'CN=Ann,OU=Sales,DC=x,DC=example', Name: 'Ann', DisplayName: 'Ann', Alias: 'ann', SamAccountName: 'ann',
  UserPrincipalName: 'ann@x.example', PrimarySmtpAddress: 'ann@x.example', EmailAddresses: ['ann@x.example', 'a@x.example'],
  OrganizationalUnit: 'x.example/Sales', Department: 'Sales', Title: 'Rep', Company: null, Office: null, City: null, StateOrProvince: null,
  CountryOrRegion: null, CustomAttributes: Array.from({ length: 15 }, () => null), RecipientTypeDetails: 'UserMailbox', IsAdministrator: false,
  ...perCasSetting(() => false),
  SmtpClientAuthenticationDisabled: null,
};

/** A row as the CSV reader makes it: defaults everywhere, `given` naming what the file gave. */
const row = (values: Partial<ImportRecord>, given: ImportRecord['Given']): ImportRecord => ({
  ...stored, Guid: null, DistinguishedName: null, Name: 'ann', DisplayName: 'ann', OrganizationalUnit: 'x.example/Users', Department: null, Title: null,
  EmailAddresses: ['ann@x.example'], ...perCasSetting(() => true), SmtpClientAuthenticationDisabled: null, Password: null, ...values, Given: given,
});

test('an update takes only the given fields; the defaults of the others are ignored', () => {
  const merged = mergeRecord(stored, row({ Department: 'HR' }, ['Department']));
  assert.deepEqual(recordChanges(stored, merged), [{ Property: 'Department', Before: 'Sales', After: 'HR' }]);
  assert.deepEqual([merged.PopEnabled, merged.ImapEnabled, merged.Name, merged.OrganizationalUnit, merged.EmailAddresses], [false, false, 'Ann', 'x.example/Sales', ['ann@x.example', 'a@x.example']]);
});

test('a cleared optional field, a CAS change, a new primary address joining the stored ones', () => {
  const merged = mergeRecord({ ...stored }, row({ Guid: 'g-1', PrimarySmtpAddress: 'ann.b@x.example', Title: null, PopEnabled: true }, ['Title', 'PopEnabled']));
  assert.deepEqual(recordChanges(stored, merged), [
    { Property: 'PrimarySmtpAddress', Before: 'ann@x.example', After: 'ann.b@x.example' },
    { Property: 'Title', Before: 'Rep', After: null },
    { Property: 'EmailAddresses', Before: ['ann@x.example', 'a@x.example'], After: ['ann.b@x.example', 'ann@x.example', 'a@x.example'] },
    { Property: 'PopEnabled', Before: false, After: true },
  ]);
  const cas = new CasWrites();
  cas.add('g-1', recordChanges(stored, merged));
  assert.deepEqual(cas.writes, [{ property: 'PopEnabled', to: true, guids: ['g-1'] }]);
});

test('the Administrator: created disabled (refused only when the row asked), never a CAS change on update', () => {
  const admin = row({ SamAccountName: 'Administrator' }, ['SamAccountName', 'PopEnabled']);
  const none = new PlanBook([]);
  assert.deepEqual(newMailboxRecord({ ...admin, Line: 4 }, none).refused, { Name: 'ann', PrimarySmtpAddress: 'ann@x.example', Line: 4 });
  assert.deepEqual([newMailboxRecord(admin, none).record.PopEnabled, newMailboxRecord(admin, none).record.ImapEnabled], [false, false]);
  assert.equal(newMailboxRecord(row({ SamAccountName: 'Administrator' }, ['SamAccountName']), none).refused, null);
  const storedAdmin = { ...stored, IsAdministrator: true };
  assert.deepEqual(recordChanges(storedAdmin, mergeRecord(storedAdmin, admin)), [{ Property: 'SamAccountName', Before: 'ann', After: 'Administrator' }]);
});

test('a mailbox renamed to the built-in account is the Administrator after the update: stored disabled, its row refused by name and line', () => {
  const enabled = { ...stored, PopEnabled: true, ImapEnabled: true };
  const rename = row({ SamAccountName: 'Administrator', PopEnabled: true, Line: 9 }, ['SamAccountName', 'PopEnabled']);
  const merged = mergeRecord(enabled, rename);
  assert.equal(isAdministratorAfter(enabled, merged), true);
  assert.deepEqual([merged.PopEnabled, merged.ImapEnabled], [false, false]);
  assert.deepEqual(recordChanges(enabled, merged), [{ Property: 'SamAccountName', Before: 'ann', After: 'Administrator' }], 'no CAS change: it is stored disabled');
  assert.deepEqual(administratorRefusal(enabled, rename, merged), { Name: 'Ann', PrimarySmtpAddress: 'ann@x.example', Line: 9 });
  const quiet = row({ SamAccountName: 'Administrator' }, ['SamAccountName']);
  assert.equal(administratorRefusal(enabled, quiet, mergeRecord(enabled, quiet)), null, 'a row that gives no protocol is no refusal');
  const away = row({ SamAccountName: 'someone' }, ['SamAccountName', 'ImapEnabled']);
  const admin = { ...stored, IsAdministrator: true };
  assert.equal(isAdministratorAfter(admin, mergeRecord(admin, away)), true, 'the flag sticks');
  assert.deepEqual(administratorRefusal(admin, away, mergeRecord(admin, away))?.Line, null);
});

test('a new mailbox takes its OU plan for each setting its row does not give; an update keeps the stored value', () => {
  const plans = new PlanBook([
    { Guid: 'p1', Scope: '', Settings: { ImapEnabled: false }, WhenChanged: '' },
    { Guid: 'p2', Scope: 'x.example/Sales', Settings: { PopEnabled: false }, WhenChanged: '' },
  ]);
  const { PopEnabled: _pop, ImapEnabled: _imap, ...bare } = row({ OrganizationalUnit: 'x.example/Sales/East' }, ['OrganizationalUnit']);
  const created = newMailboxRecord(bare, plans).record;
  assert.deepEqual([created.PopEnabled, created.ImapEnabled], [false, false]);
  const given = newMailboxRecord({ ...bare, ImapEnabled: true, Given: ['OrganizationalUnit', 'ImapEnabled'] }, plans).record;
  assert.deepEqual([given.PopEnabled, given.ImapEnabled], [false, true], 'the row wins over the plan');
  const elsewhere = newMailboxRecord({ ...bare, OrganizationalUnit: 'x.example/Users' }, plans).record;
  assert.deepEqual([elsewhere.PopEnabled, elsewhere.ImapEnabled], [true, false]);
  const admin = newMailboxRecord({ ...bare, SamAccountName: 'Administrator', OrganizationalUnit: 'x.example/Users' }, new PlanBook([])).record;
  assert.deepEqual([admin.PopEnabled, admin.ImapEnabled], [false, false], 'the Administrator rule still forces POP3 and IMAP4 off');
  const merged = mergeRecord({ ...stored, PopEnabled: true }, bare);
  assert.deepEqual([merged.PopEnabled, merged.ImapEnabled], [true, false]);
});

test("a nullable setting's $null from the row is kept over the plan, for the Administrator too (SMTP AUTH is not refused to it); an empty cell keeps the stored value", () => {
  const plans = new PlanBook([{ Guid: 'p1', Scope: '', Settings: { SmtpClientAuthenticationDisabled: true }, WhenChanged: '' }]);
  const { SmtpClientAuthenticationDisabled: _smtp, ...bare } = row({}, ['OrganizationalUnit']);
  assert.equal(newMailboxRecord(bare, plans).record.SmtpClientAuthenticationDisabled, true, 'not given: the plan decides');
  const explicit = { ...bare, SmtpClientAuthenticationDisabled: null, Given: ['OrganizationalUnit', 'SmtpClientAuthenticationDisabled'] } as const;
  assert.equal(newMailboxRecord(explicit, plans).record.SmtpClientAuthenticationDisabled, null, 'given $null: the row wins');
  const admin = newMailboxRecord({ ...explicit, SamAccountName: 'Administrator' }, plans).record;
  assert.deepEqual([admin.PopEnabled, admin.SmtpClientAuthenticationDisabled], [false, null]);
  assert.equal(newMailboxRecord({ ...bare, SamAccountName: 'Administrator' }, new PlanBook([])).record.SmtpClientAuthenticationDisabled, null);
  assert.equal(mergeRecord({ ...stored, SmtpClientAuthenticationDisabled: true }, explicit).SmtpClientAuthenticationDisabled, null);
  const emptyCell = { ...bare, Given: ['OrganizationalUnit', 'SmtpClientAuthenticationDisabled'] } as const;
  assert.equal(mergeRecord({ ...stored, SmtpClientAuthenticationDisabled: true }, emptyCell).SmtpClientAuthenticationDisabled, true);
});
