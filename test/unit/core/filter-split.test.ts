import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitFilter } from '../../../src/core/filter-split.js';
import { LAST_LOGON_FILTER_PROPERTIES, namesLastLogons } from '../../../src/core/last-logon-properties.js';
import { LAST_LOGON_PROTOCOLS, type MailboxLastLogons } from '../../../src/core/last-logons.js';
import { mailboxMatches } from '../../../src/core/properties.js';
import type { FilterAst } from '../../../src/filter/index.js';
import { filterToSql } from '../../../src/store/sqlite/filter-to-sql.js';
import { DATES, directory, knownValues, loadSqlite, selectGuids } from '../../helpers/filter/directory.js';
import { filterText } from '../../helpers/filter/filters.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

/** The filter as text again, roughly: enough to compare shapes in the examples. */
function shape(ast: FilterAst | undefined): string {
  if (ast === undefined) return '-';
  if (ast.kind === 'comparison') return ast.property.name;
  if (ast.kind === 'not') return `not(${shape(ast.operand)})`;
  return `${ast.kind}(${ast.operands.map(shape).join(',')})`;
}

function split(text: string): [string, string] {
  const { store, joined } = splitFilter(parseFilter(text));
  return [shape(store), shape(joined)];
}

const ADDRESSES = ['192.0.2.1', '2001:db8::7', null];

/** Per mailbox, a login per recorded protocol or none, at the directory's dates (so literals hit them exactly). */
const logonsFor = (count: number): fc.Arbitrary<MailboxLastLogons[]> =>
  fc.array(
    fc.record(Object.fromEntries(LAST_LOGON_PROTOCOLS.map((p) => [
      p.name,
      fc.option(fc.record({ time: fc.constantFrom(...DATES).map((d) => new Date(d)), clientAddress: fc.constantFrom(...ADDRESSES) }), { nil: undefined, freq: 3 }),
    ])) as Record<string, fc.Arbitrary<{ time: Date; clientAddress: string | null } | undefined>>),
    { minLength: count, maxLength: count },
  ).map((all) => all.map((logons) => Object.fromEntries(Object.entries(logons).filter(([, v]) => v !== undefined)) as MailboxLastLogons));

describe('splitting a filter into what the store decides and what the joined logins decide', () => {
  it('pushes down only the top-level -and operands that name no login, nested -and chains flattened', () => {
    assert.deepEqual(split("Department -eq 'Sales' -and LastPopLogonTime -lt '2026-09-01'"), ['Department', 'LastPopLogonTime']);
    assert.deepEqual(split("(Department -eq 'Sales' -and (PopEnabled -eq $true -and LastImapLogonTime -eq $null)) -and Name -like 'a*'"), [
      'and(Department,PopEnabled,Name)', 'LastImapLogonTime',
    ]);
    assert.deepEqual(split("Department -eq 'Sales' -and PopEnabled -eq $true"), ['and(Department,PopEnabled)', '-']);
    assert.deepEqual(split("LastPopLogonTime -lt '2026-09-01' -and LastPopLogonClientAddress -like '10.*'"), ['-', 'and(LastPopLogonTime,LastPopLogonClientAddress)']);
  });

  it('never pushes down part of an -or or a -not that names a login', () => {
    // The example: the store cannot tell who has no login, so nothing of it goes down.
    assert.deepEqual(split("LastPopLogonTime -lt '2026-09-01' -or LastPopLogonTime -eq $null"), ['-', 'or(LastPopLogonTime,LastPopLogonTime)']);
    assert.deepEqual(split("Department -eq 'Sales' -or LastPopLogonTime -eq $null"), ['-', 'or(Department,LastPopLogonTime)']);
    assert.deepEqual(split("-not (Department -eq 'Sales' -and LastPopLogonTime -eq $null)"), ['-', 'not(and(Department,LastPopLogonTime))']);
    assert.deepEqual(split("PopEnabled -eq $true -and -not (Department -eq 'Sales' -and LastPopLogonTime -ge '1/1/2026')"), [
      'PopEnabled', 'not(and(Department,LastPopLogonTime))',
    ]);
  });

  it('on random filters over random directories and logins: the store part names no login, and store part and joined part select exactly what the whole filter does', () => {
    const cases = directory.chain((entries) =>
      fc.tuple(
        fc.constant(entries),
        logonsFor(entries.length),
        fc.array(filterText(new Map([...knownValues(entries), ...LAST_LOGON_FILTER_PROPERTIES.map((p) => [p.name, ADDRESSES.filter((a) => a !== null)] as const)]), LAST_LOGON_FILTER_PROPERTIES), { minLength: 1, maxLength: 6 }),
      ),
    );
    let both = 0;
    let joinedOnly = 0;
    fc.assert(
      fc.property(cases, ([entries, logons, filters]) => {
        const db = loadSqlite(entries);
        try {
          for (const text of filters) {
            const ast = parseFilter(text);
            const expected = entries.filter((e, i) => mailboxMatches(ast, e.mailbox, logons[i])).map((e) => e.mailbox.Guid);
            const { store, joined } = splitFilter(ast);
            assert.equal(namesLastLogons(store), false, `${text}: the store part names a login`);
            assert.equal(joined !== undefined, namesLastLogons(ast), text);
            if (store !== undefined && joined !== undefined) both++;
            if (store === undefined && joined !== undefined) joinedOnly++;
            // What the SQLite store selects for its part, then the joined part in memory, as selecting does.
            const sql = store === undefined ? { where: '1', params: [] } : filterToSql(store);
            const fromStore = new Set(selectGuids(db, sql.where, sql.params));
            const selected = entries
              .filter((e, i) => fromStore.has(e.mailbox.Guid) && (joined === undefined || mailboxMatches(joined, e.mailbox, logons[i])))
              .map((e) => e.mailbox.Guid);
            assert.deepEqual(selected, expected, `${text}\nstore: ${sql.where}`);
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 300 },
    );
    // Guards against a generator that stopped producing filters the split separates, or cannot.
    assert.ok(both > 30 && joinedOnly > 30, `both ${both}, joined only ${joinedOnly}`);
  });
});
