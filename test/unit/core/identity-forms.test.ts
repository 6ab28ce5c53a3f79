import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesIdentity, parseIdentity, type IdentityFields } from '../../../src/core/identity-forms.js';

const JUERGEN: IdentityFields = {
  Guid: '6f1c2e0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  DistinguishedName: 'CN=J. Schmidt,OU=Engineering,OU=North America,DC=tailspintoys,DC=com',
  Name: 'J. Schmidt',
  DisplayName: 'Jürgen Schmidt',
  Alias: 'jschmidt',
  SamAccountName: 'jürgen.s',
  UserPrincipalName: 'jürgen.s@tailspintoys.com',
  PrimarySmtpAddress: 'j.schmidt@tailspintoys.com',
  EmailAddresses: ['j.schmidt@tailspintoys.com', 'js@tailspintoys.net'],
  OrganizationalUnit: 'tailspintoys.com/North America/Engineering',
};

test('parseIdentity tells the forms a text may be', () => {
  const cases: [string, boolean, Partial<Record<'guid' | 'address' | 'ascii' | 'dn' | 'wildcard', boolean>> & { canonical?: [string, string]; account?: [string, string] }][] = [
    ['Rand Zaher', false, { ascii: true }],
    ['  rzaher@tailspintoys.com ', false, { address: true, ascii: true }],
    ['6F1C2E0A-3B4D-4E5F-8A9B-0C1D2E3F4A5B', false, { guid: true, ascii: true }],
    ['CN=Rand Zaher,OU=Engineering,DC=tailspintoys,DC=com', false, { dn: true, ascii: true }],
    ['tailspintoys.com/North America/Rand Zaher', false, { ascii: true, canonical: ['tailspintoys.com/North America', 'Rand Zaher'] }],
    ['TAILSPINTOYS\\rzaher', false, { ascii: true, account: ['TAILSPINTOYS', 'rzaher'] }],
    ['a\\b\\c', false, { ascii: true }],
    ['Zoë Müller', false, {}],
    ['jür*', true, { wildcard: true }],
    ['jür*', false, {}],
    ['tailspintoys.com/Users/', false, { ascii: true }],
  ];
  for (const [text, wildcards, expected] of cases) {
    const forms = parseIdentity(text, wildcards);
    assert.ok(forms, text);
    assert.equal(forms.guid, expected.guid ?? false, `${text} guid`);
    assert.equal(forms.address, expected.address ?? false, `${text} address`);
    assert.equal(forms.ascii, expected.ascii ?? false, `${text} ascii`);
    assert.equal(forms.distinguishedName !== null, expected.dn ?? false, `${text} dn`);
    assert.equal(forms.wildcard !== null, expected.wildcard ?? false, `${text} wildcard`);
    assert.deepEqual(forms.canonical === null ? undefined : [forms.canonical.ou, forms.canonical.name], expected.canonical, `${text} canonical`);
    assert.deepEqual(forms.domainAccount === null ? undefined : [forms.domainAccount.domain, forms.domainAccount.samAccountName], expected.account, `${text} account`);
  }
  assert.equal(parseIdentity('   ', false), null);
});

test('matchesIdentity: every form, case-insensitively beyond ASCII too', () => {
  const cases: [string, boolean, boolean][] = [
    ['J. Schmidt', false, true],
    ['j. schmidt', false, true],
    ['JSCHMIDT', false, true],
    ['JÜRGEN.S', false, true],
    ['Jürgen.S@Tailspintoys.com', false, true],
    ['JS@TAILSPINTOYS.NET', false, true],
    ['6F1C2E0A-3B4D-4E5F-8A9B-0C1D2E3F4A5B', false, true],
    ['cn=j. schmidt, ou=engineering,ou=north america,dc=tailspintoys,dc=com', false, true],
    ['CN=J. Schmidt,OU=Sales,OU=North America,DC=tailspintoys,DC=com', false, false],
    ['TAILSPINTOYS.COM/north america/engineering/j. schmidt', false, true],
    ['tailspintoys.com/Europe/J. Schmidt', false, false],
    ['TAILSPINTOYS\\JÜRGEN.S', false, true],
    ['tailspintoys.com\\jürgen.s', false, true],
    ['CONTOSO\\jürgen.s', false, false],
    // The display name is for wildcards only; text with an `@` is an address or a UPN.
    ['Jürgen Schmidt', false, false],
    ['jür*', true, true],
    ['JÜR*', true, true],
    ['*schmidt', true, true],
    // Only the SamAccountName ends so.
    ['*EN.S', true, true],
    ['JÜRGEN.S@*', true, true],
    ['*@tailspintoys.net', true, true],
    ['*tailspintoys.com/*', true, false],
    ['6f1c*', true, false],
    ['jür*', false, false],
    ['j*', false, false],
  ];
  for (const [text, wildcards, expected] of cases) {
    const forms = parseIdentity(text, wildcards);
    assert.ok(forms, text);
    assert.equal(matchesIdentity(JUERGEN, forms), expected, text);
  }
});

test('an address-like text is compared with the addresses and the UPN only', () => {
  const forms = parseIdentity('odd@name', false);
  assert.ok(forms);
  assert.equal(matchesIdentity({ ...JUERGEN, Name: 'odd@name' }, forms), false);
  assert.equal(matchesIdentity({ ...JUERGEN, UserPrincipalName: 'odd@name' }, forms), true);
});
