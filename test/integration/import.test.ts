import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { casctl, json, sampleStore, STORE_KINDS, tempDir } from '../helpers/cli.js';
import { PROTOCOLS } from '../../src/core/protocols.js';

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
  // The hash is the one openssl (and so crypt(3), and so Dovecot) computes with its salt.
  const salt = /^\{SHA512-CRYPT\}\$6\$([./0-9A-Za-z]{16})\$/.exec(stored.password)?.[1] ?? '';
  assert.equal(stored.password, `{SHA512-CRYPT}${execFileSync('openssl', ['passwd', '-6', '-salt', salt, 'S3cret!'], { encoding: 'utf8' }).trim()}`);
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
  ['wrong field count', `${HEADER}\n${GOOD}\nA,a,a@example.com\n`, /csv:3: not a valid CSV file: the row has 3 fields, the header 11/],
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

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function checkpoint(path: string): void {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

// Store-agnostic: these run on SQLite and on LDAP (a real slapd).
for (const kind of STORE_KINDS) {
  describe(`re-import on ${kind}`, () => {
    test('a partial CSV (PrimarySmtpAddress,Department) changes Department only: disabled protocols stay disabled', async () => {
      const store = await sampleStore(kind);
      assert.equal((await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false', '--imap-enabled', 'false'], { store })).code, 0);
      const [before] = json<Row[]>(await casctl(['get-mailbox', 'rzaher', '-o', 'json', '--property', '*'], { store }));
      const result = await casctl(['import', csvFile('PrimarySmtpAddress,Department\nrand.zaher@tailspintoys.com,HR Feed\n')], { store });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /0 mailboxes created, 1 updated/);
      const [after] = json<Row[]>(await casctl(['get-mailbox', 'rzaher', '-o', 'json', '--property', '*'], { store }));
      assert.equal(after?.Department, 'HR Feed');
      const { Department: _d, WhenChanged: _w, ...unnamedAfter } = after ?? {};
      const { Department: _d0, WhenChanged: _w0, ...unnamedBefore } = before ?? {};
      assert.deepEqual(unnamedAfter, unnamedBefore, 'every column the file does not name is as it was');
      const cas = json<Row[]>(await casctl(['get-casmailbox', 'rzaher', '-o', 'json'], { store }));
      assert.deepEqual([cas[0]?.PopEnabled, cas[0]?.ImapEnabled], [false, false]);
    });

    test('a re-import that disables POP3 for 3 mailboxes is one change record: listed and undoable', async () => {
      const store = await sampleStore(kind);
      const file = csvFile('PrimarySmtpAddress,PopEnabled,ImapEnabled\nrand.zaher@tailspintoys.com,False,\npriya.raman@tailspintoys.com,$false,\nebrunner@tailspintoys.com,no,\n');
      const result = await casctl(['import', file], { store });
      assert.equal(result.code, 0, result.stderr);
      const id = Number(/recorded as change (\d+)/.exec(result.stderr)?.[1]);
      assert.ok(id > 0, result.stderr);
      const [record] = json<{ Id: number; Changes: { Property: string; Before: boolean; After: boolean }[] }[]>(
        await casctl(['get-changelog', '-o', 'json'], { store }),
      ).filter((r) => r.Id === id);
      assert.equal(record?.Changes.length, 3);
      assert.ok(record?.Changes.every((c) => c.Property === 'PopEnabled' && c.Before && !c.After));
      const undo = await casctl(['undo', String(id), '--yes'], { store });
      assert.equal(undo.code, 0, undo.stderr);
      for (const who of ['rzaher', 'praman', 'ebrunner@tailspintoys.com']) {
        assert.equal(json<Row[]>(await casctl(['get-casmailbox', who, '-o', 'json'], { store }))[0]?.PopEnabled, true, who);
      }
    });

    test('the Administrator in a CSV with PopEnabled True is stored disabled, with a warning', async () => {
      const store = await sampleStore(kind);
      const file = csvFile('PrimarySmtpAddress,PopEnabled,ImapEnabled\nadministrator@tailspintoys.com,True,True\n');
      const result = await casctl(['import', file], { store });
      assert.equal(result.code, 0, result.stderr);
      // One warning, naming the row and the mailbox by its Name and address.
      assert.equal(result.stderr.match(/WARNING:/g)?.length, 1, result.stderr);
      assert.ok(
        result.stderr.includes(`WARNING: ${file}:2: The Administrator mailbox Administrator <administrator@tailspintoys.com> never uses POP3 or IMAP4: it is stored with POP3 and IMAP4 disabled, whatever the file says.`),
        result.stderr,
      );
      const [admin] = json<Row[]>(await casctl(['get-casmailbox', 'Administrator', '-o', 'json'], { store }));
      assert.deepEqual([admin?.PopEnabled, admin?.ImapEnabled], [false, false]);
      assert.doesNotMatch(result.stderr, /recorded as change/);
    });

    test('import --what-if prints the plan and changes nothing', async () => {
      const store = await sampleStore(kind);
      const file = csvFile('PrimarySmtpAddress,Department,PopEnabled\nrand.zaher@tailspintoys.com,HR Feed,False\nnew.person@tailspintoys.com,New,\n');
      const before = await casctl(['get-mailbox', '-o', 'json', '--property', '*'], { store });
      if (kind === 'sqlite') checkpoint(store);
      const hash = kind === 'sqlite' ? digest(store) : '';
      const result = await casctl(['import', file, '--what-if'], { store });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /What if: 1 mailboxes created, 1 updated, 0 unchanged, 1 organizational units created, 1 CAS settings changed\./);
      // The plan's defaults for every setting, in registry order: enabled, $null for a nullable one.
      const settings = PROTOCOLS.map((p) => `${p.property} ${'nullable' in p && p.nullable === true ? '\\$null' : 'True'}`).join(', ');
      assert.match(result.stdout, new RegExp(`^create new\\.person@tailspintoys\\.com 'new\\.person' \\(${settings}\\)$`, 'm'));
      assert.match(result.stdout, /^update rand\.zaher@tailspintoys\.com 'Rand Zaher': Department 'Engineering' → 'HR Feed'; PopEnabled True → False$/m);
      assert.match(result.stderr, /What if: nothing was imported/);
      assert.equal((await casctl(['get-mailbox', '-o', 'json', '--property', '*'], { store })).stdout, before.stdout);
      assert.deepEqual(json(await casctl(['get-changelog', '-o', 'json'], { store })), []);
      if (kind === 'sqlite') {
        checkpoint(store);
        assert.equal(digest(store), hash, 'the store file is byte-for-byte unchanged');
      }
    });
  });
}

test('re-import: empty cells clear optional text and leave everything else; new mailboxes get the defaults', async () => {
  const store = await emptyStore();
  await casctl(['import', csvFile(`${HEADER}\nAnn,ann,ann@example.com,,example.com/Sales,Sales,OR,UserMailbox,false,false,pw\n`)], { store });
  const file = csvFile('PrimarySmtpAddress,Name,Department,StateOrProvince,PopEnabled,ImapEnabled,Password\nann@example.com,,,OR,,,\nbo@example.com,,,,,,\n');
  const result = await casctl(['import', file], { store });
  assert.equal(result.code, 0, result.stderr);
  const [ann] = json<Row[]>(await casctl(['get-user', 'ann@example.com', '-o', 'json'], { store }));
  assert.deepEqual([ann?.Name, ann?.Department, ann?.StateOrProvince], ['Ann', null, 'OR']);
  const cas = json<Row[]>(await casctl(['get-casmailbox', 'ann@example.com', 'bo@example.com', '-o', 'json'], { store }));
  assert.deepEqual(cas.map((m) => [m.PrimarySmtpAddress, m.PopEnabled, m.ImapEnabled]), [['ann@example.com', false, false], ['bo@example.com', true, true]]);
});

const hostileFiles: [string, Buffer | string, RegExp][] = [
  ['invalid UTF-8', Buffer.concat([Buffer.from(`${HEADER}\n${GOOD}\nBad,bad,bad@example.com,,example.com/X,Caf`), Buffer.from([0xc3, 0x28]), Buffer.from(',,UserMailbox,true,true,\n')]), /directory\.csv:3: is not valid UTF-8/],
  ['a NUL byte', `${HEADER}\n${GOOD}\n${GOOD.replace(/good/g, 'other')}\nN,n,n@example.com,,example.com/X,a\u0000b,,UserMailbox,true,true,\n`, /directory\.csv:4: contains a NUL character/],
  ['UTF-16 without a BOM', Buffer.from(`${HEADER}\n${GOOD}\n`, 'utf16le'), /directory\.csv:1: contains a NUL character/],
  ['an address with a leading -', `${HEADER}\nA,a,-a@x.example,,x.example/X,,,UserMailbox,true,true,\n`, /csv:2: PrimarySmtpAddress '-a@x\.example' starts with '-'/],
  ['a * wildcard', `${HEADER}\nA,a,*@x.example,,x.example/X,,,UserMailbox,true,true,\n`, /csv:2: PrimarySmtpAddress '\*@x\.example' holds a wildcard/],
  ['a ? wildcard in EmailAddresses', `${HEADER}\nA,a,a@x.example,smtp:a?b@x.example,x.example/X,,,UserMailbox,true,true,\n`, /csv:2: EmailAddresses: 'a\?b@x\.example' holds a wildcard/],
  ['a % in the UPN', 'PrimarySmtpAddress,UserPrincipalName\na@x.example,a%b@x.example\n', /csv:2: UserPrincipalName 'a%b@x\.example' holds a wildcard/],
  ['a control character', `${HEADER}\nA,a,"a\u0007b@x.example",,x.example/X,,,UserMailbox,true,true,\n`, /csv:2: PrimarySmtpAddress 'a\\x07b@x\.example' holds a control character/],
  ['a quote never closed, swallowing the rest', `${HEADER}\n${GOOD}\nA,a,"a@x.example${',x'.repeat(600_000)}\n`, /directory\.csv:3: not a valid CSV file: the row is longer than 1 MiB \(a quote that is never closed\?\)/],
];

for (const [what, content, message] of hostileFiles) {
  test(`a CSV with ${what} is exit 2 with the line, and imports nothing`, async () => {
    const store = await emptyStore();
    const path = join(tempDir(), 'directory.csv');
    writeFileSync(path, content);
    const result = await casctl(['import', path], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal((await casctl(['get-mailbox', '-o', 'id'], { store })).stdout, '');
  });
}

test('a bad row never shows its password: wrong field count, bad quoting, bad value', async () => {
  const store = await emptyStore();
  const secret = 'Hunter2-s3cret';
  const rows = [
    `A,a,a@example.com,,example.com/X,,,UserMailbox,true,true,${secret},extra`,
    `A,a,a@example.com,,example.com/X,,,UserMailbox,true,true,x"${secret}"`,
    `A,a,a@example.com,,example.com/X,,,UserMailbox,${secret},true,${secret}`,
  ];
  for (const row of rows) {
    const result = await casctl(['import', csvFile(`${HEADER}\n${row}\n`)], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /directory\.csv:2: /);
    assert.ok(!result.stderr.includes(secret), result.stderr);
  }
});

test('{PLAIN} passwords are counted in one warning', async () => {
  const store = await emptyStore();
  const result = await casctl(['import', csvFile('PrimarySmtpAddress,Password\na@example.com,{PLAIN}one\nb@example.com,{CLEAR}two\nc@example.com,{SHA512-CRYPT}$6$x$y\n')], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr.match(/WARNING/g)?.length, 1);
  assert.match(result.stderr, /WARNING: 2 passwords in '.*' use a plaintext scheme \(\{PLAIN\}\): stored readable/);
});

test('1,000 rows with passwords hash outside the write lock: 3 concurrent set-casmailbox runs never exit 70 nor wait for the hashing', async () => {
  const store = await sampleStore();
  const rows = Array.from({ length: 1000 }, (_, i) => `bulk${i}@tailspintoys.com,Bulk User ${i},Secret-${i}!`);
  const importing = casctl(['import', csvFile(`PrimarySmtpAddress,Name,Password\n${rows.join('\n')}\n`)], { store });
  const setters = ['rzaher', 'praman', 'ebrunner@tailspintoys.com'].map(async (who, i) => {
    await new Promise((resolve) => setTimeout(resolve, 500 + i * 1000));
    const started = Date.now();
    return { ...(await casctl(['set-casmailbox', who, '--pop-enabled', 'false'], { store })), ms: Date.now() - started };
  });
  const [imported, ...set] = await Promise.all([importing, ...setters]);
  assert.equal(imported?.code, 0, imported?.stderr);
  for (const result of set) {
    assert.notEqual(result.code, 70, result.stderr);
    if (result.code !== 0) {
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /the store is busy: another casctl or Dovecot holds its write lock/i);
    }
  }
  // Hashing 1,000 passwords takes seconds (on a busy machine, many); the import's own writes take well under one.
  for (const result of set) assert.ok(result.ms < 10_000, `set-casmailbox waited ${result.ms} ms for the import's write lock`);
});
