import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mailboxMatches, PROPERTIES } from '../../../src/core/properties.js';
import { escapeValue as escapeLdapValue, filterToLdap } from '../../../src/store/ldap/filter-to-ldap.js';
import { propertyAttribute } from '../../../src/store/ldap/property-attributes.js';
import { exampleMailbox } from '../../helpers/filter/directory.js';
import { EXAMPLE_CASES, EXAMPLE_ENTRIES } from '../../helpers/filter/examples.js';
import { ldapEntry, matchesLdap, parseLdapFilter } from '../../helpers/filter/ldap-matcher.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';

const ldap = (filter: string) => filterToLdap(parseFilter(filter));

describe('filterToLdap', () => {
  const cases: [string, string, boolean][] = [
    ["Name -eq 'Ann'", '(cn=Ann)', true],
    ["Name -ne 'Ann'", '(!(cn=Ann))', true],
    ["Department -like 'Eng*'", '(departmentNumber=Eng*)', true],
    ["Department -like '*ab*cd*'", '(departmentNumber=*ab*cd*)', true],
    ["Department -like 'a**b'", '(departmentNumber=a*b)', true],
    ["Department -like '**'", '(departmentNumber=*)', true],
    ["Department -like 'plain'", '(departmentNumber=plain)', true],
    ["Department -notlike '*x'", '(!(departmentNumber=*x))', true],
    ['Department -eq $null', '(!(departmentNumber=*))', true],
    ["Department -ne ''", '(departmentNumber=*)', true],
    ["Name -le 'm'", '(cn<=m)', true],
    ["Name -ge 'm'", '(cn>=m)', true],
    ["Name -lt 'm'", '(&(cn<=m)(!(cn=m)))', true],
    ["Name -gt 'm'", '(&(cn>=m)(!(cn=m)))', true],
    ['CustomAttribute2 -eq 3.10', '(casCustomAttribute2=3.1)', true],
    ["EmailAddresses -eq 'SMTP:ann@contoso.com'", '(casEmailAddress=ann@contoso.com)', true],
    // "Some value > v" has no exact LDAP form on a multi-valued attribute.
    ["EmailAddresses -gt 'm'", '(casEmailAddress>=m)', false],
    ["-not (EmailAddresses -gt 'm')", '(!(&(casEmailAddress>=m)(!(casEmailAddress=m))))', false],
    // The Administrator reads as disabled.
    ['PopEnabled -eq $true', '(&(casEnabledService=pop3)(!(casAdministrator=TRUE)))', true],
    ['PopEnabled -eq $false', '(!(&(casEnabledService=pop3)(!(casAdministrator=TRUE))))', true],
    [
      'PopEnabled -eq `$false -and ImapEnabled -eq `$false',
      '(&(!(&(casEnabledService=pop3)(!(casAdministrator=TRUE))))(!(&(casEnabledService=imap)(!(casAdministrator=TRUE)))))',
      true,
    ],
    ['ImapEnabled -eq $null', '(!(objectClass=*))', true],
    ['ImapEnabled -ne $null', '(objectClass=*)', true],
    ['PopUseProtocolDefaults -eq $true', '(casPopUseProtocolDefaults=TRUE)', true],
    ['PopUseProtocolDefaults -eq $false', '(!(casPopUseProtocolDefaults=TRUE))', true],
    // Not expressible in LDAP: widened to a superset, even under -not.
    ["RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'", '(&(departmentNumber=Engineering*)(st=WA))', false],
    ["OrganizationalUnit -eq 'x'", '(objectClass=*)', false],
    ["OrganizationalUnit -ne 'x'", '(objectClass=*)', false],
    ["-not (OrganizationalUnit -eq 'x')", '(objectClass=*)', false],
    ["Name -eq 'a' -and -not (WhenCreated -lt '2026-01-01')", '(cn=a)', false],
    ["Name -eq 'a' -or DistinguishedName -like 'CN=a*'", '(objectClass=*)', false],
    ["-not (Name -eq 'a' -or WhenChanged -gt '2026-01-01')", '(!(cn=a))', false],
    ["-not (Name -eq 'a' -and WhenChanged -gt '2026-01-01')", '(objectClass=*)', false],
    ["-not -not (Name -eq 'a' -and WhenChanged -gt '2026-01-01')", '(cn=a)', false],
    // Escaping: the user's text never becomes filter syntax.
    ["Name -eq '*)(uid=*'", '(cn=\\2a\\29\\28uid=\\2a)', true],
    ["Name -like '*)(uid=*'", '(cn=*\\29\\28uid=*)', true],
    ["Name -eq 'a\\b'", '(cn=a\\5cb)', true],
    ["Name -eq 'Émile (Paris)'", '(cn=Émile \\28Paris\\29)', true],
    ["Name -eq '))(|(objectClass=*'", '(cn=\\29\\29\\28|\\28objectClass=\\2a)', true],
  ];
  for (const [filter, expected, exact] of cases) {
    it(filter, () => {
      const result = ldap(filter);
      assert.deepEqual(result, { filter: expected, exact });
      parseLdapFilter(result.filter); // well-formed RFC 4515
    });
  }

  it('escapes the RFC 4515 specials and NUL', () => {
    assert.equal(escapeLdapValue('a*b(c)d\\e\0f'), 'a\\2ab\\28c\\29d\\5ce\\00f');
    assert.equal(escapeLdapValue('zoë 😀'), 'zoë 😀');
  });

  it('keeps the injection payload a literal when matched', () => {
    const victim = ldapEntry(exampleMailbox(1, { Name: 'victim' }));
    const literal = ldapEntry(exampleMailbox(2, { Name: '*)(uid=*' }));
    const filter = parseLdapFilter(ldap("Name -eq '*)(uid=*'").filter);
    assert.equal(matchesLdap(filter, victim), false);
    assert.equal(matchesLdap(filter, literal), true);
  });

  it('needs the client-side re-check exactly when it says so', () => {
    const entries = [
      exampleMailbox(1, { Department: 'Engineering', StateOrProvince: 'WA', RecipientTypeDetails: 'SharedMailbox' }),
      exampleMailbox(2, { Department: 'Engineering', StateOrProvince: 'WA', OrganizationalUnit: 'x.com/Other' }),
    ];
    const ast = parseFilter("Department -eq 'Engineering' -and OrganizationalUnit -like '*/North America/*'");
    const { filter, exact } = filterToLdap(ast);
    assert.equal(exact, false);
    const fromLdap = entries.filter((e) => matchesLdap(parseLdapFilter(filter), ldapEntry(e)));
    assert.equal(fromLdap.length, 2);
    assert.deepEqual(
      fromLdap.filter((e) => mailboxMatches(ast, e.mailbox)).map((e) => e.mailbox.Guid),
      [entries[0]?.mailbox.Guid],
    );
  });
});

