import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { mailboxMatches } from '../../src/core/properties.js';
import { PROTOCOLS } from '../../src/core/protocols.js';
import { openStore } from '../../src/store/open-store.js';
import { MysqlPool } from '../../src/store/mysql/client.js';
import { mysqlDialect } from '../../src/store/mysql/dialect.js';
import { FOLDED_COLUMNS } from '../../src/store/mysql/schema.js';
import { filterToSql } from '../../src/store/sql/filter-to-sql.js';
import { SqlLayout } from '../../src/store/sql/layout.js';
import { CASCTL_MAILBOX_SCHEMA, TEXT_FIELDS } from '../../src/store/sql/mailbox-schema.js';
import { Params } from '../../src/store/sql/params.js';
import { parseServerUrl } from '../../src/store/sql/server-settings.js';
import { ROOT } from '../helpers/cli.js';
import { directory, knownValues, type StoredMailbox } from '../helpers/filter/directory.js';
import { filterText } from '../helpers/filter/filters.js';
import { mailboxFilter as parseFilter } from '../helpers/filter/parse.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb } from '../helpers/mariadb.js';

const { mailboxes } = CASCTL_MAILBOX_SCHEMA;

/**
 * MariaDB selects what the in-memory evaluator selects (DESIGN.md §6), on the random directories
 * and filters of the SQLite, LDAP and PostgreSQL agreement tests: folding (LOWER and the folded
 * twins), LIKE escapes, code point order under NO PAD binary collation, NULLs. The generated
 * names may clash once folded, so this database drops the unique keys and the lower-case check
 * that a real store keeps.
 */
describe('MariaDB and the evaluator agree', { skip: mariaDbSkipReason() }, () => {
  let mariadb: MariaDb;
  let pool: MysqlPool;
  const layout = new SqlLayout(mysqlDialect('MariaDB', 'casctl_1', new Set(FOLDED_COLUMNS)), CASCTL_MAILBOX_SCHEMA);
  const columns = [
    mailboxes.id, ...TEXT_FIELDS.map((field) => mailboxes.text[field]), ...mailboxes.customAttributes, mailboxes.isAdministrator,
    ...PROTOCOLS.map((p) => layout.settingColumn(p)), mailboxes.useDefaults.pop3, mailboxes.useDefaults.imap, mailboxes.whenCreated, mailboxes.whenChanged,
  ];
  const rowOf = ({ mailbox: m, stored }: StoredMailbox, id: number): (string | number | null)[] => [
    id, ...TEXT_FIELDS.map((field) => m[field]), ...m.CustomAttributes,
    Number(m.IsAdministrator), ...PROTOCOLS.map((p) => (stored[p.property] === null ? null : Number(stored[p.property]))),
    Number(m.PopUseProtocolDefaults), Number(m.ImapUseProtocolDefaults), m.WhenCreated, m.WhenChanged,
  ];

  before(async () => {
    mariadb = await startMariaDb();
    const url = await mariadb.createDatabase();
    await (await openStore(url, ROOT, { create: true, env: mariadb.env() })).close();
    pool = await MysqlPool.open(parseServerUrl(url, 'MySQL', 3306), mariadb.accounts.service.password, false);
    for (const table of ['mailboxes', 'email_addresses']) {
      const keys = await pool.query<{ name: string }>("SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name LIKE '%\\_key'", [table]);
      for (const { name } of keys) await pool.execute(`ALTER TABLE ${table} DROP INDEX ${name}`);
    }
    await pool.execute('ALTER TABLE mailboxes DROP CONSTRAINT mailboxes_primary_smtp_address_lower');
  });
  after(async () => {
    await pool?.close();
    await mariadb?.stop();
  });

  it('on random filters over random directories', async () => {
    const withFilters = directory.chain((entries) => fc.tuple(fc.constant(entries), fc.array(filterText(knownValues(entries)), { minLength: 1, maxLength: 6 })));
    await fc.assert(
      fc.asyncProperty(withFilters, async ([entries, filters]) => {
        // No TRUNCATE: InnoDB refuses it on a table a foreign key names.
        await pool.execute('DELETE FROM email_addresses');
        await pool.execute('DELETE FROM mailboxes');
        for (const [index, entry] of entries.entries()) {
          await pool.execute(`INSERT INTO mailboxes (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, rowOf(entry, index + 1));
          for (const [position, address] of entry.mailbox.EmailAddresses.entries()) {
            await pool.execute('INSERT INTO email_addresses (address, mailbox_id, position) VALUES (?, ?, ?)', [address, index + 1, position]);
          }
        }
        for (const text of filters) {
          const ast = parseFilter(text);
          const expected = entries.filter((e) => mailboxMatches(ast, e.mailbox)).map((e) => e.mailbox.Guid);
          const p = new Params(layout.dialect);
          const where = filterToSql(layout, ast, p);
          const rows = await pool.query<{ guid: string }>(`SELECT m.guid FROM mailboxes m WHERE ${where} ORDER BY m.id`, p.values);
          assert.deepEqual(rows.map((r) => r.guid), expected, `MariaDB for ${text}\n${where}\n${JSON.stringify(p.values)}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
