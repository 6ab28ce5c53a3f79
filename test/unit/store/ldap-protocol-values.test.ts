import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS, isNullable, perCasSetting, type CasSettingValues, type Protocol } from '../../../src/core/protocols.js';
import { LdapEntry } from '../../../src/store/ldap/connection.js';
import { recordAttributes } from '../../../src/store/ldap/entries.js';
import { entryToMailbox } from '../../../src/store/ldap/mailbox-projection.js';
import { DirectoryLayout } from '../../../src/store/ldap/layout.js';
import {
  ENABLED_SERVICE_VALUES, USE_DEFAULTS_ATTRIBUTE, enablesProtocol, holdsAll, protocolValuesHeld, serviceValuesModification, type ServiceValues,
} from '../../../src/store/ldap/protocol-values.js';

const layout = new DirectoryLayout('dc=tailspintoys,dc=com');
const dn = 'cn=Rand Zaher,ou=Users,dc=tailspintoys,dc=com';
const entry = (attributes: Record<string, string[]>): LdapEntry => new LdapEntry(dn, { dn, ...attributes });

test('every protocol has its own casEnabledService value and UseProtocolDefaults attribute', () => {
  const values = PROTOCOLS.flatMap((p) => ENABLED_SERVICE_VALUES[p.name]);
  const attributes = USE_DEFAULTS_PROTOCOLS.map((p) => USE_DEFAULTS_ATTRIBUTE[p.name]);
  for (const protocol of PROTOCOLS) assert.ok(ENABLED_SERVICE_VALUES[protocol.name].length > 0, protocol.name);
  assert.equal(new Set(values.map((v) => v.toLowerCase())).size, values.length);
  assert.ok(values.length >= PROTOCOLS.length);
  assert.equal(new Set(attributes.map((a) => a.toLowerCase())).size, USE_DEFAULTS_PROTOCOLS.length);
});

test("a protocol is enabled by its values in any case, and by no other protocol's", () => {
  for (const protocol of PROTOCOLS) {
    const values = ENABLED_SERVICE_VALUES[protocol.name];
    assert.equal(enablesProtocol(entry({ casEnabledService: values.map((v) => v.toUpperCase()) }), protocol), true, protocol.name);
    assert.equal(enablesProtocol(entry({}), protocol), false, protocol.name);
    const others = PROTOCOLS.filter((p) => p !== protocol).flatMap((p) => ENABLED_SERVICE_VALUES[p.name]);
    assert.equal(enablesProtocol(entry({ casEnabledService: others }), protocol), false, protocol.name);
  }
});

const defaultsOff = (protocol: Protocol): Record<string, string[]> =>
  'useDefaultsProperty' in protocol ? { [USE_DEFAULTS_ATTRIBUTE[protocol.name]]: ['FALSE'] } : {};

/** The protocols whose setting is their casEnabledService values (a nullable one is its own attribute, below). */
const PLAIN = PROTOCOLS.filter((p) => !isNullable(p));

test('an entry reads and an import writes each protocol through the map', () => {
  for (const protocol of PLAIN) {
    const mailbox = entryToMailbox(
      entry({ casGuid: ['g'], casEnabledService: [...ENABLED_SERVICE_VALUES[protocol.name]], ...defaultsOff(protocol) }),
      layout,
    );
    for (const p of PLAIN) assert.equal(mailbox[p.property], p === protocol, `${protocol.name} enabled: ${p.property}`);
    for (const p of USE_DEFAULTS_PROTOCOLS) {
      assert.equal(mailbox[p.useDefaultsProperty], p !== protocol, `${protocol.name} without defaults: ${p.useDefaultsProperty}`);
    }
  }
  const administrator = entryToMailbox(
    entry({ casGuid: ['g'], casAdministrator: ['TRUE'], casEnabledService: PROTOCOLS.flatMap((p) => ENABLED_SERVICE_VALUES[p.name]) }),
    layout,
  );
  // Enabled in the entry: the Administrator reads disabled exactly where the rule covers the protocol.
  for (const p of PLAIN) assert.equal(administrator[p.property], p.administrator === 'allowed', p.property);

  const record = {
    Guid: null, DistinguishedName: null, Name: 'n', DisplayName: 'd', Alias: 'a', SamAccountName: 's', UserPrincipalName: 'u@x.y',
    PrimarySmtpAddress: 'p@x.y', EmailAddresses: ['p@x.y'], OrganizationalUnit: 'x.y/A', Department: null, Title: null, Company: null,
    Office: null, City: null, StateOrProvince: null, CountryOrRegion: null, CustomAttributes: [], RecipientTypeDetails: 'UserMailbox' as const,
    Password: null,
  };
  // SMTP AUTH: disabled ($true) for each, so only the protocol under test holds values.
  for (const protocol of PLAIN) {
    const written = recordAttributes({ ...record, ...(perCasSetting((p) => (isNullable(p) ? true : p === protocol)) as CasSettingValues) }, 'g', true);
    assert.deepEqual(written.casEnabledService, ENABLED_SERVICE_VALUES[protocol.name], protocol.name);
    for (const p of USE_DEFAULTS_PROTOCOLS) assert.deepEqual(written[USE_DEFAULTS_ATTRIBUTE[p.name]], ['TRUE'], p.name);
  }
});

