import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import type { IdentityLine } from '../../../src/input/identity-file.js';
import { identitiesFrom } from '../../../src/input/identity-source.js';
import { CsvRecords, pipedOutput } from '../../../src/input/piped-output.js';

/** Everything identitiesFrom reads from `text`, fed `chunk` bytes at a time. */
async function read(text: string, chunk = 1 << 16): Promise<IdentityLine[]> {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  const out: IdentityLine[] = [];
  for await (const batch of identitiesFrom(Readable.from(chunks), 'stdin')) out.push(...batch);
  return out;
}

const usage = (pattern: RegExp) => (error: unknown): boolean => error instanceof UsageError && pattern.test(error.message);

const TABLE = 'Name         PrimarySmtpAddress            PopEnabled ImapEnabled\n----         ------------------            ---------- -----------\nElena Moreau elena.moreau@tailspintoys.com True       True\n';
const LIST = '\nIdentity   : tailspintoys.com/IT/Elena Moreau\nGuid       : 33bec204-090c-48cc-88e1-0d95850449c9\n\n';

describe('identitiesFrom: casctl output piped in', () => {
  test('a table is one clear error naming -o id and -o json, whatever the chunks', async () => {
    for (const chunk of [1, 7, 1 << 16]) {
      await assert.rejects(read(TABLE, chunk), usage(/^stdin: this is a table \(casctl's default output\), not one identity per line\. Pipe '-o id' .* or '-o json' instead\.$/), String(chunk));
    }
  });

  test('-o list output is the same error', async () => {
    await assert.rejects(read(LIST), usage(/^stdin: this is '-o list' output, not one identity per line\. Pipe '-o id'/));
  });

  test('csv is read by its most exact identity column: Guid, then PrimarySmtpAddress, DistinguishedName, Identity, Name', async () => {
    const csv = 'Identity,Guid,Name,PrimarySmtpAddress\r\ntailspintoys.com/IT/Elena,33bec204-090c-48cc-88e1-0d95850449c9,"Moreau, Elena",elena@x.com\r\n';
    assert.deepEqual(await read(csv), [{ line: 2, identity: '33bec204-090c-48cc-88e1-0d95850449c9' }]);
    assert.deepEqual(await read('Name,PrimarySmtpAddress,Identity\n"Moreau, Elena",elena@x.com,x/y\n'), [{ line: 2, identity: 'elena@x.com' }]);
    assert.deepEqual(await read('Name,DistinguishedName,Identity\nElena,"CN=Elena,OU=IT,DC=x",x/y\n'), [{ line: 2, identity: 'CN=Elena,OU=IT,DC=x' }]);
    assert.deepEqual(await read('Name,Identity\nElena,x/Elena\n'), [{ line: 2, identity: 'x/Elena' }]);
    assert.deepEqual(await read('"Department","Name"\n"IT","Elena Moreau"\n'), [{ line: 2, identity: 'Elena Moreau' }], 'Export-Csv quotes every field');
    assert.deepEqual(await read('Guid\n33bec204-090c-48cc-88e1-0d95850449c9\n'), [{ line: 2, identity: '33bec204-090c-48cc-88e1-0d95850449c9' }], 'one column, when it names mailboxes');
  });

  test('csv: a quoted field across lines, doubled quotes, a neutralised formula, numbered by the line a record starts on', async () => {
    const csv = 'Name,PrimarySmtpAddress\n"Evil\nName ""x""",evil@x.com\n"\'=cmd","\'-dash@x.com"\nplain,plain@x.com\n';
    assert.deepEqual(await read(csv, 5), [
      { line: 2, identity: 'evil@x.com' },
      { line: 4, identity: '-dash@x.com' },
      { line: 5, identity: 'plain@x.com' },
    ]);
  });

  test('csv without a column that names mailboxes, with a short row, or a quote that never closes: an error, not guesses', async () => {
    await assert.rejects(read('Department,Title\nIT,Engineer\n'), usage(/^stdin: CSV without a column that names a mailbox \(Guid, PrimarySmtpAddress, DistinguishedName, Identity, Name\)\. Add one with --property Guid, or pipe '-o id'/));
    await assert.rejects(read('Name,Guid\nElena\n'), usage(/^stdin, line 2: 1 field, but the CSV header has 2\./));
    await assert.rejects(read('Name,Guid\nElena,\n'), usage(/^stdin, line 2: no Guid\./));
    await assert.rejects(read('Name,Guid\n"Elena,x\n'), usage(/^stdin, line 2: a quoted CSV field that never ends\./));
  });

  test('JSON keeps working: an array, by Guid first', async () => {
    assert.deepEqual(await read('[\n  {"Guid":"g1","Name":"a"},\n  {"PrimarySmtpAddress":"b@x.com"}\n]\n', 3), [
      { line: 1, identity: 'g1' },
      { line: 2, identity: 'b@x.com' },
    ]);
  });

  test('identity files stay identity files: DNs with commas, names, a dashed line that is not a rule, a lone property-like name', async () => {
    const file = 'CN=Rand Zaher,OU=IT,DC=tailspintoys,DC=com\nName\n--\nDepartment\nRand Zaher : the boss\nGuid, then more\n';
    assert.deepEqual((await read(file)).map((l) => l.identity), ['CN=Rand Zaher,OU=IT,DC=tailspintoys,DC=com', 'Name', '--', 'Department', 'Rand Zaher : the boss', 'Guid, then more']);
    assert.deepEqual(await read('rzaher\n'), [{ line: 1, identity: 'rzaher' }]);
    assert.deepEqual(await read(''), []);
  });
});

describe('pipedOutput', () => {
  test('tells a table by a header of property names over a rule of as many dashes groups', () => {
    assert.deepEqual(pipedOutput(['Name PrimarySmtpAddress', '---- ------------------']), { kind: 'table' });
    assert.deepEqual(pipedOutput(['ChangeId When Who', '-------- ---- ---']), { kind: 'table' }, "get-changelog's table too");
    assert.equal(pipedOutput(['rand zaher', '---- -----']), undefined, 'not column names');
    assert.equal(pipedOutput(['Name PrimarySmtpAddress', '----']), undefined, 'not one rule per column');
  });

  test('tells csv by a header of property names only, exactly as casctl writes them', () => {
    assert.deepEqual(pipedOutput(['Name,Guid', 'x,y']), { kind: 'csv', header: ['Name', 'Guid'] });
    assert.equal(pipedOutput(['name,guid']), undefined, 'case matters: a header is casctl\'s own');
    assert.equal(pipedOutput(['Department']), undefined, 'one column that names no mailbox: maybe a mailbox');
  });
});

test('CsvRecords: records as their last line comes in', () => {
  const records = new CsvRecords();
  assert.deepEqual(records.push('a,"b'), undefined);
  assert.equal(records.open, true);
  assert.deepEqual(records.push('c",d'), ['a', 'b\nc', 'd']);
  assert.deepEqual(records.push(',,'), ['', '', '']);
  assert.equal(records.open, false);
});
