import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, StoreError } from '../../../src/core/errors.js';
import { PROTOCOLS } from '../../../src/core/protocols.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { DirectoryLayout } from '../../../src/store/ldap/layout.js';
import { CASCTL_MAPPING, mappedAttributes, switchOwner, switchValues } from '../../../src/store/ldap/mapping.js';
import { chooseMapping } from '../../../src/store/ldap/profile-choice.js';
import { parseProfile } from '../../../src/store/ldap/profile-config.js';
import { IREDMAIL_PROFILE } from '../../../src/store/ldap/profiles.js';
import { propertyAttributes } from '../../../src/store/ldap/property-attributes.js';
import { pushdownFilter } from '../../../src/store/ldap/pushdown.js';
import { unwritableSetting } from '../../../src/store/ldap/unwritable-settings.js';

const GENERIC = {
  name: 'acme',
  mailboxes: { base: 'ou=People', scope: 'sub', filter: '(objectClass=acmeUser)' },
  organizationalUnits: { base: 'ou=Domains', scope: 'one', filter: '(objectClass=acmeDomain)' },
  attributes: { Name: 'uid', PrimarySmtpAddress: 'mail', DisplayName: 'cn' },
  emailAddresses: ['mail', 'acmeAlias'],
  switches: { attribute: 'acmeService', protocols: { pop3: ['pop3', 'pop3s'], imap: ['imap'], owa: { follows: 'imap' }, smtp: ['smtp'], sieve: ['sieve'] } },
};

const parsed = (value: unknown): ReturnType<typeof parseProfile> => parseProfile(value, '/etc/casctl/config.json');
const refused = (value: unknown, message: RegExp): void => assert.throws(() => parsed(value), (e: unknown) => e instanceof ConfigError && message.test(e.message));

test('the iredmail profile maps every protocol of the registry; OWA follows IMAP4; each of the others moves its whole iRedMail set', () => {
  for (const protocol of PROTOCOLS) assert.ok(IREDMAIL_PROFILE.switches.protocols[protocol.name] !== undefined, protocol.name);
  assert.deepEqual(switchValues(IREDMAIL_PROFILE, 'pop3'), ['pop3', 'pop3secured', 'pop3tls']);
  assert.equal(switchValues(IREDMAIL_PROFILE, 'owa'), null);
  assert.equal(switchOwner(IREDMAIL_PROFILE, 'owa'), 'imap');
  assert.deepEqual(mappedAttributes(IREDMAIL_PROFILE).get('enabledService'), 'the protocol switches');
  assert.equal(IREDMAIL_PROFILE.administrator, null);
});

test('the generic profile form: a valid one is the mapping; the entryUUID is the default Guid', () => {
  const mapping = parsed(GENERIC);
  assert.ok(typeof mapping !== 'string');
  assert.equal(mapping.profile, 'acme');
  assert.equal(mapping.guid, 'entryUUID');
  assert.equal(mapping.attributes.SamAccountName, null);
  assert.deepEqual(mapping.switches.protocols.owa, { follows: 'imap' });
  assert.equal(mapping.ownsEntries, false);
  assert.equal(parsed('iredmail'), 'iredmail');
});

test('the generic profile form: every mistake names its key', () => {
  const root = /^The configuration file '\/etc\/casctl\/config\.json': "ldap\.profile/;
  refused({ ...GENERIC, colour: 'red' }, /"ldap\.profile": unknown key "colour"; known: "name"/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, protocols: { pop3: ['pop3'] } } }, /"ldap\.profile"\.switches\.protocols must map every protocol; missing: "imap", "owa", "smtp", "sieve"/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, protocols: { ...GENERIC.switches.protocols, pop: ['x'] } } }, /switches\.protocols: unknown key "pop"/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, protocols: { ...GENERIC.switches.protocols, smtp: ['imap'] } } }, /switches\.protocols\.smtp: the value "imap" is also imap's/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, protocols: { ...GENERIC.switches.protocols, owa: { follows: 'owa' } } } }, /protocols\.owa\.follows must name another protocol/);
  refused({ ...GENERIC, switches: { ...GENERIC.switches, protocols: { ...GENERIC.switches.protocols, sieve: [] } } }, /protocols\.sieve must be a non-empty list/);
  refused({ ...GENERIC, mailboxes: { ...GENERIC.mailboxes, filter: 'objectClass=acmeUser' } }, /mailboxes\.filter must be an LDAP filter in parentheses/);
  refused({ ...GENERIC, mailboxes: { ...GENERIC.mailboxes, filter: '(a=b))(' } }, /mailboxes\.filter: unbalanced '\)' at character 6/);
  refused({ ...GENERIC, organizationalUnits: { ...GENERIC.organizationalUnits, scope: 'sub' } }, /organizationalUnits\.scope must be "one"/);
  refused({ ...GENERIC, mailboxes: { ...GENERIC.mailboxes, base: 'not a dn' } }, /mailboxes\.base must be a DN relative to the store's base DN/);
  refused({ ...GENERIC, attributes: { DisplayName: 'cn' } }, /attributes\.Name is required/);
  refused({ ...GENERIC, attributes: { ...GENERIC.attributes, Title: 'bad name!' } }, /attributes\.Title must be an LDAP attribute name/);
  refused({ ...GENERIC, attributes: { ...GENERIC.attributes, Nickname: 'x' } }, /attributes: unknown key "Nickname"/);
  refused({ ...GENERIC, emailAddresses: [] }, /emailAddresses must be a non-empty list/);
  refused({ ...GENERIC, administrator: { attribute: 'role' } }, /administrator\.value must be a non-empty string/);
  refused('', root);
});

