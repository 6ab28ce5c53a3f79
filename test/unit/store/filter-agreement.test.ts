import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mailboxMatches } from '../../../src/core/properties.js';
import { filterToLdap } from '../../../src/store/ldap/filter-to-ldap.js';
import { filterToSql } from '../../../src/store/sqlite/filter-to-sql.js';
import { directory, knownValues, loadSqlite, selectGuids } from '../../helpers/filter/directory.js';
import { filterText } from '../../helpers/filter/filters.js';
import { ldapEntry, matchesLdap, parseLdapFilter } from '../../helpers/filter/ldap-matcher.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

const directoryWithFilters = directory.chain((entries) =>
  fc.tuple(fc.constant(entries), fc.array(filterText(knownValues(entries)), { minLength: 1, maxLength: 6 })),
);

/**
 * The three back-ends must select the same mailboxes (DESIGN.md §6): random filters over
 * random directories, the in-memory evaluator being the reference.
 */
describe('SQL, LDAP and the evaluator agree', () => {
  it('on random filters over random directories', () => {
    let exactLdap = 0;
    let inexactLdap = 0;
    fc.assert(
      fc.property(directoryWithFilters, ([entries, filters]) => {
        const db = loadSqlite(entries);
        try {
          for (const text of filters) {
            const ast = parseFilter(text);
            const expected = entries.filter((e) => mailboxMatches(ast, e.mailbox)).map((e) => e.mailbox.Guid);

            const sql = filterToSql(ast);
            assert.deepEqual(selectGuids(db, sql.where, sql.params), expected, `SQL for ${text}\n${sql.where}\n${JSON.stringify(sql.params)}`);

            const ldap = filterToLdap(ast);
            const parsed = parseLdapFilter(ldap.filter);
            const selected = entries.filter((e) => matchesLdap(parsed, ldapEntry(e))).map((e) => e.mailbox.Guid);
            if (ldap.exact) {
              exactLdap++;
              assert.deepEqual(selected, expected, `LDAP for ${text}\n${ldap.filter}`);
            } else {
              inexactLdap++;
              const missing = expected.filter((guid) => !selected.includes(guid));
              assert.deepEqual(missing, [], `LDAP superset for ${text}\n${ldap.filter}`);
            }
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 300 },
    );
    // Guards against a generator that silently stopped producing one of the two cases.
    assert.ok(exactLdap > 50 && inexactLdap > 50, `exact ${exactLdap}, inexact ${inexactLdap}`);
  });
});
