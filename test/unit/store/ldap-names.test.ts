import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from '../../../src/core/errors.js';
import { dnKey, formatDn, parseDn, relativeTo } from '../../../src/core/dn-syntax.js';
import { decodeItem, encodeItem } from '../../../src/store/ldap/change-log.js';
import { generalizedTime, isoFromGeneralizedTime, ldapPassword } from '../../../src/store/ldap/entries.js';
import { DirectoryLayout } from '../../../src/store/ldap/layout.js';
import { parseLdapUrl } from '../../../src/store/ldap/url.js';

test('store URLs: scheme, host, default ports, base DN (percent-encoded or not)', () => {
  const plain = parseLdapUrl('ldap://127.0.0.1:10389/dc=tailspintoys,dc=com');
  assert.equal(plain.serverUrl, 'ldap://127.0.0.1:10389');
  assert.equal(plain.baseDn, 'dc=tailspintoys,dc=com');
  assert.equal(plain.storeUrl, 'ldap://127.0.0.1:10389/dc=tailspintoys,dc=com');
  assert.equal(plain.secure, false);
  assert.equal(parseLdapUrl('ldaps://ldap.example.com/dc=example,dc=com').port, 636);
  assert.equal(parseLdapUrl('LDAP://ldap.example.com/dc=example,dc=com').port, 389);
  assert.equal(parseLdapUrl('ldap://h/ou=North%20America%2Cdc=example,dc=com').baseDn, 'ou=North America,dc=example,dc=com');
  assert.equal(parseLdapUrl('ldap://[::1]:389/dc=x,dc=y').host, '::1');
});

test('store URLs may list several servers, tried in order: one scheme, each its own port', () => {
  const list = parseLdapUrl('ldap://mx1.example.com,10.0.0.2:10389, [::1]/dc=example,dc=com');
  assert.deepEqual(list.servers.map((s) => s.serverUrl), ['ldap://mx1.example.com:389', 'ldap://10.0.0.2:10389', 'ldap://[::1]:389']);
  assert.equal(list.serverUrl, 'ldap://mx1.example.com:389');
  assert.equal(list.storeUrl, 'ldap://mx1.example.com:389,10.0.0.2:10389,[::1]:389/dc=example,dc=com');
  assert.deepEqual(parseLdapUrl('ldaps://a,b:1636/dc=x,dc=y').servers.map((s) => s.port), [636, 1636]);
  for (const url of ['ldap://a,,b/dc=x,dc=y', 'ldap://a,/dc=x,dc=y', 'ldap://a,b:0/dc=x,dc=y']) assert.throws(() => parseLdapUrl(url), StoreError, url);
});

test('store URLs: credentials, a missing base and junk are refused without echoing a password', () => {
  for (const url of ['ldap://casadmin:s3cret-Pa55@h/dc=x,dc=y', 'ldap://h', 'ldap://h/', 'ldap://h:99999/dc=x', 'ldap://h/dc=x?sub', 'ldap://h/not a dn']) {
    assert.throws(() => parseLdapUrl(url), (error: unknown) => error instanceof StoreError && !error.message.includes('s3cret-Pa55'), url);
  }
});

test('DNs: RFC 4514 escapes in both spellings, UTF-8 hex, spaces around separators', () => {
  assert.deepEqual(parseDn('cn=Smith\\, Jr.\\, John,ou=Finance,dc=x'), [
    { type: 'cn', value: 'Smith, Jr., John' },
    { type: 'ou', value: 'Finance' },
    { type: 'dc', value: 'x' },
  ]);
  assert.equal(parseDn('cn=Smith\\2C Jr.\\2C John,dc=x')?.[0]?.value, 'Smith, Jr., John');
  assert.equal(parseDn('cn=Zo\\C3\\AB M\\C3\\BCller,dc=x')?.[0]?.value, 'Zoë Müller');
  assert.equal(parseDn('CN = Rand Zaher , OU=Engineering')?.[0]?.value, 'Rand Zaher');
  assert.equal(parseDn('cn=\\ leading and trailing\\ ,dc=x')?.[0]?.value, ' leading and trailing ');
  assert.equal(parseDn('cn=a+uid=b,dc=x')?.length, 2);
  assert.equal(parseDn('Rand Zaher'), null);
  assert.equal(parseDn('cn=x\\'), null);
  assert.equal(formatDn([{ type: 'cn', value: 'Smith, Jr., John' }, { type: 'dc', value: 'x' }]), 'cn=Smith\\, Jr.\\, John,dc=x');
  const a = parseDn('CN=Rand Zaher,OU=Engineering,DC=tailspintoys,DC=com') ?? [];
  const b = parseDn('cn=rand zaher,ou=engineering,dc=TAILSPINTOYS,dc=com') ?? [];
  assert.equal(dnKey(a), dnKey(b));
  assert.deepEqual(relativeTo(a, parseDn('dc=tailspintoys,dc=com') ?? []), a.slice(0, 2));
  assert.equal(relativeTo(a, parseDn('dc=contoso,dc=com') ?? []), null);
});