describe('filterToLdap for a protocol with several casEnabledService values', () => {
  // SMTP AUTH will cover two Dovecot services: PopEnabled stands in for it, held in both values.
  const twoValues = (filter: string) =>
    filterToLdap(parseFilter(filter), (node) => (node.property.name === 'PopEnabled' ? { enabledServices: ['smtp', 'submission'], switchAttribute: 'casEnabledService', administrator: 'refused' as const, administratorMarker: { attribute: 'casAdministrator', value: 'TRUE' } } : propertyAttribute(node.property.name)));
  const held = (services: string[], administrator = false) =>
    new Map([
      ['casenabledservice', services],
      ['casadministrator', [administrator ? 'TRUE' : 'FALSE']],
    ]);

  it('enabled is every value present and not the Administrator; disabled is its exact negation', () => {
    const enabled = '(&(casEnabledService=smtp)(casEnabledService=submission)(!(casAdministrator=TRUE)))';
    assert.deepEqual(twoValues('PopEnabled -eq $true'), { filter: enabled, exact: true });
    assert.deepEqual(twoValues('PopEnabled -eq $false'), { filter: `(!${enabled})`, exact: true });
    assert.deepEqual(twoValues('PopEnabled -ne $true'), { filter: `(!${enabled})`, exact: true });
    assert.deepEqual(twoValues('PopEnabled -eq $null'), { filter: '(!(objectClass=*))', exact: true });
    assert.deepEqual(twoValues('-not (PopEnabled -eq $true) -and ImapEnabled -eq $true'), {
      filter: `(&(!${enabled})(casEnabledService=imap)(!(casAdministrator=TRUE)))`,
      exact: true,
    });
  });

  it('matches an entry holding only some of the values as disabled', () => {
    const on = parseLdapFilter(twoValues('PopEnabled -eq $true').filter);
    const off = parseLdapFilter(twoValues('PopEnabled -eq $false').filter);
    const entries: [Map<string, string[]>, boolean][] = [
      [held(['SMTP', 'submission']), true],
      [held(['smtp']), false],
      [held(['submission', 'imap']), false],
      [held([]), false],
      [held(['smtp', 'submission'], true), false],
    ];
    for (const [entry, enabled] of entries) {
      assert.equal(matchesLdap(on, entry), enabled, JSON.stringify([...entry]));
      assert.equal(matchesLdap(off, entry), !enabled, JSON.stringify([...entry]));
    }
  });
});

describe('filterToLdap on the example directory', () => {
  const names = (selected: typeof EXAMPLE_ENTRIES) => selected.map((e) => e.mailbox.Name);
  for (const [filter, expected] of EXAMPLE_CASES) {
    it(filter, () => {
      const ast = parseFilter(filter);
      const { filter: text, exact } = filterToLdap(ast);
      const parsed = parseLdapFilter(text);
      const fromLdap = EXAMPLE_ENTRIES.filter((e) => matchesLdap(parsed, ldapEntry(e)));
      const rechecked = exact ? fromLdap : fromLdap.filter((e) => mailboxMatches(ast, e.mailbox));
      assert.deepEqual(names(rechecked), expected, text);
    });
  }
});

describe('property attributes', () => {
  it('map every mailbox property', () => {
    for (const property of PROPERTIES) assert.doesNotThrow(() => propertyAttribute(property.name), property.name);
    assert.throws(() => propertyAttribute('Nonsense'), /no mapping for the property 'Nonsense'/);
  });
});
