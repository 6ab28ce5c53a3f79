import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeLdapSettings } from '../../../src/store/ldap/settings.js';
import { describeSqlSettings } from '../../../src/store/sql/server-settings.js';

const password = (settings: ReturnType<typeof describeLdapSettings>): unknown => settings.find((s) => s.key === 'password');

test('LDAP: where the bind DN and the password come from, in the order the store reads them; the password never read', () => {
  const section = { bindDn: 'cn=file,dc=x', passwordFile: '/etc/casctl/ldap.secret' };
  assert.deepEqual(password(describeLdapSettings(section, { CASCTL_LDAP_PASSWORD: 'Hunter2', CASCTL_LDAP_PASSWORD_FILE: 'x' }, '/work')), {
    key: 'password',
    value: '(set, hidden)',
    origin: { kind: 'environment', variable: 'CASCTL_LDAP_PASSWORD' },
  });
  assert.deepEqual(password(describeLdapSettings(section, { CASCTL_LDAP_PASSWORD_FILE: 'pw.txt' }, '/work')), {
    key: 'password',
    value: '(in /work/pw.txt)',
    origin: { kind: 'environment', variable: 'CASCTL_LDAP_PASSWORD_FILE' },
  });
  assert.deepEqual(password(describeLdapSettings({ password: 'InTheFile' }, {}, '/work')), { key: 'password', value: '(set, hidden)', origin: { kind: 'file' } });
  assert.deepEqual(password(describeLdapSettings(section, {}, '/work')), { key: 'password', value: '(in /etc/casctl/ldap.secret)', origin: { kind: 'file' } });
  assert.deepEqual(password(describeLdapSettings(undefined, {}, '/work')), { key: 'password', value: null, origin: { kind: 'default' } });
  const settings = describeLdapSettings(section, { CASCTL_LDAP_BIND_DN: 'cn=env,dc=x' }, '/work');
  assert.deepEqual(settings.map((s) => [s.key, s.value, s.origin.kind]), [
    ['bindDn', 'cn=env,dc=x', 'environment'],
    ['password', '(in /etc/casctl/ldap.secret)', 'file'],
    ['startTls', false, 'default'],
    ['caFile', null, 'default'],
    ['pageSize', 500, 'default'],
    ['timeoutMs', 30000, 'default'],
    ['profile', null, 'default'],
  ]);
});

test('SQL: CASCTL_SQL_PASSWORD, else CASCTL_SQL_PASSWORD_FILE, else the section\'s passwordFile; and the profile', () => {
  const section = { passwordFile: '/etc/casctl/pg.secret', profile: 'iredmail' };
  assert.deepEqual(describeSqlSettings(section, { CASCTL_SQL_PASSWORD: 'Hunter2' }, '/'), [
    { key: 'password', value: '(set, hidden)', origin: { kind: 'environment', variable: 'CASCTL_SQL_PASSWORD' } },
    { key: 'profile', value: 'iredmail', origin: { kind: 'file' } },
  ]);
  assert.deepEqual(describeSqlSettings(section, { CASCTL_SQL_PASSWORD: '' }, '/')[0], { key: 'password', value: '(in /etc/casctl/pg.secret)', origin: { kind: 'file' } }, 'an empty variable is unset');
  assert.deepEqual(describeSqlSettings(undefined, {}, '/'), [
    { key: 'password', value: null, origin: { kind: 'default' } },
    { key: 'profile', value: null, origin: { kind: 'default' } },
  ]);
});
