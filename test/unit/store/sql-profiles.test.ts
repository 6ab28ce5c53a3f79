import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, StoreError } from '../../../src/core/errors.js';
import { PROTOCOLS } from '../../../src/core/protocols.js';
import { postgresDialect } from '../../../src/store/postgres/dialect.js';
import { POSTGRES_MIGRATIONS } from '../../../src/store/postgres/schema.js';
import { mysqlMigrations } from '../../../src/store/mysql/schema.js';
import { SqlLayout } from '../../../src/store/sql/layout.js';
import { CASCTL_MAILBOX_SCHEMA } from '../../../src/store/sql/mailbox-schema.js';
import { besideMigrations, mappedColumns } from '../../../src/store/sql/mapped-schema.js';
import { parseSqlProfile } from '../../../src/store/sql/sql-profile-config.js';
import { IREDMAIL_SQL_PROFILE, chooseSqlSchema, unwritableSqlSetting } from '../../../src/store/sql/sql-profiles.js';

const GENERIC = {
  name: 'acme',
  mailboxes: { table: 'users', key: 'email', password: 'pw', whenCreated: 'created', whenChanged: 'modified', columns: { Name: 'email', PrimarySmtpAddress: 'email', OrganizationalUnit: 'domain' } },
  switches: { pop3: ['pop3', 'pop3s'], imap: ['imap'], owa: { follows: 'imap' }, smtp: ['smtp'], sieve: ['sieve'] },
  organizationalUnits: { table: 'domains', name: 'domain' },
};
const parsed = (value: unknown): ReturnType<typeof parseSqlProfile> => parseSqlProfile(value, 'postgres', '/etc/casctl/config.json');
const refused = (value: unknown, message: RegExp): void => assert.throws(() => parsed(value), (e: unknown) => e instanceof ConfigError && message.test(e.message));

test('the iredmail SQL profile maps every protocol; OWA follows IMAP4; each switch is every iRedMail column of its service', () => {
  for (const protocol of PROTOCOLS) assert.ok(IREDMAIL_SQL_PROFILE.mailboxes.enabled[protocol.name] !== undefined, protocol.name);
  const layout = new SqlLayout(postgresDialect, IREDMAIL_SQL_PROFILE);
  assert.deepEqual(layout.enabledColumns('pop3'), ['enablepop3', 'enablepop3secured', 'enablepop3tls']);
  assert.deepEqual(layout.enabledColumns('owa'), ['enableimap', 'enableimapsecured', 'enableimaptls']);
  assert.equal(IREDMAIL_SQL_PROFILE.mailboxes.isAdministrator, null);
  assert.equal(mappedColumns(IREDMAIL_SQL_PROFILE).get('mailbox')?.get('enablesieve'), 'ManageSieveEnabled');
  assert.equal(layout.own('change_items'), '"casctl_change_items"');
  assert.equal(layout.text('Guid'), '(md5(lower(m."username"))::uuid)::text');
});

