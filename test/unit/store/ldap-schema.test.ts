import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROPERTY_ATTRIBUTES } from '../../../src/store/ldap/property-attributes.js';
import { perCasSetting, PROTOCOLS, WEBMAIL_PROTOCOLS } from '../../../src/core/protocols.js';
import { recordAttributes } from '../../../src/store/ldap/entries.js';
import { MAILBOX_ATTRIBUTES } from '../../../src/store/ldap/mailbox-projection.js';
import { ENABLED_SERVICE_VALUES } from '../../../src/store/ldap/protocol-values.js';
import { AUTH_CONF } from '../../../src/dovecot/auth-include.js';
import { LDAP_CONF, ldapAuthFiles, passFilter } from '../../../src/store/ldap/ldap-auth-config.js';
import { ROOT } from '../../helpers/cli.js';

const SCHEMA = readFileSync(join(ROOT, 'schema', 'casmailbox.schema'), 'utf8');
const LDIF = readFileSync(join(ROOT, 'schema', 'casmailbox.ldif'), 'utf8');

/** Each definition, whitespace collapsed, from the slapd.conf form. */
function schemaDefinitions(): string[] {
  const text = SCHEMA.split('\n').filter((line) => !line.startsWith('#')).join('\n');
  const keyword = { objectidentifier: 'olcObjectIdentifier', attributetype: 'olcAttributeTypes', objectclass: 'olcObjectClasses' } as const;
  return [...text.matchAll(/^(objectIdentifier|attributetype|objectclass)\s+([\s\S]*?)(?=^(?:objectIdentifier|attributetype|objectclass)\b|(?![\s\S]))/gim)].map(
    (m) => `${keyword[(m[1] as string).toLowerCase() as keyof typeof keyword]}: ${(m[2] as string).replace(/\s+/g, ' ').trim()}`,
  );
}

/** Each definition from the cn=config form, LDIF continuation lines joined. */
function ldifDefinitions(): string[] {
  const unfolded = LDIF.replace(/\r?\n /g, '');
  return unfolded
    .split('\n')
    .filter((line) => /^olc(ObjectIdentifier|AttributeTypes|ObjectClasses):/.test(line))
    .map((line) => line.replace(/\s+/g, ' ').trim());
}

test('the slapd.conf and cn=config forms of the schema define the same things', () => {
  const schema = schemaDefinitions();
  assert.ok(schema.length > 40, `only ${schema.length} definitions found`);
  assert.deepEqual(ldifDefinitions(), schema);
  assert.match(LDIF, /^dn: cn=casmailbox,cn=schema,cn=config$/m);
});

test('every attribute the properties registry and the store use is defined (or standard)', () => {
  const standard = new Set(['cn', 'sn', 'displayName', 'uid', 'mail', 'departmentNumber', 'title', 'o', 'physicalDeliveryOfficeName', 'l', 'st', 'c', 'userPassword', 'createTimestamp', 'modifyTimestamp', 'objectClass'].map((a) => a.toLowerCase()));
  const defined = new Set([...SCHEMA.matchAll(/NAME '([^']+)'/g)].map((m) => (m[1] as string).toLowerCase()));
  const used = new Set<string>([...MAILBOX_ATTRIBUTES, 'casEnabledService', 'casAdministrator']);
  for (const ldap of PROPERTY_ATTRIBUTES.values()) if (ldap !== null && 'attribute' in ldap) used.add(ldap.attribute);
  for (const name of used) assert.ok(standard.has(name.toLowerCase()) || defined.has(name.toLowerCase()), `${name} is not in schema/casmailbox.schema`);
  // The mailbox class allows every non-standard attribute an import writes.
  const mailboxClass = /objectclass \( casOC:1 NAME 'casMailbox'[\s\S]*?\)\s*\)/.exec(SCHEMA)?.[0] ?? '';
  const record = {
    Guid: null, DistinguishedName: null, Name: 'n', DisplayName: 'd', Alias: 'a', SamAccountName: 's', UserPrincipalName: 'u@x.y',
    PrimarySmtpAddress: 'p@x.y', EmailAddresses: ['p@x.y'], OrganizationalUnit: 'x.y/A', Department: 'D', Title: 'T', Company: 'C',
    Office: 'O', City: 'L', StateOrProvince: 'ST', CountryOrRegion: 'US', CustomAttributes: Array.from({ length: 15 }, () => 'v'),
    RecipientTypeDetails: 'UserMailbox' as const, ...perCasSetting(() => true), SmtpClientAuthenticationDisabled: null, Password: '{PLAIN}x',
  };
  for (const attribute of Object.keys(recordAttributes(record, 'g', true))) {
    if (standard.has(attribute.toLowerCase()) && attribute !== 'c') continue;
    assert.match(mailboxClass, new RegExp(`\\b${attribute}\\b`), `casMailbox does not allow ${attribute}`);
  }
});

