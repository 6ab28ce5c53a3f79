import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { PROPERTIES } from '../../../src/core/properties.js';
import { filterToSql } from '../../../src/store/sqlite/filter-to-sql.js';
import { propertyColumn } from '../../../src/store/sqlite/property-columns.js';
import { exampleMailbox, loadSqlite, selectGuids } from '../../helpers/filter/directory.js';
import { EXAMPLE_CASES, EXAMPLE_ENTRIES } from '../../helpers/filter/examples.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

const sql = (filter: string) => filterToSql(parseFilter(filter));

describe('filterToSql: text and parameters', () => {
  const cases: [string, string, (string | number)[]][] = [
    ["Name -eq 'Ann'", "(m.name IS NOT NULL AND m.name <> '' AND m.name = ? COLLATE NOCASE)", ['Ann']],
    ["Name -ne 'Ann'", "NOT (m.name IS NOT NULL AND m.name <> '' AND m.name = ? COLLATE NOCASE)", ['Ann']],
    ["Name -ge 'b'", "(m.name IS NOT NULL AND m.name <> '' AND m.name >= ? COLLATE NOCASE)", ['b']],
    // Non-ASCII literals compare folded on both sides, since NOCASE folds ASCII only.
    ["Name -eq 'ÉMILE'", "(m.name IS NOT NULL AND m.name <> '' AND casctl_fold(m.name) = ?)", ['émile']],
    ["Name -lt 'Zoë'", "(m.name IS NOT NULL AND m.name <> '' AND casctl_fold(m.name) < ?)", ['zoë']],
    // -like: * is %, SQL wildcards and the escape character are literal.
    ["Department -like 'Eng*'", "(m.department IS NOT NULL AND m.department <> '' AND m.department LIKE ? ESCAPE '\\')", ['Eng%']],
    ["Department -like '50%_off\\*'", "(m.department IS NOT NULL AND m.department <> '' AND m.department LIKE ? ESCAPE '\\')", ['50\\%\\_off\\\\%']],
    ["Department -notlike 'É*'", "NOT (m.department IS NOT NULL AND m.department <> '' AND casctl_fold(m.department) LIKE ? ESCAPE '\\')", ['é%']],
    ['Department -eq $null', "(m.department IS NULL OR m.department = '')", []],
    ['Department -ne $null', "NOT (m.department IS NULL OR m.department = '')", []],
    ['CustomAttribute3 -eq 042', "(m.custom_attribute_3 IS NOT NULL AND m.custom_attribute_3 <> '' AND m.custom_attribute_3 = ? COLLATE NOCASE)", ['42']],
    // The constant RecipientType gets NOCASE from the COLLATE on the operand.
    ["RecipientType -eq 'usermailbox'", "('UserMailbox' IS NOT NULL AND 'UserMailbox' <> '' AND 'UserMailbox' = ? COLLATE NOCASE)", ['usermailbox']],
    ['PopEnabled -eq $false', 'COALESCE((m.pop_enabled AND NOT m.is_administrator) = ?, 0)', [0]],
    ['ImapUseProtocolDefaults -ne $true', 'NOT COALESCE(m.imap_use_protocol_defaults = ?, 0)', [1]],
    ['PopEnabled -eq $null', '((m.pop_enabled AND NOT m.is_administrator) IS NULL)', []],
    ["WhenCreated -lt '1/31/2026'", "(m.when_created IS NOT NULL AND m.when_created <> '' AND m.when_created < ?)", ['2026-01-31T00:00:00.000Z']],
    ["EmailAddresses -eq 'SMTP:Ann@Contoso.com'", "m.id IN (SELECT e.mailbox_id FROM email_addresses e WHERE e.address <> '' AND e.address = ? COLLATE NOCASE)", ['Ann@Contoso.com']],
    ["EmailAddresses -notlike '*@é.fr'", "NOT m.id IN (SELECT e.mailbox_id FROM email_addresses e WHERE e.address <> '' AND casctl_fold(e.address) LIKE ? ESCAPE '\\')", ['%@é.fr']],
    ['EmailAddresses -eq $null', "m.id NOT IN (SELECT e.mailbox_id FROM email_addresses e WHERE e.address <> '')", []],
    [
      "Name -eq 'a' -and (City -eq 'b' -or -not Title -eq 'c')",
      "((m.name IS NOT NULL AND m.name <> '' AND m.name = ? COLLATE NOCASE) AND ((m.city IS NOT NULL AND m.city <> '' AND m.city = ? COLLATE NOCASE) OR NOT (m.title IS NOT NULL AND m.title <> '' AND m.title = ? COLLATE NOCASE)))",
      ['a', 'b', 'c'],
    ],
  ];
  for (const [filter, where, params] of cases) {
    it(filter, () => assert.deepEqual(sql(filter), { where, params }));
  }

  it('keeps injection attempts in parameters', () => {
    const attempts = [
      `Name -eq "x') OR 1=1 --"`,
      `Name -like "*'; DROP TABLE mailboxes; --*"`,
      `EmailAddresses -eq "a' OR 'a'='a"`,
      `Name -eq "é') UNION SELECT password FROM mailboxes --"`,
      `Department -eq "\\' OR 1=1 /*"`,
    ];
    const db = loadSqlite([exampleMailbox(1), exampleMailbox(2)]);
    after(() => db.close());
    for (const attempt of attempts) {
      const { where, params } = sql(attempt);
      assert.doesNotMatch(where, /1=1|DROP|UNION|'a'='a'|\/\*/, attempt);
      assert.equal(params.length, 1);
      assert.deepEqual(selectGuids(db, where, params), [], attempt);
    }
    assert.equal(selectGuids(db, '1', []).length, 2, 'the table is intact');
  });
});

