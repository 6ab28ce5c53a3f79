/**
 * Guards the promises fixtures/README.md makes about fixtures/sample-directory.csv, so tests
 * elsewhere can rely on them and an edit to the data (or to scripts/make-sample-directory.ts)
 * that breaks one fails here first, with a readable message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const HEADER =
  'Name,Alias,DisplayName,SamAccountName,UserPrincipalName,PrimarySmtpAddress,EmailAddresses,OrganizationalUnit,Department,Title,Company,Office,City,StateOrProvince,CountryOrRegion,CustomAttribute1,RecipientTypeDetails,PopEnabled,ImapEnabled,Password';
const COLUMNS = HEADER.split(',');
const DOMAIN = 'tailspintoys.com';

type Row = Record<string, string>;

const bytes = readFileSync(`${fixtures}sample-directory.csv`);
// csv-parse rejects a row whose field count differs from the header's.
const rows = parse(bytes, { columns: true }) as Row[];

function field(row: Row, column: string): string {
  const value = row[column];
  if (value === undefined) throw new Error(`no column ${column}`);
  return value;
}

/** EmailAddresses without prefixes, and which one is marked primary (`SMTP:`), if any. */
function addresses(row: Row): { all: string[]; marked: string | undefined } {
  const entries = field(row, 'EmailAddresses').split(';');
  const marked = entries.find((entry) => entry.startsWith('SMTP:'));
  return { all: entries.map((entry) => entry.replace(/^smtp:/i, '')), marked: marked?.slice('SMTP:'.length) };
}

const names = (selected: Row[]): string[] => selected.map((row) => field(row, 'Name')).sort();
const isUserMailbox = (row: Row): boolean => field(row, 'RecipientTypeDetails') === 'UserMailbox';
const ou = (path: string) => (row: Row): boolean => field(row, 'OrganizationalUnit') === `${DOMAIN}/${path}`;
const byName = (name: string): Row[] => rows.filter((row) => field(row, 'Name') === name);
function one(name: string): Row {
  const found = byName(name);
  assert.equal(found.length, 1, `exactly one ${name}`);
  return found[0] as Row;
}

describe('fixtures/sample-directory.csv: format', () => {
  it('is UTF-8 without BOM, LF line ends, header first', () => {
    assert.notEqual(bytes.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.equal(bytes.includes(0x0d), false, 'no CR anywhere');
    assert.equal(bytes[bytes.length - 1], 0x0a);
    assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    assert.equal(bytes.toString('utf8').split('\n')[0], HEADER);
  });

  it('has at least 220 well-formed mailboxes', () => {
    assert.ok(rows.length >= 220, `${rows.length} rows`);
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), COLUMNS);
      assert.equal(field(row, 'Company'), 'Tailspin Toys');
      assert.match(field(row, 'RecipientTypeDetails'), /^(UserMailbox|SharedMailbox|RoomMailbox|EquipmentMailbox)$/);
      assert.match(field(row, 'PopEnabled'), /^(TRUE|FALSE)$/);
      assert.match(field(row, 'ImapEnabled'), /^(TRUE|FALSE)$/);
      assert.equal(field(row, 'UserPrincipalName'), `${field(row, 'SamAccountName')}@${DOMAIN}`);
      assert.ok(field(row, 'SamAccountName').length <= 20, field(row, 'SamAccountName'));
      const resource = /^(RoomMailbox|EquipmentMailbox)$/.test(field(row, 'RecipientTypeDetails'));
      assert.equal(field(row, 'Password'), resource ? '' : 'Tailspin!2026', field(row, 'Name'));
    }
  });

  it('lists the primary address among lower-case, ASCII EmailAddresses', () => {
    for (const row of rows) {
      const primary = field(row, 'PrimarySmtpAddress');
      const { all, marked } = addresses(row);
      assert.ok(all.includes(primary), `${field(row, 'Name')}: primary in EmailAddresses`);
      if (all.length > 1) assert.equal(marked, primary, `${field(row, 'Name')}: SMTP: marks the primary`);
      for (const address of all) assert.match(address, /^[a-z0-9.-]+@tailspintoys\.com$/);
    }
  });

  it('never lets two mailboxes share an identity, except the two Chris Greens by name', () => {
    const owner = new Map<string, number>();
    rows.forEach((row, index) => {
      const keys = [field(row, 'Name'), field(row, 'Alias'), field(row, 'SamAccountName'), field(row, 'UserPrincipalName'), ...addresses(row).all];
      for (const key of new Set(keys.map((k) => k.toLowerCase()))) {
        const previous = owner.get(key);
        if (previous !== undefined && key !== 'chris green') assert.fail(`'${key}' names rows ${previous} and ${index}`);
        owner.set(key, index);
      }
    });
  });

  it('uses only the documented OUs', () => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(field(row, 'OrganizationalUnit'), (counts.get(field(row, 'OrganizationalUnit')) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries([...counts].sort()), {
      'tailspintoys.com/Asia Pacific/Support': 38,
      'tailspintoys.com/Europe/Engineering': 32,
      'tailspintoys.com/Europe/Sales': 38,
      'tailspintoys.com/IT': 10,
      'tailspintoys.com/North America/Engineering': 27,
      'tailspintoys.com/North America/Engineering/Platform': 11,
      'tailspintoys.com/North America/Finance': 15,
      'tailspintoys.com/North America/Sales': 45,
      'tailspintoys.com/Resources': 10,
      'tailspintoys.com/Shared': 6,
    });
    assert.equal(rows.length, 232);
  });
});

