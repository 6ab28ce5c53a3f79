import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROTOCOLS, perCasSetting } from '../../../src/core/protocols.js';
import { LdapEntry } from '../../../src/store/ldap/connection.js';
import { entryToMailbox, recordAttributes } from '../../../src/store/ldap/entries.js';
import { DirectoryLayout } from '../../../src/store/ldap/layout.js';
import { ENABLED_SERVICE_VALUE, USE_DEFAULTS_ATTRIBUTE, enablesProtocol } from '../../../src/store/ldap/protocol-values.js';

const layout = new DirectoryLayout('dc=tailspintoys,dc=com');
const dn = 'cn=Rand Zaher,ou=Users,dc=tailspintoys,dc=com';
const entry = (attributes: Record<string, string[]>): LdapEntry => new LdapEntry(dn, { dn, ...attributes });

test('every protocol has its own casEnabledService value and UseProtocolDefaults attribute', () => {
  const values = PROTOCOLS.map((p) => ENABLED_SERVICE_VALUE[p.name]);
  const attributes = PROTOCOLS.map((p) => USE_DEFAULTS_ATTRIBUTE[p.name]);
  assert.equal(new Set(values).size, PROTOCOLS.length);
  assert.equal(new Set(attributes.map((a) => a.toLowerCase())).size, PROTOCOLS.length);
});

test("a protocol is enabled by its value in any case, and by no other protocol's", () => {
  for (const protocol of PROTOCOLS) {
    const value = ENABLED_SERVICE_VALUE[protocol.name];
    assert.equal(enablesProtocol(entry({ casEnabledService: [value.toUpperCase()] }), protocol), true, protocol.name);
    assert.equal(enablesProtocol(entry({}), protocol), false, protocol.name);
    const others = PROTOCOLS.filter((p) => p !== protocol).map((p) => ENABLED_SERVICE_VALUE[p.name]);
    assert.equal(enablesProtocol(entry({ casEnabledService: others }), protocol), false, protocol.name);
  }
});

test('an entry reads and an import writes each protocol through the map', () => {
  for (const protocol of PROTOCOLS) {
    const mailbox = entryToMailbox(
      entry({ casGuid: ['g'], casEnabledService: [ENABLED_SERVICE_VALUE[protocol.name]], [USE_DEFAULTS_ATTRIBUTE[protocol.name]]: ['FALSE'] }),
      layout,
    );
    for (const p of PROTOCOLS) {
      assert.equal(mailbox[p.property], p === protocol, `${protocol.name} enabled: ${p.property}`);
      assert.equal(mailbox[p.useDefaultsProperty], p !== protocol, `${protocol.name} without defaults: ${p.useDefaultsProperty}`);
    }
  }
  const administrator = entryToMailbox(
    entry({ casGuid: ['g'], casAdministrator: ['TRUE'], casEnabledService: PROTOCOLS.map((p) => ENABLED_SERVICE_VALUE[p.name]) }),
    layout,
  );
  for (const p of PROTOCOLS) assert.equal(administrator[p.property], false, p.property);

  const record = {
    Guid: null, DistinguishedName: null, Name: 'n', DisplayName: 'd', Alias: 'a', SamAccountName: 's', UserPrincipalName: 'u@x.y',
    PrimarySmtpAddress: 'p@x.y', EmailAddresses: ['p@x.y'], OrganizationalUnit: 'x.y/A', Department: null, Title: null, Company: null,
    Office: null, City: null, StateOrProvince: null, CountryOrRegion: null, CustomAttributes: [], RecipientTypeDetails: 'UserMailbox' as const,
    Password: null,
  };
  for (const protocol of PROTOCOLS) {
    const written = recordAttributes({ ...record, ...perCasSetting((p) => p === protocol) }, 'g', true);
    assert.deepEqual(written.casEnabledService, [ENABLED_SERVICE_VALUE[protocol.name]], protocol.name);
    for (const p of PROTOCOLS) assert.deepEqual(written[USE_DEFAULTS_ATTRIBUTE[p.name]], ['TRUE'], p.name);
  }
});
