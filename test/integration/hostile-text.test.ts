import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { casctl, json, tempDir } from '../helpers/cli.js';

// Issue 13: what a directory entry holds must not drive the admin's terminal or spreadsheet.
const ESC = '\x1b';
const NAME = `Evil${ESC}[2JName`;
const DEPARTMENT = '=HYPERLINK("http://x")';
const TITLE = '+cmd';
// Put in behind import's back, so the output side is tested whatever import accepts.
const DISPLAY_NAME = `Evil\r\nFAKE ROW\u009b2J\u2028${ESC}]0;pwned\x07`;
const CITY = '-Sales';
const OFFICE = '@home';

let store: string;

before(async () => {
  const dir = tempDir();
  store = join(dir, 'hostile.db');
  const csv = join(dir, 'hostile.csv');
  const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;
  writeFileSync(
    csv,
    [
      'Name,Alias,DisplayName,PrimarySmtpAddress,OrganizationalUnit,Department,Title,PopEnabled,ImapEnabled',
      [quote(NAME), 'evil', 'Evil', 'evil@example.com', 'example.com/Users', quote(DEPARTMENT), TITLE, 'TRUE', 'TRUE'].join(','),
      ['Jürgen Müller', 'jmueller', 'Jürgen Müller 👩‍💻', 'jmueller@example.com', 'example.com/Users', '東京 営業部', 'Ingénieur', 'TRUE', 'TRUE'].join(','),
    ].join('\r\n'),
  );
  for (const args of [['init'], ['import', csv]]) {
    const result = await casctl([...args, '--store', store]);
    assert.equal(result.code, 0, result.stderr);
  }
  const db = new Database(store);
  db.prepare('UPDATE mailboxes SET display_name = ?, city = ?, office = ? WHERE alias = ?').run(DISPLAY_NAME, CITY, OFFICE, 'evil');
  db.close();
});

const PROPERTIES = 'Name,DisplayName,Department,Title,City,Office';

function assertInert(text: string): void {
  assert.ok(!text.includes(ESC), `raw ESC in ${JSON.stringify(text)}`);
  for (const char of ['\r', '\u009b', '\u2028', '\x07']) assert.ok(!text.includes(char), `raw ${JSON.stringify(char)} in ${JSON.stringify(text)}`);
}

