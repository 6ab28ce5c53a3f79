import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, StoreError, UsageError } from '../../../src/core/errors.js';
import { connectionTarget, parseServerUrl, parseSqlSection, refuseLdapOptions, sqlPassword } from '../../../src/store/sql/server-settings.js';
import { tempDir } from '../../helpers/cli.js';

test('a server URL names user, host, port and database; what casctl prints holds no secret', () => {
  assert.deepEqual(parseServerUrl('postgres://casctl@db.example.com/mail', 'PostgreSQL', 5432), {
    host: 'db.example.com', port: 5432, user: 'casctl', database: 'mail', printable: 'postgres://casctl@db.example.com/mail',
  });
  assert.equal(parseServerUrl('postgresql://cas%20ctl@[::1]:6432/mail', 'PostgreSQL', 5432).host, '::1');
  for (const url of ['postgres://db.example.com/mail', 'postgres://casctl@db.example.com/', 'postgres://casctl@db.example.com/a/b']) {
    assert.throws(() => parseServerUrl(url, 'PostgreSQL', 5432), (e: unknown) => e instanceof StoreError && /must name the user, the host and the database/.test(e.message), url);
  }
  assert.throws(() => parseServerUrl('postgres://casctl@db/mail?sslmode=disable', 'PostgreSQL', 5432), /takes no parameters/);
});

test('a password in the URL is refused without being repeated', () => {
  assert.throws(
    () => parseServerUrl('postgres://casctl:hunter2@db.example.com/mail', 'PostgreSQL', 5432),
    (e: unknown) => e instanceof StoreError && /holds a password/.test(e.message) && !e.message.includes('hunter2') && /CASCTL_SQL_PASSWORD_FILE/.test(e.message),
  );
});

test('the password: CASCTL_SQL_PASSWORD, then the file CASCTL_SQL_PASSWORD_FILE names, then the section\'s passwordFile; none is null', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'env.secret'), 'from-env-file\n');
  writeFileSync(join(dir, 'section.secret'), 'from-section\r\n');
  writeFileSync(join(dir, 'empty.secret'), '');
  const section = parseSqlSection('postgres', { passwordFile: 'section.secret' }, { path: join(dir, 'casctl.config.json'), directory: dir });
  assert.equal(sqlPassword(section, { CASCTL_SQL_PASSWORD: 'direct', CASCTL_SQL_PASSWORD_FILE: 'env.secret' }, dir, 'postgres', 'PostgreSQL'), 'direct');
  assert.equal(sqlPassword(section, { CASCTL_SQL_PASSWORD_FILE: 'env.secret' }, dir, 'postgres', 'PostgreSQL'), 'from-env-file');
  assert.equal(sqlPassword(section, {}, dir, 'postgres', 'PostgreSQL'), 'from-section');
  assert.equal(sqlPassword(undefined, {}, dir, 'postgres', 'PostgreSQL'), null);
  assert.throws(() => sqlPassword(undefined, { CASCTL_SQL_PASSWORD_FILE: 'empty.secret' }, dir, 'postgres', 'PostgreSQL'), /password file .* is empty/);
  assert.throws(() => sqlPassword(undefined, { CASCTL_SQL_PASSWORD_FILE: 'missing.secret' }, dir, 'postgres', 'PostgreSQL'), /Cannot read the PostgreSQL password file .*ENOENT/);
});

test('the section takes passwordFile only, and never echoes a value', () => {
  const file = { path: '/etc/casctl/config.json', directory: '/etc/casctl' };
  assert.throws(() => parseSqlSection('postgres', { password: 'hunter2' }, file), (e: unknown) => e instanceof ConfigError && /unknown key "password"/.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => parseSqlSection('postgres', { passwordFile: 7 }, file), /passwordFile must be a non-empty string/);
  assert.throws(() => parseSqlSection('postgres', [], file), /"postgres" must be an object/);
  assert.deepEqual(parseSqlSection('postgres', { passwordFile: 'pg.secret' }, file), { passwordFile: '/etc/casctl/pg.secret' });
});

test('a command that only reads connects to the read URL; a change, init, or no read URL connects to the store URL', () => {
  const store = 'postgres://casctl@primary.example.com/mail';
  const standby = 'postgres://casctl@standby.example.com:5433/mail';
  const host = (options: { readOnly: boolean; create: boolean; readUrl: string | undefined }): string => connectionTarget(store, options, 'PostgreSQL', 5432).host;
  assert.equal(host({ readOnly: true, create: false, readUrl: standby }), 'standby.example.com');
  assert.equal(host({ readOnly: false, create: false, readUrl: standby }), 'primary.example.com');
  assert.equal(host({ readOnly: true, create: true, readUrl: standby }), 'primary.example.com');
  assert.equal(host({ readOnly: true, create: false, readUrl: undefined }), 'primary.example.com');
});

test("get-dovecotconfig's LDAP-only options are refused on an SQL server store, naming where Dovecot's account comes from", () => {
  assert.throws(() => refuseLdapOptions({ servers: ['ldap://mx1'] }, 'MySQL'), (e: unknown) => e instanceof UsageError && /for MySQL, Dovecot's account comes from CASCTL_DOVECOT_SQL_USER/.test(e.message));
  assert.throws(() => refuseLdapOptions({ lookupAccount: { dn: 'cn=x', password: null } }, 'PostgreSQL'), UsageError);
  refuseLdapOptions({}, 'PostgreSQL');
});