test("Dovecot's LDAP passdb: any address or the UPN, an enabled protocol and never the Administrator for IMAP4/POP3, no rule for the rest", () => {
  // SMTP AUTH and ManageSieve are enabled by their values like the others, and the Administrator may use them.
  const login = '(|(mail=%u)(casEmailAddress=%u)(casUserPrincipalName=%u))';
  assert.equal(
    passFilter('2.3'),
    `(&(objectClass=casMailbox)${login}(|(objectClass=%{if;%s;eq;pop3;casNoSuchClass;%{if;%s;eq;imap;casNoSuchClass;%{if;%s;eq;smtp;casNoSuchClass;%{if;%s;eq;submission;casNoSuchClass;%{if;%s;eq;sieve;casNoSuchClass;casMailbox}}}}})` +
      '(&(casEnabledService=%s)(|(objectClass=%{if;%s;eq;smtp;casMailbox;%{if;%s;eq;submission;casMailbox;%{if;%s;eq;sieve;casMailbox;casNoSuchClass}}})(!(casAdministrator=TRUE))))))',
  );
  assert.equal(
    passFilter('2.4'),
    "(&(objectClass=casMailbox)(|(mail=%{user})(casEmailAddress=%{user})(casUserPrincipalName=%{user}))(|(objectClass=%{protocol | if('~', '^(pop3|imap|smtp|submission|sieve)$', 'casNoSuchClass', 'casMailbox')})" +
      "(&(casEnabledService=%{protocol})(|(objectClass=%{protocol | if('~', '^(smtp|submission|sieve)$', 'casMailbox', 'casNoSuchClass')})(!(casAdministrator=TRUE))))))",
  );
  // The filter compares casEnabledService with the Dovecot service logged in to (%s): every service
  // a protocol covers must be a value that enables it, and it has no value Dovecot never asks for.
  // A protocol enforced by remote address shares its service with another: its value is its own name.
  for (const protocol of PROTOCOLS) {
    assert.ok(protocol.dovecotServices.length > 0, protocol.name);
    const expected = WEBMAIL_PROTOCOLS.includes(protocol) ? [protocol.name] : protocol.dovecotServices;
    assert.deepEqual(ENABLED_SERVICE_VALUES[protocol.name], expected, `${protocol.name}: %s must equal a casEnabledService value`);
  }
  const ext = (options: Omit<Parameters<typeof ldapAuthFiles>[0], 'version' | 'directory'>): string =>
    ldapAuthFiles({ version: '2.3', directory: '/etc/dovecot', ...options }).get(LDAP_CONF) ?? '';
  const authBind = ext({ storeUrl: 'ldap://ldap.example.com:389/dc=tailspintoys,dc=com' });
  assert.match(authBind, /^uris = ldap:\/\/ldap\.example\.com:389$/m);
  assert.match(authBind, /^base = dc=tailspintoys,dc=com$/m);
  assert.match(authBind, /^auth_bind = yes$/m);
  assert.match(authBind, /^pass_attrs = mail=user$/m);
  assert.ok(authBind.includes(`user_filter = (&(objectClass=casMailbox)${login})\n`), authBind);
  assert.doesNotMatch(authBind, /^dn(pass)? =/m);

  const lookup = ext({
    storeUrl: 'ldap://ldap.example.com/dc=tailspintoys,dc=com',
    authBind: false,
    bindDn: 'cn=dovecot,dc=tailspintoys,dc=com',
    startTls: true,
    caFile: '/etc/ssl/ca.pem',
  });
  assert.match(lookup, /^pass_attrs = mail=user, userPassword=password$/m);
  assert.match(lookup, /^dn = cn=dovecot,dc=tailspintoys,dc=com$/m);
  assert.match(lookup, /^# dnpass = <the password of cn=dovecot,dc=tailspintoys,dc=com>$/m, 'no password unless given');
  assert.match(lookup, /^tls = yes$/m);
  assert.match(lookup, /^tls_ca_cert_file = \/etc\/ssl\/ca\.pem$/m);

  const files = ldapAuthFiles({ version: '2.3', storeUrl: 'ldaps://ldap.example.com/dc=x,dc=y', directory: '/etc/dovecot/' });
  assert.deepEqual([...files.keys()], [AUTH_CONF, LDAP_CONF]);
  assert.match(files.get(AUTH_CONF) ?? '', /driver = ldap\n {2}args = \/etc\/dovecot\/casctl-ldap\.conf\.ext/);
  assert.match(files.get(LDAP_CONF) ?? '', /^uris = ldaps:\/\/ldap\.example\.com:636$/m);

  // 2.4: one file, the renamed settings, the TLS CA as ssl_client_ca_file.
  const v24 = ldapAuthFiles({ version: '2.4', storeUrl: 'ldap://ldap.example.com/dc=x,dc=y', directory: '/etc/dovecot', authBind: false, bindDn: 'cn=d,dc=x,dc=y', startTls: true, caFile: '/ca.pem' });
  assert.deepEqual([...v24.keys()], [AUTH_CONF]);
  const text = v24.get(AUTH_CONF) ?? '';
  for (const line of ['ldap_uris = ldap://ldap.example.com:389', 'ldap_base = dc=x,dc=y', 'ldap_starttls = yes', 'ssl_client_ca_file = /ca.pem', 'ldap_auth_dn = cn=d,dc=x,dc=y', '# ldap_auth_dn_password = <the password of cn=d,dc=x,dc=y>', 'passdb ldap {', '  bind = no', '    password = %{ldap:userPassword}', 'auth_username_format = %{user | lower}']) {
    assert.ok(text.split('\n').includes(line), `${line}\n${text}`);
  }
});