test('SmtpClientAuthenticationDisabled reads as its attribute, TRUE, FALSE or absent ($null), whatever casEnabledService holds', () => {
  const services = { casEnabledService: ['smtp', 'submission'] };
  const read = (attributes: Record<string, string[]>): boolean | null => entryToMailbox(entry({ casGuid: ['g'], ...attributes }), layout).SmtpClientAuthenticationDisabled;
  assert.deepEqual(
    [read({ ...services, casSmtpClientAuthenticationDisabled: ['TRUE'] }), read({ casSmtpClientAuthenticationDisabled: ['false'] }), read(services), read({})],
    [true, false, null, null],
  );
});

test('a created entry holds the SMTP AUTH setting as given and the values the setting or the organisation default make it', () => {
  const record = {
    Guid: null, DistinguishedName: null, Name: 'n', DisplayName: 'd', Alias: 'a', SamAccountName: 's', UserPrincipalName: 'u@x.y',
    PrimarySmtpAddress: 'p@x.y', EmailAddresses: ['p@x.y'], OrganizationalUnit: 'x.y/A', Department: null, Title: null, Company: null,
    Office: null, City: null, StateOrProvince: null, CountryOrRegion: null, CustomAttributes: [], RecipientTypeDetails: 'UserMailbox' as const,
    Password: null, PopEnabled: false, ImapEnabled: false, OWAEnabled: false, ManageSieveEnabled: false,
  };
  const written = (value: boolean | null, organizationDisables: boolean): [string[] | undefined, string[] | undefined] => {
    const attributes = recordAttributes({ ...record, SmtpClientAuthenticationDisabled: value }, 'g', true, { SmtpClientAuthenticationDisabled: organizationDisables });
    return [attributes.casSmtpClientAuthenticationDisabled, attributes.casEnabledService];
  };
  assert.deepEqual(written(null, false), [[], ['smtp', 'submission']]);
  assert.deepEqual(written(null, true), [[], []]);
  assert.deepEqual(written(false, true), [['FALSE'], ['smtp', 'submission']]);
  assert.deepEqual(written(true, false), [['TRUE'], []]);
  // An update's attributes leave the setting to applyCasChanges, which writes it with its values.
  assert.equal(recordAttributes({ ...record, SmtpClientAuthenticationDisabled: true }, 'g', false).casSmtpClientAuthenticationDisabled, undefined);
});

// SMTP AUTH covers two Dovecot services; these hold the rules for a protocol with several values.
const SMTP: ServiceValues = ['smtp', 'submission'];

test('a protocol with several values is enabled only while the entry holds all of them, in any case', () => {
  assert.equal(holdsAll(entry({ casEnabledService: ['pop3', 'SMTP', 'Submission'] }), SMTP), true);
  assert.equal(holdsAll(entry({ casEnabledService: ['submission', 'smtp'] }), SMTP), true);
  // Some of them is drift (casctl writes them together): it reads as disabled.
  assert.equal(holdsAll(entry({ casEnabledService: ['smtp'] }), SMTP), false);
  assert.equal(holdsAll(entry({ casEnabledService: ['submission', 'imap'] }), SMTP), false);
  assert.equal(holdsAll(entry({}), SMTP), false);
});

test('enabling adds the values the entry lacks, so a partly enabled entry is repaired; disabling deletes them all', () => {
  const none = entry({ casEnabledService: ['imap'] });
  assert.deepEqual(serviceValuesModification(none, SMTP, true), { operation: 'add', attribute: 'casEnabledService', values: ['smtp', 'submission'] });
  const partly = entry({ casEnabledService: ['imap', 'SMTP'] });
  assert.deepEqual(serviceValuesModification(partly, SMTP, true), { operation: 'add', attribute: 'casEnabledService', values: ['submission'] });
  const all = entry({ casEnabledService: ['smtp', 'submission'] });
  assert.deepEqual(serviceValuesModification(all, SMTP, false), { operation: 'delete', attribute: 'casEnabledService', values: ['smtp', 'submission'] });
  for (const protocol of PROTOCOLS) {
    const values = ENABLED_SERVICE_VALUES[protocol.name];
    assert.deepEqual(serviceValuesModification(entry({}), values, true), { operation: 'add', attribute: 'casEnabledService', values }, protocol.name);
    assert.deepEqual(serviceValuesModification(entry({ casEnabledService: [...values] }), values, false), { operation: 'delete', attribute: 'casEnabledService', values }, protocol.name);
  }
});

test("the values an import takes from the Administrator's entry: every protocol's, as the entry spells them, and nothing else", () => {
  const map = { pop3: ['pop3'], smtp: SMTP } as const;
  const administrator = entry({ casEnabledService: ['POP3', 'Submission', 'smtp', 'carddav'] });
  assert.deepEqual(protocolValuesHeld(administrator, map), ['POP3', 'Submission', 'smtp']);
  assert.deepEqual(protocolValuesHeld(entry({ casEnabledService: ['imap', 'pop3', 'carddav'] })), ['imap', 'pop3']);
  assert.deepEqual(protocolValuesHeld(entry({})), []);
});