describe('fixtures/sample-directory.csv: edge cases promised in fixtures/README.md', () => {
  it('has Rand Zaher as the article describes him', () => {
    const rand = one('Rand Zaher');
    assert.equal(field(rand, 'DisplayName'), 'Rand Zaher');
    assert.equal(field(rand, 'Alias'), 'rzaher');
    assert.equal(field(rand, 'PrimarySmtpAddress'), 'rand.zaher@tailspintoys.com');
    assert.equal(field(rand, 'EmailAddresses'), 'SMTP:rand.zaher@tailspintoys.com;smtp:rzaher@tailspintoys.com');
    assert.equal(field(rand, 'OrganizationalUnit'), 'tailspintoys.com/North America/Engineering');
    assert.equal(field(rand, 'Department'), 'Engineering');
    assert.equal(field(rand, 'StateOrProvince'), 'WA');
  });

  it('has the Administrator mailbox, enabled in the file', () => {
    const admin = one('Administrator');
    assert.equal(field(admin, 'SamAccountName'), 'Administrator');
    assert.equal(field(admin, 'OrganizationalUnit'), 'tailspintoys.com/IT');
    assert.equal(field(admin, 'PopEnabled'), 'TRUE');
    assert.equal(field(admin, 'ImapEnabled'), 'TRUE');
  });

  it('has the article Accounts.txt people, all enabled, and Accounts.txt lists them', () => {
    const accounts = readFileSync(`${fixtures}Accounts.txt`, 'utf8');
    assert.equal(accounts, 'ebrunner@tailspintoys.com\nfapodaca@tailspintoys.com\nglaureano@tailspintoys.com\nhrim@tailspintoys.com\n');
    for (const address of accounts.trim().split('\n')) {
      const found = rows.filter((row) => field(row, 'PrimarySmtpAddress') === address);
      assert.equal(found.length, 1, address);
      assert.equal(field(found[0] as Row, 'PopEnabled'), 'TRUE');
      assert.equal(field(found[0] as Row, 'ImapEnabled'), 'TRUE');
    }
  });

  it('has two different Chris Greens', () => {
    const greens = byName('Chris Green');
    assert.deepEqual(
      greens.map((row) => [field(row, 'DisplayName'), field(row, 'Alias'), field(row, 'PrimarySmtpAddress'), field(row, 'OrganizationalUnit')]),
      [
        ['Chris Green', 'cgreen', 'chris.green@tailspintoys.com', 'tailspintoys.com/North America/Sales'],
        ['Chris Green', 'chgreen', 'chgreen@tailspintoys.com', 'tailspintoys.com/Europe/Engineering'],
      ],
    );
  });

  it('makes rand* ambiguous by alias and Rand* by name', () => {
    assert.deepEqual(rows.map((row) => field(row, 'Alias')).filter((alias) => alias.toLowerCase().startsWith('rand')).sort(), ['rand.k', 'randall', 'randi.s', 'randolph']);
    assert.deepEqual(names(rows.filter((row) => field(row, 'Name').toLowerCase().startsWith('rand'))), ['Rand Kowalski', 'Rand Zaher', 'Randall Okafor', 'Randi Svensson', 'Randolph Bishop']);
  });

  it('selects the documented WA Engineering set (UserMailbox, Department -like Engineering*, StateOrProvince -eq WA)', () => {
    const selected = rows.filter(
      (row) => isUserMailbox(row) && field(row, 'Department').toLowerCase().startsWith('engineering') && field(row, 'StateOrProvince').toLowerCase() === 'wa',
    );
    assert.deepEqual(names(selected), [
      'Amara Nwosu',
      'Devon Whitfield',
      'Faith Adeyemi',
      'Gareth Pryce',
      'Hannah Lindqvist',
      'Ines Carvalho',
      'Keiko Tanabe',
      'Marcus Oyelaran',
      'Mei-Ling Chou',
      'Oskar Brandt',
      'Priya Raman',
      'Rand Kowalski',
      'Rand Zaher',
      'Randall Okafor',
      'Tomás Ortega',
    ]);
    // Only UserMailboxes match at all, so RecipientType (UserMailbox for every kind) cannot change the set.
    assert.equal(rows.filter((row) => !isUserMailbox(row) && field(row, 'Department').toLowerCase().startsWith('engineering')).length, 0);
  });

  it('has near misses for that filter', () => {
    assert.equal(field(one('Nadia Haddad'), 'Department'), 'Reengineering');
    assert.equal(field(one('Wes Carrow'), 'Department'), 'Sales Engineering');
    assert.equal(field(one('Brent Sorensen'), 'StateOrProvince'), 'Washington');
    assert.equal(field(one('Gloria Laureano'), 'StateOrProvince'), 'OR');
    assert.ok(rows.some((row) => field(row, 'City') === 'Perth' && field(row, 'StateOrProvince') === 'WA'));
  });

  it('has North America/Finance users and one shared mailbox', () => {
    const finance = rows.filter(ou('North America/Finance'));
    assert.deepEqual(names(finance.filter((row) => !isUserMailbox(row))), ['Finance Team']);
    assert.deepEqual(names(finance.filter(isUserMailbox)), [
      'Dmitri Volkov',
      'Grace Achterberg',
      'Katherine "Kate" O\'Neil',
      'Luis Carvalho',
      'Naomi Feld',
      'Owen Gallagher',
      'Patricia Nakamura',
      'Quentin Lefebvre',
      'Rosa Delgado',
      'Samuel Osei',
      'Smith, Jr., John',
      'Teresa Holm',
      'Vikram Desai',
      'Ærin O\'Brien',
    ]);
  });

  it('starts with the documented protocols already off', () => {
    const popOff = rows.filter((row) => field(row, 'PopEnabled') === 'FALSE');
    const imapOff = rows.filter((row) => field(row, 'ImapEnabled') === 'FALSE');
    assert.equal(popOff.length, 16);
    assert.deepEqual(names(popOff.filter((row) => field(row, 'ImapEnabled') === 'FALSE')), ['Conf Room Fuji', 'Devon Whitfield', 'Naomi Feld', 'Søren Ødegård']);
    assert.deepEqual(names(imapOff.filter((row) => field(row, 'PopEnabled') === 'TRUE')), ['Mateo Dunn', 'Quentin Lefebvre']);
  });

  it('has the documented address spellings, DisplayName, CustomAttribute1 values and WA counts', () => {
    assert.equal(rows.filter((row) => field(row, 'EmailAddresses').startsWith('smtp:')).length, 15);
    assert.equal(rows.filter((row) => !field(row, 'EmailAddresses').includes(':')).length, 19);
    assert.deepEqual(
      rows.filter((row) => field(row, 'Name') !== field(row, 'DisplayName')).map((row) => field(row, 'DisplayName')),
      ['Marcus Oyelaran (Contractor)'],
    );
    assert.deepEqual(
      rows.filter((row) => field(row, 'CustomAttribute1') !== '').map((row) => `${field(row, 'Name')}=${field(row, 'CustomAttribute1')}`).sort(),
      [
        'Emma Rossi=Contractor',
        'Faith Adeyemi=Contractor',
        'Marcus Oyelaran=Contractor',
        'Patricia Nakamura=VIP',
        'Rosa Delgado=Cost center 4410, "Toys"',
        'Smith, Jr., John=VIP',
        'Teresa Holm=Legal hold; retain 7y',
      ],
    );
    const wa = rows.filter((row) => field(row, 'StateOrProvince') === 'WA');
    assert.equal(wa.length, 46);
    assert.equal(wa.filter((row) => field(row, 'CountryOrRegion') === 'US').length, 39);
    assert.equal(wa.filter((row) => !isUserMailbox(row)).length, 9);
    assert.equal(field(one('Jordan Pike'), 'StateOrProvince'), 'WA');
  });

  it('has the documented recipient types and non-ASCII names', () => {
    const count = (type: string): number => rows.filter((row) => field(row, 'RecipientTypeDetails') === type).length;
    assert.deepEqual([count('UserMailbox'), count('SharedMailbox'), count('RoomMailbox'), count('EquipmentMailbox')], [215, 7, 6, 4]);
    for (const name of ['Zoë Müller', 'José Álvarez', 'Łukasz Żółć', 'Søren Ødegård', '李娜 (Li Na)', 'Ærin O\'Brien', 'Björn Ångström', 'Trần Ngọc Ánh', 'Tomás Ortega']) {
      assert.equal(one(name).Name, name.normalize('NFC'));
    }
  });
});