test('casctl\'s tables beside a mapped schema come from its own DDL: only the history, state, plan and default tables, prefixed, the mailbox id of the key type', () => {
  for (const own of [POSTGRES_MIGRATIONS, mysqlMigrations('MariaDB')]) {
    const [first] = besideMigrations(own, 'TEXT');
    assert.ok(first !== undefined);
    const text = first.join('\n');
    assert.match(text, /CREATE TABLE casctl_profile/);
    assert.match(text, /CREATE TABLE (IF NOT EXISTS )?casctl_change_items \(/);
    assert.match(text, /mailbox_id TEXT NOT NULL/);
    assert.match(text, /REFERENCES casctl_change_records \(id\)/);
    assert.match(text, /INSERT (IGNORE )?INTO casctl_transport_config/);
    assert.doesNotMatch(text, /CREATE TABLE (IF NOT EXISTS )?(mailboxes|email_addresses|organizational_units)\b/);
    assert.doesNotMatch(text, /(TABLE|INTO|ON) (IF NOT EXISTS )?(change_records|change_items|service_state|transport_config)\b/);
  }
});

test('the generic SQL profile form: a valid one is the schema; the addresses default to the primary one alone', () => {
  const schema = parsed(GENERIC);
  assert.ok(typeof schema !== 'string');
  assert.equal(schema.profile, 'acme');
  assert.equal(schema.mailboxes.idType, 'text');
  assert.equal(schema.mailboxes.text.DisplayName, null);
  assert.deepEqual(schema.mailboxes.enabled.pop3, ['pop3', 'pop3s']);
  assert.equal(schema.addresses.holdsPrimary, true);
  assert.equal(schema.ownTablePrefix, 'casctl_');
  assert.equal(parsed('iredmail'), 'iredmail');
});

test('the generic SQL profile form: errors name the key at fault', () => {
  const where = /The configuration file '\/etc\/casctl\/config.json': "postgres.profile/;
  refused({ ...GENERIC, tables: {} }, /unknown key "tables"/);
  refused({ ...GENERIC, mailboxes: { ...GENERIC.mailboxes, table: 'users; DROP' } }, /"postgres.profile".mailboxes.table must be a table or column name/);
  refused({ ...GENERIC, mailboxes: { ...GENERIC.mailboxes, columns: { Name: 'email' } } }, /mailboxes.columns.PrimarySmtpAddress is required/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, sieve: undefined } }, /switches must map every protocol; missing: "sieve"/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, imap: ['pop3'] } }, /switches.imap: the column "pop3" is also pop3's/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, owa: { follows: 'owa' } } }, /switches.owa.follows must name another protocol/);
  refused({ ...GENERIC, mailboxes: { ...GENERIC.mailboxes, keyType: 'uuid' } }, /mailboxes.keyType must be "text" or "int"/);
  refused({ ...GENERIC, addresses: { table: 'aliases', mailbox: 'user', address: 'alias', only: { column: 'kind', value: 'x' } } }, /addresses.only.value must be an integer/);
  refused('', where);
});

test('the SQL profile choice: the recorded profile wins, another one is refused, casctl\'s own schema is never read through one', () => {
  assert.equal(chooseSqlSchema({}, 'postgres', 'postgres://u@h/d'), CASCTL_MAILBOX_SCHEMA);
  assert.equal(chooseSqlSchema({ option: 'iRedMail' }, 'postgres', 'postgres://u@h/d'), IREDMAIL_SQL_PROFILE);
  assert.equal(chooseSqlSchema({ recorded: 'iredmail' }, 'postgres', 'postgres://u@h/d'), IREDMAIL_SQL_PROFILE);
  const generic = parsed(GENERIC);
  assert.throws(() => chooseSqlSchema({ configured: generic, recorded: 'iredmail' }, 'postgres', 'postgres://u@h/d'), (e: unknown) => e instanceof StoreError && /set up with the SQL profile 'iredmail'/.test(e.message));
  assert.throws(() => chooseSqlSchema({ option: 'iredmail', recorded: null }, 'postgres', 'postgres://u@h/d'), (e: unknown) => e instanceof StoreError && /holds casctl's own schema/.test(e.message));
  assert.throws(() => chooseSqlSchema({ option: 'postfixadmin' }, 'mysql', 'mysql://u@h/d'), (e: unknown) => e instanceof StoreError && /no SQL profile 'postfixadmin'.*"mysql": \{ "profile"/.test(e.message));
});

test('what the iredmail SQL profile cannot hold: OWA, and SMTP AUTH $null', () => {
  assert.match(unwritableSqlSetting(IREDMAIL_SQL_PROFILE, 'OWAEnabled', false) ?? '', /no switch of its own for OWA/);
  assert.match(unwritableSqlSetting(IREDMAIL_SQL_PROFILE, 'SmtpClientAuthenticationDisabled', null) ?? '', /its mailbox switch columns alone/);
  assert.equal(unwritableSqlSetting(IREDMAIL_SQL_PROFILE, 'PopEnabled', false), null);
  assert.equal(unwritableSqlSetting(CASCTL_MAILBOX_SCHEMA, 'SmtpClientAuthenticationDisabled', null), null);
});
