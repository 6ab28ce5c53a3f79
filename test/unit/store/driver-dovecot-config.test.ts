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
