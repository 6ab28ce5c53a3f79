import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { readMailboxCsv } from '../../../src/input/mailbox-csv.js';
import { tempDir } from '../../helpers/cli.js';

const plain = (password: string): string => `{PLAIN}${password}`;

function file(text: string): string {
  const path = join(tempDir(), 'in.csv');
  writeFileSync(path, text);
  return path;
}

test('defaults follow Active Directory: alias from the address, UPN from the SamAccountName, OU domain/Users', async () => {
  const [record] = await readMailboxCsv(file('\uFEFFprimarysmtpaddress,DISPLAYNAME\r\nAnn.Lee@Example.COM,"Lee, Ann"\r\n'), plain);
  assert.deepEqual(record, {
    Guid: null, DistinguishedName: null, Name: 'Lee, Ann', DisplayName: 'Lee, Ann', Alias: 'Ann.Lee', SamAccountName: 'Ann.Lee',
    UserPrincipalName: 'Ann.Lee@example.com', PrimarySmtpAddress: 'ann.lee@example.com', EmailAddresses: ['ann.lee@example.com'],
    OrganizationalUnit: 'Example.COM/Users', Department: null, Title: null, Company: null, Office: null, City: null,
    StateOrProvince: null, CountryOrRegion: null, CustomAttributes: Array(15).fill(null), RecipientTypeDetails: 'UserMailbox',
    // No CAS setting: the file gives none, so the plan of the OU decides where the mailbox is created.
    Password: null, Given: ['DisplayName'], Line: 2,
  });
});

test('passwords are hashed unless they carry a scheme; booleans and types take every spelling', async () => {
  const records = await readMailboxCsv(
    file('PrimarySmtpAddress,Password,PopEnabled,ImapEnabled,RecipientTypeDetails,CustomAttribute15\na@x.org,secret,$FALSE,No,sharedmailbox,last\nb@x.org,{SHA512-CRYPT}$6$abc,1,yes,RoomMailbox,\n'),
    plain,
  );
  assert.equal(records[0]?.Password, '{PLAIN}secret');
  assert.equal(records[1]?.Password, '{SHA512-CRYPT}$6$abc');
  assert.deepEqual(records.map((r) => [r.PopEnabled, r.ImapEnabled, r.RecipientTypeDetails]), [[false, false, 'SharedMailbox'], [true, true, 'RoomMailbox']]);
  assert.equal(records[0]?.CustomAttributes[14], 'last');
});

test('every bad row is reported with its line, not only the first', async () => {
  const text = 'PrimarySmtpAddress,PopEnabled,EmailAddresses\nok@x.org,true,\nbad,true,\nc@x.org,perhaps,\nd@x.org,true,X500:/o=Org\ne@x.org,true,SMTP:other@x.org\n';
  await assert.rejects(readMailboxCsv(file(text), plain), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /Nothing was imported: 4 bad rows/);
    assert.match(error.message, /in\.csv:3: PrimarySmtpAddress 'bad' is not an email address/);
    assert.match(error.message, /in\.csv:4: PopEnabled 'perhaps' is not a boolean/);
    assert.match(error.message, /in\.csv:5: EmailAddresses: 'X500:\/o=Org' is not an SMTP address/);
    assert.match(error.message, /in\.csv:6: EmailAddresses marks 'other@x.org' as primary \(SMTP:\)/);
    return true;
  });
});

test('an empty file, a duplicate column and a missing file are usage errors', async () => {
  await assert.rejects(readMailboxCsv(file(''), plain), /the file is empty/);
  await assert.rejects(readMailboxCsv(file('PrimarySmtpAddress,primarysmtpaddress\n'), plain), /appears twice/);
  await assert.rejects(readMailboxCsv(join(tempDir(), 'none.csv'), plain), /Cannot read/);
});

test('Given: empty optional text is given (it clears), empty booleans, passwords and required text are not; keys never', async () => {
  const [record] = await readMailboxCsv(file('PrimarySmtpAddress,Guid,Name,Department,CustomAttribute3,PopEnabled,ImapEnabled,Password\na@x.org,,,,,,false,\n'), plain);
  assert.deepEqual(record?.Given, ['Department', 'CustomAttribute3', 'ImapEnabled']);
  assert.deepEqual([record?.PopEnabled, record?.ImapEnabled, record?.Department], [undefined, false, null]);
});

test('{PLAIN} passwords are counted; a bad row does not echo its password', async () => {
  const findings = { plaintextPasswords: 0 };
  await readMailboxCsv(file('PrimarySmtpAddress,Password\na@x.org,{PLAIN}x\nb@x.org,{SHA512-CRYPT}$6$y\nc@x.org,plain\n'), plain, findings);
  assert.equal(findings.plaintextPasswords, 1);
  await assert.rejects(readMailboxCsv(file('PrimarySmtpAddress,PopEnabled,Password\na@x.org,s3cret,s3cret\n'), plain), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /in\.csv:2: PopEnabled '\*\*\*' is not a boolean/);
    return true;
  });
});

test("SmtpClientAuthenticationDisabled: $null is given as null (follow the organisation default), an empty cell is not given, and $null is refused for a setting that cannot be null", async () => {
  const records = await readMailboxCsv(file('PrimarySmtpAddress,SmtpClientAuthenticationDisabled\na@x.org,$null\nb@x.org,\nc@x.org,$true\n'), plain);
  assert.deepEqual(records.map((r) => ('SmtpClientAuthenticationDisabled' in r ? r.SmtpClientAuthenticationDisabled : 'absent')), [null, 'absent', true]);
  await assert.rejects(readMailboxCsv(file('PrimarySmtpAddress,PopEnabled\na@x.org,$null\n'), plain), /PopEnabled '\$null' is not a boolean/);
});
