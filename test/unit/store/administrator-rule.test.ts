import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { filterToLdap } from '../../../src/store/ldap/filter-to-ldap.js';
import { passFilter } from '../../../src/store/ldap/ldap-auth-config.js';
import { effectiveEnabledSql, effectiveEnabledTerms, refusesWriteSql } from '../../../src/store/sqlite/administrator-sql.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

// Each driver states the rule per protocol, from the registry's `administrator` field: a protocol
// marked 'allowed' (SMTP AUTH, next) must get no Administrator clause, the 'refused' ones keep theirs.

test('SQL: a refused protocol reads disabled and refuses enabling for the Administrator; an allowed one reads as stored', () => {
  const refused = { name: 'pop3', administrator: 'refused' } as const;
  const allowed = { name: 'pop3', administrator: 'allowed' } as const;
  assert.equal(effectiveEnabledTerms(refused), 'm.pop_enabled AND NOT m.is_administrator');
  assert.equal(effectiveEnabledTerms(allowed), 'm.pop_enabled');
  const db = new Database(':memory:');
  try {
    for (const migration of MIGRATIONS) db.exec(migration);
    db.prepare(
      `INSERT INTO mailboxes (guid, distinguished_name, name, display_name, alias, sam_account_name, user_principal_name,
         primary_smtp_address, organizational_unit, recipient_type_details, is_administrator, pop_enabled, when_created, when_changed)
       VALUES ('g', 'cn=a', 'Administrator', 'a', 'a', 'Administrator', 'a@x.y', 'a@x.y', 'x.y/Users', 'UserMailbox', 1, 1, '', '')`,
    ).run();
    const read = (sql: string): number => db.prepare<[], { v: number }>(`SELECT ${sql} AS v FROM mailboxes m`).get()?.v ?? -1;
    assert.equal(read(effectiveEnabledSql(refused)), 0);
    assert.equal(read(effectiveEnabledSql(allowed)), 1);
    assert.equal(read(refusesWriteSql(refused, '1')), 1);
    assert.equal(read(refusesWriteSql(refused, '0')), 0);
    assert.equal(read(refusesWriteSql(allowed, '1')), 0);
  } finally {
    db.close();
  }
});

test('LDAP filters: the Administrator clause only for a refused protocol', () => {
  const compiled = (filter: string, administrator: 'refused' | 'allowed'): string =>
    filterToLdap(parseFilter(filter), () => ({ enabledServices: ['pop3'], switchAttribute: 'casEnabledService', administrator, administratorMarker: { attribute: 'casAdministrator', value: 'TRUE' } })).filter;
  assert.equal(compiled('PopEnabled -eq $true', 'refused'), '(&(casEnabledService=pop3)(!(casAdministrator=TRUE)))');
  assert.equal(compiled('PopEnabled -eq $true', 'allowed'), '(casEnabledService=pop3)');
  assert.equal(compiled('PopEnabled -eq $false', 'allowed'), '(!(casEnabledService=pop3))');
});

test("Dovecot's LDAP passdb: the Administrator is refused only the protocols the rule covers", () => {
  const login = '(|(mail=%{user})(casEmailAddress=%{user})(casUserPrincipalName=%{user}))';
  const mixed = [
    { dovecotServices: ['pop3'], administrator: 'refused' },
    { dovecotServices: ['smtp', 'submission'], administrator: 'allowed' },
  ] as const;
  assert.equal(
    passFilter('2.4', mixed),
    `(&(objectClass=casMailbox)${login}(|(objectClass=%{protocol | if('~', '^(pop3|smtp|submission)$', 'casNoSuchClass', 'casMailbox')})` +
      `(&(casEnabledService=%{protocol})(|(objectClass=%{protocol | if('~', '^(smtp|submission)$', 'casMailbox', 'casNoSuchClass')})(!(casAdministrator=TRUE))))))`,
  );
  assert.equal(
    passFilter('2.3', mixed),
    '(&(objectClass=casMailbox)(|(mail=%u)(casEmailAddress=%u)(casUserPrincipalName=%u))' +
      '(|(objectClass=%{if;%s;eq;pop3;casNoSuchClass;%{if;%s;eq;smtp;casNoSuchClass;%{if;%s;eq;submission;casNoSuchClass;casMailbox}}})' +
      '(&(casEnabledService=%s)(|(objectClass=%{if;%s;eq;smtp;casMailbox;%{if;%s;eq;submission;casMailbox;casNoSuchClass}})(!(casAdministrator=TRUE))))))',
  );
  assert.equal(
    passFilter('2.4', [{ dovecotServices: ['smtp'], administrator: 'allowed' }]),
    `(&(objectClass=casMailbox)${login}(|(objectClass=%{protocol | if('~', '^(smtp)$', 'casNoSuchClass', 'casMailbox')})(casEnabledService=%{protocol})))`,
  );
});