test('layout: canonical names ↔ DNs below the base, and the base itself', () => {
  const layout = new DirectoryLayout('dc=tailspintoys,dc=com');
  assert.equal(layout.baseCanonical, 'tailspintoys.com');
  assert.equal(layout.ouDn('tailspintoys.com/North America/Finance'), 'ou=Finance,ou=North America,dc=tailspintoys,dc=com');
  assert.equal(layout.canonicalOf('ou=Finance,ou=North America,dc=tailspintoys,dc=com'), 'tailspintoys.com/North America/Finance');
  assert.equal(layout.canonicalOf('OU=Finance,OU=North America,DC=TailspinToys,DC=com'), 'tailspintoys.com/North America/Finance');
  assert.equal(layout.ouDn('contoso.com/Finance'), null);
  assert.equal(layout.ouDn('tailspintoys.com'), 'dc=tailspintoys,dc=com');
  assert.equal(layout.containerDn, 'cn=casctl,dc=tailspintoys,dc=com');
  assert.ok(layout.isInternal('casChangeChunk=1,casChangeId=7,cn=casctl,dc=tailspintoys,dc=com'));
  assert.ok(!layout.isInternal('ou=casctl,dc=tailspintoys,dc=com'));

  const nested = new DirectoryLayout('ou=Mail,dc=example,dc=com');
  assert.equal(nested.baseCanonical, 'example.com/Mail');
  assert.equal(nested.ouDn('example.com/Mail/Sales'), 'ou=Sales,ou=Mail,dc=example,dc=com');
  assert.equal(nested.ouDn('example.com/Other'), null);
  assert.throws(() => new DirectoryLayout('o=Example'), StoreError);
});

test('passwords: Dovecot crypt schemes become {CRYPT} (slapd and Dovecot both verify it), others stay', () => {
  assert.equal(ldapPassword('{SHA512-CRYPT}$6$salt$hash'), '{CRYPT}$6$salt$hash');
  assert.equal(ldapPassword('{sha256-crypt}$5$salt$hash'), '{CRYPT}$5$salt$hash');
  assert.equal(ldapPassword('{BLF-CRYPT}$2y$05$x'), '{CRYPT}$2y$05$x');
  assert.equal(ldapPassword('{SSHA}abc'), '{SSHA}abc');
  assert.equal(ldapPassword('{PLAIN}secret'), '{PLAIN}secret');
});

test('GeneralizedTime ↔ ISO, milliseconds kept', () => {
  assert.equal(generalizedTime(new Date('2026-01-31T10:00:00.123Z')), '20260131100000.123Z');
  assert.equal(isoFromGeneralizedTime('20260131100000Z'), '2026-01-31T10:00:00.000Z');
  assert.equal(isoFromGeneralizedTime('20260131100000.5Z'), '2026-01-31T10:00:00.500Z');
  assert.equal(isoFromGeneralizedTime(null), '');
});

test('change items encode and decode; anything else is ignored', () => {
  const item = { Guid: '6b7c0d1e-0000-4000-8000-000000000001', Property: 'PopEnabled' as const, Before: true, After: false };
  assert.equal(encodeItem(item), '6b7c0d1e-0000-4000-8000-000000000001 PopEnabled TRUE FALSE');
  assert.deepEqual(decodeItem(encodeItem(item)), item);
  assert.equal(decodeItem('x SmtpEnabled TRUE FALSE'), null);
  assert.equal(decodeItem('x PopEnabled yes no'), null);
  assert.equal(decodeItem('x PopEnabled TRUE FALSE extra'), null);
});
