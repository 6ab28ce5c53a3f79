import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { FIXTURES, casctl, json, sampleStore, STORE_KINDS, tempDir } from '../helpers/cli.js';

type Row = Record<string, unknown>;

const FINANCE_USERS = [
  'Dmitri Volkov', 'Grace Achterberg', 'Katherine "Kate" O\'Neil', 'Luis Carvalho', 'Naomi Feld', 'Owen Gallagher',
  'Patricia Nakamura', 'Quentin Lefebvre', 'Rosa Delgado', 'Samuel Osei', 'Smith, Jr., John', 'Teresa Holm', 'Vikram Desai',
  'Ærin O\'Brien',
];
const WA_ENGINEERING = [
  'Amara Nwosu', 'Devon Whitfield', 'Faith Adeyemi', 'Gareth Pryce', 'Hannah Lindqvist', 'Ines Carvalho', 'Keiko Tanabe',
  'Marcus Oyelaran', 'Mei-Ling Chou', 'Oskar Brandt', 'Priya Raman', 'Rand Kowalski', 'Rand Zaher', 'Randall Okafor', 'Tomás Ortega',
];
const ACCOUNTS = ['ebrunner@tailspintoys.com', 'fapodaca@tailspintoys.com', 'glaureano@tailspintoys.com', 'hrim@tailspintoys.com'];

async function all(store: string): Promise<Map<string, Row>> {
  const rows = json<Row[]>(await casctl(['get-casmailbox', '-o', 'json'], { store }));
  return new Map(rows.map((r) => [String(r.Guid), r]));
}

/** Which mailboxes differ between two snapshots, by Name. */
function changed(before: Map<string, Row>, after: Map<string, Row>): string[] {
  const names: string[] = [];
  for (const [guid, row] of after) {
    const old = before.get(guid);
    if (old?.PopEnabled !== row.PopEnabled || old?.ImapEnabled !== row.ImapEnabled) names.push(String(row.Name));
  }
  return names.sort();
}

const names = (rows: Row[]): string[] => rows.map((r) => String(r.Name)).sort();
const sorted = (list: string[]): string[] => [...list].sort();