describe('hostile stored text', () => {
  test('get-mailbox -o table: escaped, one line per mailbox, unicode letters as they are', async () => {
    const result = await casctl(['get-user', '-o', 'table', '--property', PROPERTIES], { store });
    assert.equal(result.code, 0, result.stderr);
    assertInert(result.stdout);
    assert.equal(result.stdout.trimEnd().split('\n').length, 4, `header, rule, two rows:\n${result.stdout}`);
    assert.ok(result.stdout.includes('Evil\\x1b[2JName'));
    assert.ok(result.stdout.includes('Evil\\r\\nFAKE ROW\\x9b2J\\u2028\\x1b]0;pwned\\x07'));
    assert.ok(result.stdout.includes('Jürgen Müller 👩‍💻') && result.stdout.includes('東京 営業部'));
    const mailbox = await casctl(['get-mailbox', '-o', 'table'], { store });
    assertInert(mailbox.stdout);
    assert.equal(mailbox.stdout.trimEnd().split('\n').length, 4, mailbox.stdout);
  });

  test('-o list: escaped, one line per property', async () => {
    const result = await casctl(['get-user', 'evil', '-o', 'list', '--property', PROPERTIES], { store });
    assert.equal(result.code, 0, result.stderr);
    assertInert(result.stdout);
    assert.equal(result.stdout.trim().split('\n').length, PROPERTIES.split(',').length, result.stdout);
    assert.match(result.stdout, /^DisplayName : Evil\\r\\nFAKE ROW/m);
  });

  test('-o json: the exact stored values', async () => {
    const result = await casctl(['get-user', 'evil', '-o', 'json', '--property', PROPERTIES], { store });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), [{ Name: NAME, DisplayName: DISPLAY_NAME, Department: DEPARTMENT, Title: TITLE, City: CITY, Office: OFFICE }]);
  });

  test('-o csv neutralises would-be formulas; --csv-raw writes them as they are', async () => {
    const args = ['get-user', 'evil', '-o', 'csv', '--property', 'Name,Department,Title,City,Office'];
    const safe = await casctl(args, { store });
    assert.equal(safe.code, 0, safe.stderr);
    assert.equal(safe.stdout, `Name,Department,Title,City,Office\r\n${NAME},"'=HYPERLINK(""http://x"")","'+cmd","'-Sales","'@home"\r\n`);
    const raw = await casctl([...args, '--csv-raw'], { store });
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(raw.stdout, `Name,Department,Title,City,Office\r\n${NAME},"=HYPERLINK(""http://x"")",+cmd,-Sales,@home\r\n`);
  });

  test('audit -o csv neutralises a would-be formula in a rule name or a violator; --csv-raw does not', async () => {
    const policy = join(tempDir(), 'policy.yml');
    writeFileSync(policy, 'rules:\n  - name: "=cmd|rule"\n    filter: "Alias -eq \'evil\'"\n    expect: { PopEnabled: false }\n');
    const safe = await casctl(['audit', policy, '-o', 'csv'], { store });
    assert.equal(safe.code, 5, safe.stderr);
    const row = safe.stdout.split('\r\n')[1] ?? '';
    assert.ok(row.startsWith(`"'=cmd|rule",`), row);
    assert.ok(row.includes(`,${NAME},`), row);
    const raw = await casctl(['audit', policy, '-o', 'csv', '--csv-raw'], { store });
    assert.ok((raw.stdout.split('\r\n')[1] ?? '').startsWith('=cmd|rule,'), raw.stdout);
  });

  test('set-casmailbox --what-if: the plan table is escaped', async () => {
    const result = await casctl(['set-casmailbox', NAME, '--pop-enabled', 'false', '--what-if'], { store });
    assert.equal(result.code, 0, result.stderr);
    assertInert(result.stdout);
    assert.equal(result.stdout.trimEnd().split('\n').length, 3, result.stdout);
    assert.match(result.stdout, /^Evil\\x1b\[2JName +evil@example\.com +change +PopEnabled True → False$/m);
  });

  test('warnings and errors on stderr escape the identities they quote', async () => {
    const missing = await casctl(['get-mailbox', `no${ESC}[2Jbody\nFAKE`], { store });
    assert.equal(missing.code, 1, missing.stderr);
    assertInert(missing.stderr);
    assert.equal(missing.stderr.trimEnd().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /object 'no\\x1b\[2Jbody\\nFAKE' couldn't be found/);
    const unchanged = await casctl(['set-casmailbox', NAME, '--imap-enabled', 'true'], { store });
    assert.equal(unchanged.code, 0, unchanged.stderr);
    assertInert(unchanged.stderr);
    assert.match(unchanged.stderr, /no settings of 'Evil\\x1b\[2JName' have been modified/);
  });
});

test('a megabyte in one value: a table into a pipe writes it whole without widening the other lines, list and json keep every character', async () => {
  const huge = join(tempDir(), 'huge.db');
  copyFileSync(store, huge);
  const db = new Database(huge);
  db.prepare('UPDATE mailboxes SET department = ? WHERE alias = ?').run(`${'x'.repeat(1_000_000)}👩‍💻`, 'jmueller');
  db.close();
  const table = await casctl(['get-user', '-o', 'table'], { store: huge });
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stderr, '', 'nothing was cut, nothing to say');
  const lines = table.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 4, 'header, rule and one line per mailbox');
  const hugeLine = lines.find((l) => l.startsWith('Jürgen')) ?? '';
  assert.ok(hugeLine.includes(`${'x'.repeat(1_000_000)}👩‍💻`), 'the value whole');
  for (const line of lines.filter((l) => l !== hugeLine)) assert.ok(line.length < 400, `a line of ${line.length} characters`);
  assert.ok(!table.stdout.includes('…'));
  const read = await casctl(['get-user', 'jmueller', '-o', 'json', '--property', 'Department'], { store: huge });
  assert.equal(json<{ Department: string }[]>(read)[0]?.Department.length, 1_000_000 + '👩‍💻'.length);
});

test('an ambiguous identity lists each candidate on one line, whatever its Name holds', async () => {
  const twins = join(tempDir(), 'twins.db');
  copyFileSync(store, twins);
  const db = new Database(twins);
  db.prepare('UPDATE mailboxes SET name = ?').run('Twin\nWARNING: forged line');
  db.close();
  const result = await casctl(['set-casmailbox', 'Twin\nWARNING: forged line', '--pop-enabled', 'false'], { store: twins });
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr.split('\n');
  assert.ok(lines.some((l) => l.includes('matches multiple entries')), result.stderr);
  assert.equal(lines.filter((l) => l.startsWith('WARNING: forged')).length, 0, result.stderr);
  assert.equal(lines.filter((l) => l.includes('Twin\\nWARNING: forged line <')).length, 2, result.stderr);
});
