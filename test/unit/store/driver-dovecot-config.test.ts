import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';
import { ldapAuthFiles } from '../../../src/store/ldap/ldap-auth-config.js';
import { ldapDriver } from '../../../src/store/ldap/driver.js';
import { sqlAuthFiles } from '../../../src/store/sqlite/sql-auth-config.js';
import { sqliteDriver } from '../../../src/store/sqlite/driver.js';

const webmail = parseNetwork('127.0.0.2');
const webmailNetworks: IpNetwork[] = 'network' in webmail ? [webmail.network] : [];
const request = { cwd: '/srv/casctl', version: '2.4', directory: '/etc/dovecot', reason: false, webmailNetworks, section: undefined } as const;

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