// Store-agnostic: every test runs on SQLite and on LDAP (a slapd of its own per test).
for (const kind of STORE_KINDS) {
  describe(`on ${kind}`, () => {
    test('procedure 1: all user mailboxes of an OU, piped as Guids into set-casmailbox', async () => {
      const store = await sampleStore(kind);
      const before = await all(store);
      const get = await casctl(
        ['Get-Mailbox', '-OrganizationalUnit', 'North America\\Finance', '-Filter', "RecipientTypeDetails -eq 'UserMailbox'", '-ResultSize', 'Unlimited', '-o', 'id'],
        { store },
      );
      assert.equal(get.code, 0, get.stderr);
      assert.equal(get.stdout.trim().split('\n').length, FINANCE_USERS.length);
      const set = await casctl(['set-casmailbox', '-', '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes'], { store, input: get.stdout });
      assert.equal(set.code, 0, set.stderr);
      const after = await all(store);
      const expected = FINANCE_USERS.filter((n) => {
        const row = [...before.values()].find((r) => r.Name === n);
        return row?.PopEnabled === true || row?.ImapEnabled === true;
      });
      assert.deepEqual(changed(before, after), sorted(expected));
      for (const n of FINANCE_USERS) {
        const row = [...after.values()].find((r) => r.Name === n);
        assert.equal(row?.PopEnabled, false, n);
        assert.equal(row?.ImapEnabled, false, n);
      }
      const shared = [...after.values()].find((r) => r.Name === 'Finance Team');
      assert.equal(shared?.PopEnabled, before.get(String(shared?.Guid))?.PopEnabled, 'the shared mailbox is left alone');
    });

    test('the OU may be named every way Exchange allows', async () => {
      const store = await sampleStore(kind);
      const [ou] = json<Row[]>(await casctl(['get-organizationalunit', 'North America\\Finance', '-o', 'json'], { store }));
      const dn = String(ou?.DistinguishedName);
      const guid = (await casctl(['get-organizationalunit', 'North America\\Finance', '-o', 'id'], { store })).stdout.trim();
      assert.match(guid, /^[0-9a-f-]{36}$/);
      const forms = ['North America/Finance', 'North America\\Finance', 'tailspintoys.com/North America/Finance', 'Finance', 'north america\\finance', dn, guid, guid.toUpperCase()];
      for (const form of forms) {
        const result = await casctl(['get-mailbox', '--organizational-unit', form, '-o', 'id'], { store });
        assert.equal(result.code, 0, `${form}: ${result.stderr}`);
        assert.equal(result.stdout.trim().split('\n').length, 15, form);
      }
      const parent = await casctl(['get-mailbox', '--organizational-unit', 'North America/Engineering', '-o', 'id'], { store });
      assert.equal(parent.stdout.trim().split('\n').length, 38, 'child OUs are included');
      const ambiguous = await casctl(['get-mailbox', '--organizational-unit', 'Sales'], { store });
      assert.equal(ambiguous.code, 2);
      assert.match(ambiguous.stderr, /matches multiple entries[\s\S]*Europe\/Sales[\s\S]*North America\/Sales/);
      const unknown = await casctl(['get-mailbox', '--organizational-unit', 'Narnia'], { store });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /'Narnia' couldn't be found/);
    });

    test('procedure 2: Get-User with a filter, piped as JSON into set-casmailbox', async () => {
      const store = await sampleStore(kind);
      const before = await all(store);
      const filter = "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'";
      const users = await casctl(['get-user', '--filter', filter, '-o', 'json'], { store });
      assert.equal(users.code, 0, users.stderr);
      assert.deepEqual(names(json<Row[]>(users)), sorted(WA_ENGINEERING));
      assert.ok(json<Row[]>(users).every((u) => /^engineering/i.test(String(u.Department)) && u.StateOrProvince === 'WA'));
      const set = await casctl(['set-casmailbox', '-', '--pop-enabled', 'false', '--imap-enabled', 'false', '-Confirm:$false'], { store, input: users.stdout });
      assert.equal(set.code, 0, set.stderr);
      const after = await all(store);
      assert.deepEqual(changed(before, after), sorted(WA_ENGINEERING.filter((n) => n !== 'Devon Whitfield')), 'Devon already had both off');
      const direct = await casctl(['set-casmailbox', '--filter', filter, '--pop-enabled', 'true', '--yes', '-o', 'json'], { store });
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(json<{ Summary: { Changed: number } }>(direct).Summary.Changed, WA_ENGINEERING.length);
    });

    test('procedure 3: a text file of addresses, as Windows writes it', async () => {
      for (const file of ['Accounts.txt', 'identity-files/accounts-utf16le.txt', 'identity-files/accounts-utf16be.txt', 'identity-files/accounts-utf8-bom-crlf.txt']) {
        const store = await sampleStore(kind);
        const before = await all(store);
        const set = await casctl(['set-casmailbox', '--file', join(FIXTURES, file), '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes'], { store });
        assert.equal(set.code, 0, `${file}: ${set.stderr}`);
        const after = await all(store);
        const expected = json<Row[]>(await casctl(['get-mailbox', ...ACCOUNTS, ...(file === 'Accounts.txt' ? [] : ['Zoë Müller']), '-o', 'json'], { store }));
        assert.deepEqual(changed(before, after), names(expected).filter((n) => {
          const row = [...before.values()].find((r) => r.Name === n);
          return row?.PopEnabled === true || row?.ImapEnabled === true;
        }), file);
      }
    });

    test('a messy file: comments, blanks, a duplicate and an unknown line', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['get-mailbox', '--file', join(FIXTURES, 'identity-files/accounts-messy.txt'), '-o', 'json'], { store });
      assert.equal(result.code, 1, 'the unknown line makes it exit 1');
      assert.match(result.stderr, /accounts-messy\.txt:11: .*'nobody@tailspintoys\.com' couldn't be found/);
      assert.match(result.stderr, /accounts-messy\.txt:10\) repeats accounts-messy\.txt:4/);
      assert.equal(json<Row[]>(result).length, 6);
    });

    test('a mailbox named twice by different names is used once, and the second line says so', async () => {
      const store = await sampleStore(kind);
      const file = join(tempDir(), 'twice.txt');
      writeFileSync(file, 'rzaher\nrand.zaher@tailspintoys.com\nRZAHER\npraman\n');
      const result = await casctl(['set-casmailbox', '--file', file, '--pop-enabled', 'false', '--yes', '-o', 'json'], { store });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /'rand\.zaher@tailspintoys\.com' \(twice\.txt:2\) names the same mailbox as 'rzaher' \(twice\.txt:1\); it is used once\./);
      assert.match(result.stderr, /'RZAHER' \(twice\.txt:3\) repeats twice\.txt:1; it is used once\./);
      const report = json<{ Summary: { Changed: number }; Items: { Name: string; Source: string }[] }>(result);
      assert.equal(report.Summary.Changed, 2);
      assert.deepEqual(report.Items.map((i) => [i.Name, i.Source]), [['Rand Zaher', 'twice.txt:1'], ['Priya Raman', 'twice.txt:4']]);
    });

    test('past 100 named mailboxes left as they were, one line counts the rest', async () => {
      const store = await sampleStore(kind);
      const off = await casctl(['set-casmailbox', '--filter', 'PopEnabled -eq $true', '--pop-enabled', 'false', '--yes'], { store });
      assert.equal(off.code, 0, off.stderr);
      const file = join(tempDir(), 'everyone.txt');
      writeFileSync(file, (await casctl(['get-mailbox', '-o', 'id'], { store })).stdout);
      const again = await casctl(['set-casmailbox', '--file', file, '--pop-enabled', 'false', '--yes'], { store });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr.match(/no settings of '.*' have been modified/g)?.length, 100);
      assert.match(again.stderr, /\.\.\. and 132 more named mailboxes already had these settings; -o json lists them all\./);
      assert.match(again.stderr, /Changed 0, unchanged 232,/);
    });

    test('a malformed file changes nothing', async () => {
      const store = await sampleStore(kind);
      const before = await all(store);
      const bad = join(tempDir(), 'bad.txt');
      writeFileSync(bad, Buffer.concat([Buffer.from('rzaher\n'), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), Buffer.from('\n')]));
      const result = await casctl(['set-casmailbox', '--file', bad, '--pop-enabled', 'false', '--yes'], { store });
      assert.equal(result.code, 2, result.stderr);
      assert.deepEqual(changed(before, await all(store)), []);
      const missing = await casctl(['set-casmailbox', '--file', join(tempDir(), 'none.txt'), '--pop-enabled', 'false', '--yes'], { store });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /Cannot read identity file/);
    });

    test('procedure 4: the audit of mailboxes with both protocols off, never truncated', async () => {
      const store = await sampleStore(kind);
      const audit = await casctl(['Get-CASMailbox', '-ResultSize', 'unlimited', '-Filter', 'PopEnabled -eq `$false -and ImapEnabled -eq `$false', '-o', 'json'], { store });
      assert.equal(audit.code, 0, audit.stderr);
      assert.deepEqual(names(json<Row[]>(audit)), ['Administrator', 'Conf Room Fuji', 'Devon Whitfield', 'Naomi Feld', 'Søren Ødegård']);
      const all = await casctl(['get-casmailbox', '-o', 'id'], { store });
      assert.equal(all.stdout.trim().split('\n').length, 232, 'no default limit');
      assert.equal(all.stderr, '');
      const limited = await casctl(['get-casmailbox', '--result-size', '10', '-o', 'id'], { store });
      assert.equal(limited.stdout.trim().split('\n').length, 10);
      assert.match(limited.stderr, /Only the first 10 items are shown; more match/);
      const exact = await casctl(['get-casmailbox', '--filter', "Name -eq 'Rand Zaher'", '--result-size', '1', '-o', 'id'], { store });
      assert.equal(exact.stderr, '', 'no notice when nothing was cut');
    });

    test('selectors intersect; the Administrator swept in by a filter is skipped with a warning', async () => {
      const store = await sampleStore(kind);
      const both = await casctl(['get-mailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--organizational-unit', 'North America', '-o', 'json'], { store });
      assert.deepEqual(names(json<Row[]>(both)), ['Rand Zaher'], 'Ebru Brunner is in Europe');
      const it = await casctl(['set-casmailbox', '--organizational-unit', 'IT', '--pop-enabled', 'true', '--yes'], { store });
      assert.equal(it.code, 0, 'a swept-in Administrator is a warning, not a failure');
      assert.match(it.stderr, /WARNING: The Administrator mailbox 'Administrator' can't be enabled for POP3 or IMAP4\. It was skipped\./);
      const [admin] = json<Row[]>(await casctl(['get-casmailbox', 'Administrator', '-o', 'json'], { store }));
      assert.equal(admin?.PopEnabled, false);
    });

    test('a filter syntax error is exit 2 with a caret, and changes nothing', async () => {
      const store = await sampleStore(kind);
      const before = await all(store);
      const result = await casctl(['set-casmailbox', '--filter', "Departmnet -eq 'Sales'", '--pop-enabled', 'false', '--yes'], { store });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /Did you mean 'Department'\?/);
      assert.match(result.stderr, /\n\s*\^+/);
      const syntax = await casctl(['get-casmailbox', '--filter', "Department -eq 'Sales' -and"], { store });
      assert.equal(syntax.code, 2);
      assert.deepEqual(changed(before, await all(store)), []);
    });
  });
}