test('which mapping opens the store: cn=casctl records the profile, and a configuration or option naming another is refused', () => {
  const url = 'ldap://h:389/dc=x,dc=y';
  assert.equal(chooseMapping({}, url), CASCTL_MAPPING);
  assert.equal(chooseMapping({ recorded: null }, url), CASCTL_MAPPING);
  assert.equal(chooseMapping({ option: 'iredmail' }, url), IREDMAIL_PROFILE);
  assert.equal(chooseMapping({ recorded: 'iredmail' }, url), IREDMAIL_PROFILE, 'no option needed after init');
  const acme = parsed(GENERIC);
  assert.equal(chooseMapping({ configured: acme, recorded: 'acme' }, url), acme);
  assert.equal(chooseMapping({ option: 'ACME', configured: acme }, url), acme);
  const fails = (sources: Parameters<typeof chooseMapping>[0], message: RegExp): void =>
    assert.throws(() => chooseMapping(sources, url), (e: unknown) => e instanceof StoreError && message.test(e.message));
  fails({ option: 'nosuch' }, /There is no LDAP profile 'nosuch' for ldap:\/\/h:389\/dc=x,dc=y: casctl has 'iredmail'/);
  fails({ recorded: 'acme' }, /no LDAP profile 'acme'.*"ldap": \{ "profile": \{ "name": "acme"/);
  fails({ option: 'iredmail', recorded: null }, /holds casctl's own schema, not a directory mapped by the profile 'iredmail'/);
  fails({ configured: acme, recorded: 'iredmail' }, /was set up with the LDAP profile 'iredmail'.*the profile 'acme' would read it otherwise/);
  fails({ option: 'iredmail', configured: acme }, /--profile iredmail and the configuration file's "ldap\.profile" \('acme'\) disagree/);
});

test('what a profile has no place for: OWA follows IMAP4, SMTP AUTH cannot be $null; casctl\'s own schema takes every value', () => {
  assert.match(unwritableSetting(IREDMAIL_PROFILE, 'OWAEnabled', false) ?? '', /no switch of its own for OWA \(OWAEnabled\): it reads as IMAP4 \(ImapEnabled\)/);
  assert.match(unwritableSetting(IREDMAIL_PROFILE, 'SmtpClientAuthenticationDisabled', null) ?? '', /holds SmtpClientAuthenticationDisabled in the enabledService values alone/);
  assert.equal(unwritableSetting(IREDMAIL_PROFILE, 'SmtpClientAuthenticationDisabled', true), null);
  assert.equal(unwritableSetting(IREDMAIL_PROFILE, 'PopEnabled', false), null);
  for (const protocol of PROTOCOLS) assert.equal(unwritableSetting(CASCTL_MAPPING, protocol.property, null), null);
});

test("filters push down through the profile's attributes; what it lacks is left to the client-side check", () => {
  const attributes = propertyAttributes(IREDMAIL_PROFILE);
  const sent = (filter: string): string => pushdownFilter(parseFilter(filter), attributes);
  assert.equal(sent('PopEnabled -eq $true'), '(&(enabledService=pop3)(enabledService=pop3secured)(enabledService=pop3tls))');
  assert.equal(sent('OWAEnabled -eq $false'), '(!(&(enabledService=imap)(enabledService=imapsecured)(enabledService=imaptls)))');
  assert.equal(sent("DisplayName -eq 'Alice'"), '(cn=Alice)');
  assert.equal(sent("SamAccountName -eq 'alice'"), '(objectClass=*)', 'no attribute: every mailbox, re-checked');
  assert.equal(sent("EmailAddresses -eq 'a@x.y'"), '(objectClass=*)', 'two attributes: re-checked client-side');
});

test("a profile's OU is the entry one level below its OU base, wherever below it the mailbox lies", () => {
  const layout = new DirectoryLayout('dc=iredmail,dc=test', IREDMAIL_PROFILE);
  assert.deepEqual(layout.nameAndContainer('mail=a@example.com,ou=Users,domainName=example.com,o=domains,dc=iredmail,dc=test'), {
    name: 'a@example.com',
    container: 'iredmail.test/domains/example.com',
  });
  assert.deepEqual(layout.nameAndContainer('mail=b@example.com,ou=Other,dc=iredmail,dc=test').container, 'iredmail.test', 'outside the OU base: the base');
  assert.equal(new DirectoryLayout('dc=x,dc=y').nameAndContainer('cn=A,ou=Sales,dc=x,dc=y').container, 'x.y/Sales', "casctl's schema: the parent");
});
