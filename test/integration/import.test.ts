import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, json, tempDir } from '../helpers/cli.js';

type Row = Record<string, unknown>;

async function emptyStore(): Promise<string> {
  const path = join(tempDir(), 'casctl.db');
  assert.equal((await casctl(['init', '--store', path])).code, 0);
  return path;
}

function csvFile(text: string, encoding: BufferEncoding = 'utf8'): string {
  const path = join(tempDir(), 'directory.csv');
  writeFileSync(path, text, encoding);
  return path;
}

const HEADER = 'Name,Alias,PrimarySmtpAddress,EmailAddresses,OrganizationalUnit,Department,StateOrProvince,RecipientTypeDetails,PopEnabled,ImapEnabled,Password';

test('imports a directory and generates Guid, DN, UPN and hashed passwords', async () => {
  const store = await emptyStore();
  const file = csvFile(`\uFEFF${HEADER}\r\n"Smith, Jr., John",jsmith,John.Smith@Example.com,SMTP:john.smith@example.com;smtp:js@example.com,example.com/North America/Finance,Finance,WA,UserMailbox,$false,yes,S3cret!\r\n`);
  const result = await casctl(['import', file], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /1 mailboxes created/);
  const [row] = json<Row[]>(await casctl(['get-mailbox', 'jsmith', '-o', 'json', '--property', '*'], { store }));
  assert.ok(row);
  assert.match(String(row.Guid), /^[0-9a-f-]{36}$/);
  assert.equal(row.DistinguishedName, 'CN=Smith\\, Jr.\\, John,OU=Finance,OU=North America,DC=example,DC=com');
  assert.equal(row.PrimarySmtpAddress, 'john.smith@example.com');
  assert.deepEqual(row.EmailAddresses, ['SMTP:john.smith@example.com', 'smtp:js@example.com']);
  assert.equal(row.UserPrincipalName, 'jsmith@example.com');
  assert.equal(row.PopEnabled, false);
  assert.equal(row.ImapEnabled, true);
  assert.equal(row.OrganizationalUnit, 'example.com/North America/Finance');
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(store, { readonly: true });
  const stored = db.prepare('SELECT password FROM mailboxes').get() as { password: string };
  db.close();
  assert.match(stored.password, /^\{SHA512-CRYPT\}\$6\$/);
});

test('a second import updates by address and keeps unspecified passwords', async () => {
  const store = await emptyStore();
  await casctl(['import', csvFile(`${HEADER}\nAnn,ann,ann@example.com,,example.com/Sales,Sales,OR,UserMailbox,true,true,pw\n`)], { store });
  const update = await casctl(['import', csvFile('PrimarySmtpAddress,Name,Department\nann@example.com,Ann B,Marketing\n')], { store });
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stderr, /0 mailboxes created, 1 updated/);
  const [row] = json<Row[]>(await casctl(['get-user', 'ann@example.com', '-o', 'json'], { store }));
  assert.equal(row?.Name, 'Ann B');
  assert.equal(row?.Department, 'Marketing');
});

// Each file has a good row first: a bad row anywhere imports nothing at all.
const GOOD = 'Good,good,good@example.com,,example.com/X,,,UserMailbox,true,true,';
const badRows: [string, string, RegExp][] = [
  ['unknown column', 'PrimarySmtpAddress,Nmae\na@example.com,A\n', /Line 1: unknown column 'Nmae'/],
  ['missing PrimarySmtpAddress', `${HEADER}\n${GOOD}\nA,a,,,example.com/X,,,UserMailbox,true,true,\n`, /csv:3: PrimarySmtpAddress is missing/],
  ['bad boolean', `${HEADER}\n${GOOD}\nA,a,a@example.com,,example.com/X,,,UserMailbox,maybe,true,\n`, /csv:3: PopEnabled 'maybe' is not a boolean/],
  ['duplicate address', `${HEADER}\n${GOOD}\nB,b,b@example.com,smtp:GOOD@example.com,example.com/X,,,UserMailbox,true,true,\n`, /csv:3: The address 'good@example.com' is already used on line 2/],
  ['bad recipient type', `${HEADER}\n${GOOD}\nA,a,a@example.com,,example.com/X,,,Mailbox,true,true,\n`, /csv:3: RecipientTypeDetails 'Mailbox'/],
  ['bad OU', `${HEADER}\n${GOOD}\nA,a,a@example.com,,Finance,,,UserMailbox,true,true,\n`, /csv:3: OrganizationalUnit 'Finance' is not a canonical name/],
  ['bad address', `${HEADER}\n${GOOD}\nA,a,not-an-address,,example.com/X,,,UserMailbox,true,true,\n`, /csv:3: PrimarySmtpAddress 'not-an-address' is not an email address/],
  ['wrong field count', `${HEADER}\n${GOOD}\nA,a,a@example.com\n`, /not a valid CSV file/],
];

for (const [what, text, message] of badRows) {
  test(`a CSV with a bad row imports nothing: ${what}`, async () => {
    const store = await emptyStore();
    const result = await casctl(['import', csvFile(text)], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /Nothing was imported|Line 1|not a valid CSV/);
    const after = await casctl(['get-mailbox', '-o', 'id'], { store });
    assert.equal(after.stdout, '', 'nothing was imported');
  });
}

test('a bad row after thousands of good ones, already streamed into the store, still imports nothing', async () => {
  const store = await emptyStore();
  const good = Array.from({ length: 2500 }, (_, i) => `U${i},u${i},u${i}@example.com,,example.com/Batch ${i % 7},,,UserMailbox,true,true,`);
  const result = await casctl(['import', csvFile(`${HEADER}\n${good.join('\n')}\nLast,last,last@example.com,,example.com/X,,,UserMailbox,perhaps,true,\n`)], { store });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /csv:2502: PopEnabled 'perhaps' is not a boolean/);
  assert.equal((await casctl(['get-mailbox', '-o', 'id'], { store })).stdout, '', 'the rows written before the bad one were rolled back');
  assert.deepEqual(json(await casctl(['get-organizationalunit', '-o', 'json'], { store })), [], 'and so were the OUs they created');
  const fixed = await casctl(['import', csvFile(`${HEADER}\n${good.join('\n')}\n`)], { store });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(fixed.stderr, /2500 mailboxes created, 0 updated, 7 organizational units created/);
});

test('a conflict with a mailbox already in the store imports nothing', async () => {
  const store = await emptyStore();
  await casctl(['import', csvFile(`${HEADER}\nA,a,a@example.com,smtp:alias@example.com,example.com/X,,,UserMailbox,true,true,\n`)], { store });
  const clash = await casctl(['import', csvFile(`${HEADER}\nB,b,b@example.com,,example.com/X,,,UserMailbox,true,true,\nC,c,c@example.com,smtp:alias@example.com,example.com/X,,,UserMailbox,true,true,\n`)], { store });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /Cannot import 'c@example.com': an address of it already belongs to another mailbox/);
  const ids = await casctl(['get-mailbox', '-o', 'id'], { store });
  assert.equal(ids.stdout.trim().split('\n').length, 1, 'b was rolled back with c');
});
