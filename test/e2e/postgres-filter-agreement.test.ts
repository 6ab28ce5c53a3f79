import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { mailboxMatches } from '../../src/core/properties.js';
import { PROTOCOLS } from '../../src/core/protocols.js';
import { openStore } from '../../src/store/open-store.js';
import { postgresDialect } from '../../src/store/postgres/dialect.js';
import { postgresPool } from '../../src/store/postgres/pg-pool.js';
import type { SqlPool } from '../../src/store/sql/client.js';
import { filterToSql } from '../../src/store/sql/filter-to-sql.js';
import { SqlLayout } from '../../src/store/sql/layout.js';
import { CASCTL_MAILBOX_SCHEMA, TEXT_FIELDS } from '../../src/store/sql/mailbox-schema.js';
import { Params } from '../../src/store/sql/params.js';
import { parseServerUrl } from '../../src/store/sql/server-settings.js';
import { ROOT } from '../helpers/cli.js';
import { directory, knownValues, type StoredMailbox } from '../helpers/filter/directory.js';
import { filterText } from '../helpers/filter/filters.js';
import { mailboxFilter as parseFilter } from '../helpers/filter/parse.js';
import { postgresSkipReason, startPostgres, type Postgres } from '../helpers/postgres.js';

const layout = new SqlLayout(postgresDialect, CASCTL_MAILBOX_SCHEMA);
const { mailboxes, addresses } = CASCTL_MAILBOX_SCHEMA;

/** The directory's rows as the SQL store holds them, column by column. */
function rowOf({ mailbox: m, stored }: StoredMailbox, id: number): (string | number | null)[] {
  return [
    id, ...TEXT_FIELDS.map((field) => m[field]), ...m.CustomAttributes,
    Number(m.IsAdministrator), ...PROTOCOLS.map((p) => (stored[p.property] === null ? null : Number(stored[p.property]))),
    Number(m.PopUseProtocolDefaults), Number(m.ImapUseProtocolDefaults), m.WhenCreated, m.WhenChanged,
  ];
}

const COLUMNS = [
  mailboxes.id, ...TEXT_FIELDS.map((field) => mailboxes.text[field]), ...mailboxes.customAttributes, mailboxes.isAdministrator,
  ...PROTOCOLS.map((p) => layout.settingColumn(p)), mailboxes.useDefaults.pop3, mailboxes.useDefaults.imap, mailboxes.whenCreated, mailboxes.whenChanged,
];

/**
 * PostgreSQL selects what the in-memory evaluator selects (DESIGN.md §6), on the random
 * directories and filters the SQLite and LDAP agreement test uses: folding, LIKE escapes, code
 * point order and NULLs as the server does them. The generated names may clash once folded, so
 * this database drops the unique keys and the lower-case check that a real store keeps.
 */
describe('PostgreSQL and the evaluator agree', { skip: postgresSkipReason() }, () => {
  let server: Postgres;
  let pool: SqlPool;
  before(async () => {
    server = await startPostgres();
    const url = await server.createDatabase();
    await (await openStore(url, ROOT, { create: true, env: server.env() })).close();
    pool = postgresPool(parseServerUrl(url, 'PostgreSQL', 5432), server.passwords.casctl, false);
    const keys = await pool.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE '%\\_key' AND tablename IN ('mailboxes', 'email_addresses')");
    for (const { name } of keys) await pool.execute(`DROP INDEX ${name}`);
    await pool.execute('ALTER TABLE mailboxes DROP CONSTRAINT mailboxes_primary_smtp_address_check');
  });
  after(async () => {
    await pool?.close();
    await server?.stop();
  });

  it('on random filters over random directories', async () => {
    const withFilters = directory.chain((entries) => fc.tuple(fc.constant(entries), fc.array(filterText(knownValues(entries)), { minLength: 1, maxLength: 6 })));
    await fc.assert(
      fc.asyncProperty(withFilters, async ([entries, filters]) => {
        await pool.execute(`TRUNCATE ${addresses.table}, ${mailboxes.table}`);
        for (const [index, entry] of entries.entries()) {
          const p = new Params(postgresDialect);
          await pool.execute(`INSERT INTO mailboxes (${COLUMNS.join(', ')}) VALUES (${rowOf(entry, index + 1).map((v) => p.add(v)).join(', ')})`, p.values);
          for (const [position, address] of entry.mailbox.EmailAddresses.entries()) {
            await pool.execute('INSERT INTO email_addresses (address, mailbox_id, position) VALUES ($1, $2, $3)', [address, index + 1, position]);
          }
        }
        for (const text of filters) {
          const ast = parseFilter(text);
          const expected = entries.filter((e) => mailboxMatches(ast, e.mailbox)).map((e) => e.mailbox.Guid);
          const p = new Params(postgresDialect);
          const where = filterToSql(layout, ast, p);
          const rows = await pool.query<{ guid: string }>(`SELECT m.guid FROM mailboxes m WHERE ${where} ORDER BY m.id`, p.values);
          assert.deepEqual(rows.map((r) => r.guid), expected, `PostgreSQL for ${text}\n${where}\n${JSON.stringify(p.values)}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