describe('filterToSql: results on a store', () => {
  const entries = EXAMPLE_ENTRIES;
  const db = loadSqlite(entries);
  after(() => db.close());
  const names = (filter: string) => {
    const { where, params } = sql(filter);
    const guids = selectGuids(db, where, params);
    return entries.filter((e) => guids.includes(e.mailbox.Guid)).map((e) => e.mailbox.Name);
  };

  for (const [filter, expected] of EXAMPLE_CASES) {
    it(filter, () => assert.deepEqual(names(filter), expected));
  }

  it('lets SQLite use the indexes for ASCII literals', () => {
    const plan = (filter: string) => {
      const { where, params } = sql(filter);
      return db
        .prepare<(string | number)[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT m.id FROM mailboxes m WHERE ${where}`)
        .all(...params)
        .map((row) => row.detail)
        .join(' | ');
    };
    assert.match(plan("Name -eq 'ann'"), /USING (COVERING )?INDEX mailboxes_name/);
    assert.match(plan("Department -like 'Eng*'"), /USING (COVERING )?INDEX mailboxes_department/);
    assert.match(plan("Name -ge 'a' -and Name -lt 'b'"), /USING (COVERING )?INDEX mailboxes_name/);
    assert.match(plan("EmailAddresses -eq 'ann@tailspintoys.com'"), /SEARCH m USING INTEGER PRIMARY KEY.*SEARCH e USING INDEX sqlite_autoindex_email_addresses_1/);
  });

  it('runs the deepest and longest filters the parser accepts', () => {
    const deep = `${'-not ('.repeat(49)}Name -eq 'Ann'${')'.repeat(49)}`;
    assert.deepEqual(names(deep), ['Bob', 'Émile', 'Administrator', 'zoë', '😀', 'ｚ']);
    const long = Array.from({ length: 500 }, (_, i) => (i === 499 ? "Name -eq 'Bob'" : `-not (Name -eq '${i}' -or City -eq 'x')`)).join(' -and ');
    assert.deepEqual(names(long), ['Bob']);
  });
});

describe("filterToSql: SQLite's limits", () => {
  const usageError = (filter: string): UsageError => {
    try {
      sql(filter);
    } catch (error) {
      if (error instanceof UsageError) return error;
      throw error;
    }
    throw new Error('expected a UsageError');
  };

  it('limits -like patterns to what SQLite accepts, located like a parse error', () => {
    assert.ok(sql(`Name -like '*${'%'.repeat(9_998)}*'`).where.includes('LIKE'));
    const error = usageError(`Name -like '*${'é'.repeat(10_000)}'`);
    assert.match(error.message, /patterns are limited to 10000 characters at column 12/);
    assert.equal(error.exitCode, 2);
    const [first = '', line = '', caret = ''] = error.message.split('\n');
    assert.equal(first, 'Invalid filter: -like patterns are limited to 10000 characters at column 12.');
    assert.equal(line.slice(caret.indexOf('^'), caret.indexOf('^') + 3), "'*é");
  });

  it('limits the number of comparisons, pointing at the first one too many', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `Name -eq '${i}'`).join(' -or ');
    assert.ok(sql(many(1000)).params.length === 1000);
    const error = usageError(many(1001));
    assert.match(error.message, /more than 1000 comparisons/);
    const [first = '', , caret = ''] = error.message.split('\n');
    assert.match(first, /^Invalid filter: the filter has more than 1000 comparisons at column \d+\. Split it into several runs\.$/);
    assert.equal(caret.trim(), '^^^^', 'under the property name');
  });

  it('maps every mailbox property to a column', () => {
    for (const property of PROPERTIES) assert.doesNotThrow(() => propertyColumn(property.name), property.name);
    assert.throws(() => propertyColumn('Nonsense'), /no column for the property 'Nonsense'/);
  });
});
