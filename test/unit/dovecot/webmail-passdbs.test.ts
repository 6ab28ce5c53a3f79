import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';
import { ldapAuthFiles } from '../../../src/store/ldap/ldap-auth-config.js';
import { sqlAuthFiles } from '../../../src/store/sqlite/sql-auth-config.js';

const networks: IpNetwork[] = ['127.0.0.2/32', '10.1.0.0/16'].map((n) => {
  const parsed = parseNetwork(n);
  return 'network' in parsed ? parsed.network : assert.fail(n);
});
const STORE = 'ldap://ldap.example.com/dc=x,dc=y';

/** The passdb blocks of a file, in order: the name (2.4) or args file (2.3), and the result settings. */
function passdbs(text: string): string[] {
  return [...text.matchAll(/^passdb ?([^{ ]*) \{\n((?: {2}.*\n)*?)\}/gm)].map(([, name, body]) => {
    const args = /args = \S*\/(\S+)/.exec(body ?? '')?.[1];
    const results = (body ?? '').split('\n').filter((l) => /^ {2}result_/.test(l)).map((l) => l.trim());
    return [name || args, ...results].join(' | ');
  });
}

test('with webmail networks: admit and refuse passdbs before the main one, for SQL and LDAP, 2.3 and 2.4', () => {
  const admit = 'result_failure = continue';
  const refuse = 'result_success = return-fail | result_failure = continue';
  const sql24 = sqlAuthFiles({ version: '2.4', databasePath: '/db', directory: '/etc/dovecot', reason: false, webmailNetworks: networks });
  assert.deepEqual(passdbs(sql24.get('casctl-auth.conf') ?? ''), [`casctl-owa-admit | ${admit}`, `casctl-owa-refuse | ${refuse}`, 'sql']);
  const sql23 = sqlAuthFiles({ version: '2.3', databasePath: '/db', directory: '/etc/dovecot', reason: false, webmailNetworks: networks });
  assert.deepEqual([...sql23.keys()], ['casctl-auth.conf', 'casctl-sql.conf.ext', 'casctl-sql-owa-admit.conf.ext', 'casctl-sql-owa-refuse.conf.ext']);
  assert.deepEqual(passdbs(sql23.get('casctl-auth.conf') ?? ''), [`casctl-sql-owa-admit.conf.ext | ${admit}`, `casctl-sql-owa-refuse.conf.ext | ${refuse}`, 'casctl-sql.conf.ext']);
  const ldap24 = ldapAuthFiles({ version: '2.4', storeUrl: STORE, directory: '/etc/dovecot', webmailNetworks: networks });
  assert.deepEqual(passdbs(ldap24.get('casctl-auth.conf') ?? ''), [`casctl-owa-admit | ${admit}`, `casctl-owa-refuse | ${refuse}`, 'ldap']);
  const ldap23 = ldapAuthFiles({ version: '2.3', storeUrl: STORE, directory: '/etc/dovecot', webmailNetworks: networks });
  assert.deepEqual(passdbs(ldap23.get('casctl-auth.conf') ?? ''), [`casctl-ldap-owa-admit.conf.ext | ${admit}`, `casctl-ldap-owa-refuse.conf.ext | ${refuse}`, 'casctl-ldap.conf.ext']);
  for (const text of [sql24.get('casctl-auth.conf'), sql23.get('casctl-auth.conf'), ldap24.get('casctl-auth.conf'), ldap23.get('casctl-auth.conf')]) {
    assert.match(text ?? '', /^# Webmail: imap logins whose real remote address is in 127\.0\.0\.2\/32 10\.1\.0\.0\/16 follow OWAEnabled, every other imap login ImapEnabled\.$/m);
    assert.match(text ?? '', /include this file before any passdb of your own/);
    assert.match(text ?? '', /'allow_real_nets check failed'/);
  }
});

test('the SQL queries: OWAEnabled admits, every mailbox is refused, the networks as allow_real_nets; the main query has no OWA case', () => {
  const sql23 = sqlAuthFiles({ version: '2.3', databasePath: '/db', directory: '/etc/dovecot', reason: false, webmailNetworks: networks });
  const admit = sql23.get('casctl-sql-owa-admit.conf.ext') ?? '';
  assert.match(admit, /^connect = \/db$/m);
  assert.match(admit, /'127\.0\.0\.2\/32 10\.1\.0\.0\/16' AS allow_real_nets/);
  assert.match(admit, /AND '%s' IN \('imap'\) \\\n {2}AND m\.owa_enabled$/m, 'the Administrator rule does not cover OWA');
  const refuse = sql23.get('casctl-sql-owa-refuse.conf.ext') ?? '';
  assert.match(refuse, /AND '%s' IN \('imap'\)$/m);
  assert.doesNotMatch(refuse, /owa_enabled|nologin/);
  assert.doesNotMatch(sql23.get('casctl-sql.conf.ext') ?? '', /owa/);
  const reason = sqlAuthFiles({ version: '2.4', databasePath: '/db', directory: '/etc/dovecot', reason: true, webmailNetworks: networks }).get('casctl-auth.conf') ?? '';
  assert.match(reason, /'y' AS nologin, 'OWA \(webmail\) access is disabled for this mailbox' AS reason/);
  assert.deepEqual(passdbs(reason).slice(0, 2), ['casctl-owa-admit | result_failure = continue', 'casctl-owa-refuse | result_failure = continue'], '--reason: the refusal is an OK with nologin');
  assert.match(reason, /^ {2}sql_query = SELECT/m, 'a named passdb takes the driver\'s own setting names');
});

test('the LDAP filters: casEnabledService=owa admits, every mailbox is refused, imap only; 2.3 networks space-separated in pass_attrs', () => {
  const ldap23 = ldapAuthFiles({ version: '2.3', storeUrl: STORE, directory: '/etc/dovecot', webmailNetworks: networks });
  const login = '(|(mail=%u)(casEmailAddress=%u)(casUserPrincipalName=%u))';
  const imapOnly = '(objectClass=%{if;%s;eq;imap;casMailbox;casNoSuchClass})';
  const admit = ldap23.get('casctl-ldap-owa-admit.conf.ext') ?? '';
  assert.ok(admit.includes(`pass_filter = (&(objectClass=casMailbox)${login}${imapOnly}(casEnabledService=owa))\n`), admit);
  assert.match(admit, /^pass_attrs = mail=user, =allow_real_nets=127\.0\.0\.2\/32 10\.1\.0\.0\/16$/m);
  assert.match(admit, /^uris = ldap:\/\/ldap\.example\.com:389$/m);
  assert.doesNotMatch(admit, /user_filter/);
  const refuse = ldap23.get('casctl-ldap-owa-refuse.conf.ext') ?? '';
  assert.ok(refuse.includes(`pass_filter = (&(objectClass=casMailbox)${login}${imapOnly})\n`), refuse);
  const lookup = ldapAuthFiles({ version: '2.3', storeUrl: STORE, directory: '/etc/dovecot', webmailNetworks: networks, authBind: false }).get('casctl-ldap-owa-refuse.conf.ext') ?? '';
  assert.match(lookup, /^pass_attrs = mail=user, userPassword=password, =allow_real_nets=/m);
  assert.doesNotMatch(ldap23.get('casctl-ldap.conf.ext') ?? '', /owa/, 'the main filter has no OWA service');

  const ldap24 = ldapAuthFiles({ version: '2.4', storeUrl: STORE, directory: '/etc/dovecot', webmailNetworks: networks }).get('casctl-auth.conf') ?? '';
  assert.match(ldap24, /^passdb casctl-owa-admit \{\n {2}driver = ldap\n {2}ldap_bind = yes\n {2}ldap_filter = \(&.*\(objectClass=%\{protocol \| if\('~', '\^\(imap\)\$', 'casMailbox', 'casNoSuchClass'\)\}\)\(casEnabledService=owa\)\)$/m);
  assert.match(ldap24, /^ {4}allow_real_nets = 127\.0\.0\.2\/32 10\.1\.0\.0\/16$/m);
});

test('without webmail networks: no webmail passdbs, and the file says OWAEnabled is not enforced', () => {
  for (const files of [
    sqlAuthFiles({ version: '2.3', databasePath: '/db', directory: '/etc/dovecot', reason: false }),
    sqlAuthFiles({ version: '2.4', databasePath: '/db', directory: '/etc/dovecot', reason: false, webmailNetworks: [] }),
    ldapAuthFiles({ version: '2.3', storeUrl: STORE, directory: '/etc/dovecot' }),
    ldapAuthFiles({ version: '2.4', storeUrl: STORE, directory: '/etc/dovecot' }),
  ]) {
    const auth = files.get('casctl-auth.conf') ?? '';
    assert.equal(passdbs(auth).length, 1, auth);
    assert.match(auth, /^# OWAEnabled is stored but not enforced: no webmail networks are configured/m);
    assert.ok(![...files.keys()].some((name) => name.includes('owa')));
  }
});
