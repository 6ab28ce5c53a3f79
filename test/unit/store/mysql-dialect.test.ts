import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryCollation, caseInsensitiveCollation, lockName, mysqlDialect } from '../../../src/store/mysql/dialect.js';
import { classifyMysqlError, duplicateKey } from '../../../src/store/mysql/mysql-errors.js';
import { FOLDED_COLUMNS, mysqlMigrations } from '../../../src/store/mysql/schema.js';

/** The shape mysql2 gives a server's error (errno, sqlState, message) and a socket's (code, negative errno). */
const serverError = (errno: number, message = 'x'): Error => Object.assign(new Error(message), { errno, sqlState: 'HY000', code: 'ER_X' });
const socketError = (code: string): Error => Object.assign(new Error(code), { errno: -111, code });

test('server errors by number, socket errors by code; anything else is nothing the store knows', () => {
  const kinds: [Error, string | null][] = [
    [serverError(1062), 'unique'], [serverError(1213), 'deadlock'], [serverError(1205), 'lockTimeout'], [serverError(1045), 'auth'],
    [serverError(1044), 'auth'], [serverError(1142), 'readOnly'], [serverError(1792), 'readOnly'], [serverError(1290), 'readOnly'],
    [serverError(1146), 'noSuchTable'], [serverError(1049), 'noSuchDatabase'], [serverError(1064), null],
    [socketError('ECONNREFUSED'), 'refused'], [socketError('PROTOCOL_CONNECTION_LOST'), 'refused'], [new Error('plain'), null],
  ];
  for (const [error, kind] of kinds) assert.equal(classifyMysqlError(error), kind, error.message);
  assert.equal(classifyMysqlError('text'), null);
  assert.equal(duplicateKey(serverError(1062, "Duplicate entry 'rzaher' for key 'mailboxes_sam_account_name_key'")), 'mailboxes_sam_account_name_key');
  assert.equal(duplicateKey(serverError(1062, "Duplicate entry 'x' for key 'mailboxes.mailboxes_guid_key'")), 'mailboxes_guid_key', "MySQL 8 names the table too");
  assert.equal(duplicateKey(serverError(1213, "Duplicate entry 'x' for key 'k'")), null);
});

test('a folded column with a twin reads the twin (its index); any other expression is LOWER()ed; comparisons are binary and NO PAD', () => {
  const dialect = mysqlDialect('MariaDB', 'casctl', new Set(FOLDED_COLUMNS));
  assert.equal(dialect.fold('m.`guid`'), 'm.`guid_folded`');
  assert.equal(dialect.fold('i.mailbox_guid'), 'i.`mailbox_guid_folded`');
  assert.equal(dialect.fold('m.`department`'), 'LOWER(m.`department`)');
  assert.equal(dialect.fold("CONCAT(m.`name`, 'x')"), "LOWER(CONCAT(m.`name`, 'x'))");
  assert.equal(mysqlDialect('MariaDB', 'casctl', new Set()).fold('m.`guid`'), 'LOWER(m.`guid`)', 'no twins on a schema casctl did not create');
  assert.equal(dialect.compare('LOWER(m.`title`)', '<', '?'), 'LOWER(m.`title`) COLLATE utf8mb4_nopad_bin < ?');
  assert.equal(mysqlDialect('MySQL', 'casctl', new Set()).compare('x', '=', '?'), 'x COLLATE utf8mb4_0900_bin = ?');
  assert.equal(dialect.quote('we`ird'), '`we``ird`');
  assert.deepEqual([dialect.listParam(['a', 'b']), dialect.listParam([])], [['a', 'b'], ['']]);
  assert.equal(dialect.inList(dialect.fold('m.`guid`'), '?', 'textList'), 'm.`guid_folded` IN (?)', 'the twin\'s index');
  assert.equal(dialect.inList(dialect.fold('m.`title`'), '?', 'textList'), 'LOWER(m.`title`) COLLATE utf8mb4_nopad_bin IN (?)', 'exact, not accent-blind');
  assert.equal(dialect.inList('m.`id`', '?', 'intList'), 'm.`id` IN (?)');
  assert.deepEqual(dialect.readList('["a","é"]'), ['a', 'é']);
  assert.deepEqual(dialect.readList(null), []);
  assert.throws(() => dialect.readInt('12x'), /where casctl expects an integer/);
  assert.equal(dialect.begin(true), 'START TRANSACTION READ ONLY');
  assert.equal(dialect.begin(false), 'START TRANSACTION', 'no READ WRITE: a read-only session stays read-only');
});

test('GET_LOCK names are per database and fit MySQL\'s 64 characters', () => {
  assert.equal(lockName('writers', 'casctl'), 'casctl-writers:casctl');
  const long = lockName('init', 'd'.repeat(64));
  assert.ok(long.length <= 64 && long.startsWith('casctl-init:'));
  assert.notEqual(long, lockName('init', `${'d'.repeat(63)}e`));
});

test('the schema: every folded column has its twin in each table that has the column, and every statement may run twice', () => {
  for (const flavor of ['MariaDB', 'MySQL'] as const) {
    const statements = mysqlMigrations(flavor).flat();
    assert.ok(statements.every((s) => /^(CREATE TABLE IF NOT EXISTS|INSERT IGNORE) /.test(s)), 'idempotent: DDL commits as it goes');
    for (const statement of statements.filter((s) => s.startsWith('CREATE TABLE'))) {
      for (const column of FOLDED_COLUMNS) {
        if (new RegExp(`^\\s*${column} VARCHAR`, 'm').test(statement)) assert.match(statement, new RegExp(`${column}_folded VARCHAR\\(\\d+\\) CHARACTER SET utf8mb4 COLLATE ${binaryCollation(flavor)} AS \\(LOWER\\(${column}\\)\\) STORED`), statement.split('\n')[0]);
      }
      assert.match(statement, new RegExp(`COLLATE=${caseInsensitiveCollation(flavor)}$`));
    }
  }
});
