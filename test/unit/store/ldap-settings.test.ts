import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/cli/config.js';
import { ConfigError, StoreError } from '../../../src/core/errors.js';
import { ldapDriver } from '../../../src/store/ldap/driver.js';
import { toStoreError } from '../../../src/store/ldap/errors.js';
import { resolveLdapSettings } from '../../../src/store/ldap/settings.js';
import { tempDir } from '../../helpers/cli.js';

const SECRET = 'Pa55-never-printed';

test('the environment wins over the configuration file; the password file loses its final newline', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'ldap.secret'), `${SECRET}\n`, { mode: 0o600 });
  const fromFile = resolveLdapSettings({ bindDn: 'cn=casadmin,dc=x', passwordFile: join(dir, 'ldap.secret') }, {}, dir);
  assert.equal(fromFile.bindDn, 'cn=casadmin,dc=x');
  assert.equal(fromFile.password, SECRET);
  const fromEnv = resolveLdapSettings(
    { bindDn: 'cn=casadmin,dc=x', password: 'from-config' },
    { CASCTL_LDAP_BIND_DN: 'cn=other,dc=x', CASCTL_LDAP_PASSWORD_FILE: 'ldap.secret' },
    dir,
  );
  assert.equal(fromEnv.bindDn, 'cn=other,dc=x');
  assert.equal(fromEnv.password, SECRET);
  assert.equal(resolveLdapSettings(undefined, { CASCTL_LDAP_BIND_DN: 'cn=a', CASCTL_LDAP_PASSWORD: 'p', CASCTL_LDAP_PASSWORD_FILE: 'nope' }, dir).password, 'p');
  const anonymous = resolveLdapSettings(undefined, {}, dir);
  assert.equal(anonymous.bindDn, null);
  assert.equal(anonymous.pageSize, 500);
  assert.equal(anonymous.concurrency, 16);
});

test('a bind DN without a password (an unauthenticated bind) and a password without a bind DN are refused', () => {
  assert.throws(() => resolveLdapSettings({ bindDn: 'cn=casadmin,dc=x' }, {}, '/'), StoreError);
  assert.throws(() => resolveLdapSettings(undefined, { CASCTL_LDAP_PASSWORD: SECRET }, '/'), (e: unknown) => e instanceof StoreError && !e.message.includes(SECRET));
  const dir = tempDir();
  writeFileSync(join(dir, 'empty.secret'), '\n');
  assert.throws(() => resolveLdapSettings(undefined, { CASCTL_LDAP_BIND_DN: 'cn=a', CASCTL_LDAP_PASSWORD_FILE: join(dir, 'empty.secret') }, dir), /is empty/);
  assert.throws(() => resolveLdapSettings(undefined, { CASCTL_LDAP_BIND_DN: 'cn=a', CASCTL_LDAP_PASSWORD_FILE: join(dir, 'missing') }, dir), /ENOENT/);
});

test('the "ldap" section of the configuration file: validated by the LDAP driver, file paths relative to it, values never echoed', async () => {
  const dir = tempDir();
  const path = join(dir, 'casctl.config.json');
  writeFileSync(path, JSON.stringify({ store: 'ldap://h/dc=x,dc=y', ldap: { bindDn: 'cn=casadmin,dc=x,dc=y', passwordFile: 'ldap.secret', startTls: true, caFile: 'ca.pem', pageSize: 200 } }));
  const config = await loadConfig({ configOption: path, env: {}, cwd: '/' });
  assert.equal(config.store, 'ldap://h/dc=x,dc=y');
  const expected = { bindDn: 'cn=casadmin,dc=x,dc=y', passwordFile: join(dir, 'ldap.secret'), startTls: true, caFile: join(dir, 'ca.pem'), pageSize: 200 };
  assert.deepEqual(config.sections, { ldap: expected });
  assert.equal(ldapDriver.configSection?.name, 'ldap');
  assert.deepEqual(ldapDriver.configSection.parse({ ...expected, passwordFile: 'ldap.secret', caFile: 'ca.pem' }, { path, directory: dir }), expected);

  const bad: [unknown, RegExp][] = [
    [{ bindDN: 'x' }, /unknown key "bindDN"/],
    [{ password: SECRET, passwordFile: 'f' }, /both "password" and "passwordFile"/],
    [{ password: 42 }, /password must be a non-empty string/],
    [{ startTls: 'yes' }, /startTls must be true or false/],
    [{ pageSize: 0 }, /pageSize must be a positive whole number/],
    ['cn=x', /must be an object/],
  ];
  const located = (message: RegExp) => (e: unknown) =>
    e instanceof ConfigError && e.message.startsWith(`The configuration file '${path}': "ldap"`) && message.test(e.message) && !e.message.includes(SECRET);
  for (const [ldap, message] of bad) {
    writeFileSync(path, JSON.stringify({ ldap }));
    await assert.rejects(loadConfig({ configOption: path, env: {}, cwd: '/' }), located(message));
    assert.throws(() => ldapDriver.configSection?.parse(ldap, { path, directory: dir }), located(message));
  }
});

test('server errors become admin-readable StoreErrors naming the server, never the password', () => {
  const context = { url: 'ldap://127.0.0.1:10389/dc=x', bindDn: 'cn=casadmin,dc=x', action: 'search dc=x', password: SECRET };
  const ldapError = (code: number, message: string): Error => Object.assign(new Error(`${message} Code: 0x${code.toString(16)}`), { code });
  const cases: [unknown, RegExp][] = [
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10389'), { code: 'ECONNREFUSED' }), /Cannot reach the LDAP server of ldap:\/\/127\.0\.0\.1:10389\/dc=x \(ECONNREFUSED\)/],
    [ldapError(49, ''), /refused the credentials of the bind DN 'cn=casadmin,dc=x' \(invalid credentials, result 49\)/],
    [ldapError(50, 'no write access to parent'), /may not search dc=x on .* \(insufficient access, result 50: no write access to parent\)/],
    [ldapError(17, 'casGuid: attribute type undefined'), /does not know casctl's schema \(casGuid: attribute type undefined\)/],
    [ldapError(21, 'objectClass: value #1 invalid per syntax'), /does not know casctl's schema/],
    [ldapError(4, ''), /size limit .* size\.prtotal=unlimited/],
    [ldapError(11, ''), /"pageSize"/],
    [ldapError(13, 'TLS confidentiality required'), /use ldaps:\/\/ or set "startTls": true/],
    [ldapError(80, `echo of ${SECRET}`), /result 80 \(echo of \*\*\*\*\*\*\*\*\)/],
  ];
  for (const [error, message] of cases) {
    const translated = toStoreError(error, context);
    assert.ok(translated instanceof StoreError);
    assert.equal(translated.exitCode, 3);
    assert.match(translated.message, message);
    assert.ok(!translated.message.includes(SECRET), translated.message);
  }
});
