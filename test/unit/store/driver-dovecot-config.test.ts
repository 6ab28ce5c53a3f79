import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';
import { ldapAuthFiles } from '../../../src/store/ldap/ldap-auth-config.js';
import { ldapDriver } from '../../../src/store/ldap/driver.js';
import { sqlAuthFiles } from '../../../src/store/sqlite/sql-auth-config.js';
import { sqliteDriver } from '../../../src/store/sqlite/driver.js';
import { postgresDriver } from '../../../src/store/postgres/driver.js';
import { tempDir } from '../../helpers/cli.js';

const webmail = parseNetwork('127.0.0.2');
const webmailNetworks: IpNetwork[] = 'network' in webmail ? [webmail.network] : [];
const request = { cwd: '/srv/casctl', version: '2.4', directory: '/etc/dovecot', reason: false, webmailNetworks, section: undefined, env: {} } as const;

test('the SQLite driver writes the SQL passdbs for the store file, its relative path made absolute, and the webmail networks', async () => {
  for (const reason of [false, true]) {
    const files = await sqliteDriver.dovecotConfig({ ...request, url: 'sqlite:data/casctl.db', reason });
    assert.deepEqual(files, sqlAuthFiles({ version: '2.4', databasePath: '/srv/casctl/data/casctl.db', directory: '/etc/dovecot', reason, webmailNetworks }));
    assert.match(files.get('casctl-auth.conf') ?? '', /^passdb casctl-owa-admit \{$/m);
  }
  await assert.rejects(sqliteDriver.dovecotConfig({ ...request, url: '/srv/a#b.db' }), (e: unknown) => e instanceof UsageError && /^The store path "\/srv\/a#b\.db" holds "#"/.test(e.message));
});

test('the LDAP driver takes StartTLS and the CA from its configuration section and the webmail networks, and refuses --reason', async () => {
  const url = 'ldap://ldap.example.com:389/dc=x,dc=y';
  const files = await ldapDriver.dovecotConfig({ ...request, url, section: { startTls: true, caFile: '/etc/ssl/ca.pem', bindDn: 'cn=casadmin,dc=x,dc=y' } });
  assert.deepEqual(files, ldapAuthFiles({ version: '2.4', storeUrl: url, directory: '/etc/dovecot', startTls: true, caFile: '/etc/ssl/ca.pem', webmailNetworks }));
  assert.match(files.get('casctl-auth.conf') ?? '', /^ {4}allow_real_nets = 127\.0\.0\.2\/32$/m);
  assert.match(files.get('casctl-auth.conf') ?? '', /^ldap_starttls = yes\nssl_client_ca_file = \/etc\/ssl\/ca\.pem$/m);
  assert.doesNotMatch(files.get('casctl-auth.conf') ?? '', /casadmin/, "casctl's own bind DN is not Dovecot's");
  assert.deepEqual(await ldapDriver.dovecotConfig({ ...request, url }), ldapAuthFiles({ version: '2.4', storeUrl: url, directory: '/etc/dovecot', webmailNetworks }));
  await assert.rejects(ldapDriver.dovecotConfig({ ...request, url, reason: true }), new UsageError('--reason is for the SQLite store: the LDAP passdb cannot tell a refused client why.'));
  await assert.rejects(ldapDriver.dovecotConfig({ ...request, url, section: { caFile: '/ca\n.pem' } }), (e: unknown) => e instanceof UsageError && /^The CA file "\/ca\\n\.pem" holds "\\n"/.test(e.message));
});

test("each mail server's file: Dovecot reads its local replica first, binds as its lookup account; both syntaxes", async () => {
  const url = 'ldap://provider.example.com:389,replica2.example.com/dc=x,dc=y';
  const lookup = { dn: 'cn=dovecot,dc=x,dc=y', password: 'Lookup!pw' };
  const v24 = (await ldapDriver.dovecotConfig({ ...request, url, servers: ['ldap://127.0.0.1:389', 'ldap://provider.example.com'], lookupAccount: lookup })).get('casctl-auth.conf') ?? '';
  assert.match(v24, /^ldap_uris = ldap:\/\/127\.0\.0\.1:389 ldap:\/\/provider\.example\.com:389$/m);
  assert.match(v24, /^ldap_base = dc=x,dc=y$/m);
  assert.match(v24, /^ldap_auth_dn = cn=dovecot,dc=x,dc=y\nldap_auth_dn_password = Lookup!pw$/m);
  const v23 = await ldapDriver.dovecotConfig({ ...request, version: '2.3', url, servers: ['ldaps://mx1.example.com'], lookupAccount: { dn: lookup.dn, password: null } });
  const ext = v23.get('casctl-ldap.conf.ext') ?? '';
  assert.match(ext, /^uris = ldaps:\/\/mx1\.example\.com:636$/m);
  assert.match(ext, /^dn = cn=dovecot,dc=x,dc=y\n# dnpass = <the password of cn=dovecot,dc=x,dc=y>$/m);
  // Without --ldap-uri: every server of the store URL, in its order.
  const plain = (await ldapDriver.dovecotConfig({ ...request, url })).get('casctl-auth.conf') ?? '';
  assert.match(plain, /^ldap_uris = ldap:\/\/provider\.example\.com:389 ldap:\/\/replica2\.example\.com:389$/m);
  await assert.rejects(ldapDriver.dovecotConfig({ ...request, url, servers: ['ldap://mx1/dc=other'] }), /--ldap-uri 'ldap:\/\/mx1\/dc=other' must name servers only/);
  await assert.rejects(sqliteDriver.dovecotConfig({ ...request, url: 'sqlite:/x.db', servers: ['ldap://mx1'] }), /--ldap-uri and --ldap-bind-dn are for an LDAP store/);
});

test("the PostgreSQL driver writes Dovecot's pgsql connection for the store's server, with Dovecot's own account and its password only when given", async () => {
  const url = 'postgres://casctl@db.example.com:5433/mail';
  for (const version of ['2.3', '2.4'] as const) {
    const plain = [...(await postgresDriver.dovecotConfig({ ...request, version, url })).values()].join('\n');
    assert.match(plain, version === '2.3' ? /^connect = host=db\.example\.com port=5433 dbname=mail user=casctl$/m : /^pgsql db\.example\.com \{\n {2}parameters \{\n {4}port = 5433\n {4}dbname = mail\n {4}user = casctl\n/m);
    assert.doesNotMatch(plain, /password ?=(?! ?\.\.\.)/, 'no password line unless given');
    const secret = join(tempDir(), 'dovecot.secret');
    writeFileSync(secret, "s3cret pass'word\n");
    const env = { CASCTL_DOVECOT_SQL_USER: 'dovecot', CASCTL_DOVECOT_SQL_PASSWORD_FILE: secret };
    const given = [...(await postgresDriver.dovecotConfig({ ...request, version, url, env })).values()].join('\n');
    assert.match(given, version === '2.3' ? /user=dovecot password='s3cret pass\\'word'$/m : /^ {4}user = dovecot\n {4}password = s3cret pass'word$/m);
    assert.match(given, /lower\(address\) = '%(u|\{user\})'/);
  }
  const reason = [...(await postgresDriver.dovecotConfig({ ...request, url, reason: true })).values()].join('\n');
  assert.match(reason, /'pop3 access is disabled for this mailbox'|access is disabled for this mailbox/);
});

test("a lookup password Dovecot's configuration cannot hold is refused without being repeated (LDAP and PostgreSQL)", async () => {
  const secret = 'Hunter2#rest';
  const secretFile = join(tempDir(), 'dovecot.secret');
  writeFileSync(secretFile, `${secret}\n`);
  const refusals = [
    ldapDriver.dovecotConfig({ ...request, url: 'ldap://ldap.example.com/dc=x,dc=y', lookupAccount: { dn: 'cn=dovecot,dc=x,dc=y', password: secret } }),
    postgresDriver.dovecotConfig({ ...request, url: 'postgres://casctl@db.example.com/mail', env: { CASCTL_DOVECOT_SQL_PASSWORD_FILE: secretFile } }),
  ];
  for (const refused of refusals) {
    await assert.rejects(refused, (e: unknown) => e instanceof UsageError && /password holds "#"/.test(e.message) && !e.message.includes(secret));
  }
});
