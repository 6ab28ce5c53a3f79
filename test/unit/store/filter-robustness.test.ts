import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { UsageError } from '../../../src/core/errors.js';
import { mailboxMatches } from '../../../src/core/properties.js';
import { FilterSyntaxError } from '../../../src/filter/index.js';
import { filterToLdap } from '../../../src/store/ldap/filter-to-ldap.js';
import { filterToSql } from '../../../src/store/sqlite/filter-to-sql.js';
import { exampleMailbox, loadSqlite } from '../../helpers/filter/directory.js';
import { parseLdapFilter } from '../../helpers/filter/ldap-matcher.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

/**
 * Whatever the user types, the parser answers with an AST or a located FilterSyntaxError,
 * never another exception; and whatever it accepts, every back-end handles (or, for SQLite,
 * rejects beyond its limits with an error located the same way).
 */
describe('any input', () => {
  const db = loadSqlite([exampleMailbox(1, { IsAdministrator: true })]);
  after(() => db.close());
  const mailbox = exampleMailbox(2).mailbox;

  function check(text: string): void {
    let ast;
    try {
      ast = parseFilter(text);
    } catch (error) {
      assert.ok(error instanceof FilterSyntaxError, `${String(error)} for ${JSON.stringify(text)}`);
      assert.ok(error.offset >= 0 && error.offset <= text.length);
      assert.ok(error.column >= 1);
      assert.equal(error.message.split('\n').length, 3, error.message);
      assert.match(error.message.split('\n')[2] ?? '', /^ +\^+$/);
      return;
    }
    try {
      const sql = filterToSql(ast);
      db.prepare(`SELECT count(*) FROM mailboxes m WHERE ${sql.where}`).get(...sql.params);
    } catch (error) {
      assert.ok(error instanceof UsageError, `${String(error)} for ${JSON.stringify(text)}`);
      assert.equal(error.message.split('\n').length, 3, error.message);
      assert.match(error.message.split('\n')[2] ?? '', /^ +\^+$/);
    }
    parseLdapFilter(filterToLdap(ast).filter);
    mailboxMatches(ast, mailbox);
  }

  it('random unicode', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), check), { numRuns: 1000 });
  });

  /** Token soup reaches far deeper into the parser than random characters do. */
  const piece = fc.constantFrom(
    'Name', 'name', 'EmailAddresses', 'PopEnabled', 'WhenCreated', 'Departmnet', 'RecipientType', 'x',
    '-eq', '-NE', '-lt', '-ge', '-like', '-notlike', '-and', '-or', '-not', '-Foo', '-', '--',
    '(', ')', '{', '}', "'a'", "'*'", "''", "'", '"', '"b""c"', '"`$"', '`', '$true', '`$false', '$null', '$x', '$',
    '1', '-2', '3.5', '1.', '12ab', "'1/31/2026'", "'2026-02-30'", "'smtp:'", "'SMTP:a@b'", 'é', '😀', '\u0000', '\t', '\n', ' ',
  );
  it('token soup', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), fc.constantFrom(' ', ''), (pieces, separator) => check(pieces.join(separator))),
      { numRuns: 2000 },
    );
  });

  it('pathological sizes', () => {
    check('('.repeat(100_000));
    check('-not '.repeat(100_000));
    check(`Name -eq '${'x'.repeat(100_000)}'`);
    check(`Name -like '${'*a'.repeat(4_000)}b'`);
    check("'".repeat(100_001));
    // The longest patterns accepted must still run in SQLite (it caps LIKE patterns at 50,000 bytes).
    check(`Name -like '*${'%'.repeat(9_998)}*'`);
    check(`Name -notlike '${'😀'.repeat(4_999)}*'`);
    check(`Name -like '*${'é'.repeat(20_000)}*'`);
  });
});
