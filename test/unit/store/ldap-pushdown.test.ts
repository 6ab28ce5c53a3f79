import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { pushdownFilter } from '../../../src/store/ldap/pushdown.js';

/** What the LDAP store sends for a filter: a superset the server cannot get wrong, re-checked client-side. */
const cases: [string, string][] = [
  // The article's filter: exact on any server, pushed down as it is.
  [
    "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'",
    '(&(departmentNumber=Engineering*)(st=WA))',
  ],
  // Protocol flags are exact, negated or not.
  [
    'PopEnabled -eq $false -and ImapEnabled -eq $false',
    '(&(!(&(casEnabledService=pop3)(!(casAdministrator=TRUE))))(!(&(casEnabledService=imap)(!(casAdministrator=TRUE)))))',
  ],
  ['Department -eq $null', '(!(departmentNumber=*))'],
  // The server's matching is looser (spaces, Unicode folding): fine for a superset, not under NOT.
  ["Department -ne 'Sales'", '(objectClass=*)'],
  ["-not (Name -like 'Rand*')", '(objectClass=*)'],
  ["-not (Department -ne 'Sales')", '(departmentNumber=Sales)'],
  // Non-ASCII and spaces become wildcards; the client re-check restores exactness.
  ["Name -eq 'Zoë Müller'", '(cn=Zo*M*ller)'],
  ["Name -like 'Chris G*'", '(cn=Chris*G*)'],
  ["Name -eq 'Rand Zaher'", '(cn=Rand Zaher)'],
  // No ORDERING rule on cn: orderings are Undefined on the server, so they are widened.
  ["Name -lt 'B'", '(objectClass=*)'],
  ["Name -lt 'B' -and Department -eq 'IT'", '(departmentNumber=IT)'],
  // Absent casPopUseProtocolDefaults reads as true: the attribute alone cannot say.
  ['PopUseProtocolDefaults -eq $true', '(objectClass=*)'],
  // Injection attempts stay values.
  ["Name -eq '*)(uid=*'", '(cn=\\2a\\29\\28uid=\\2a)'],
  ["Name -like \"x') OR 1=1 --*\"", "(cn=x'\\29*OR*1=1*--*)"],
  ["EmailAddresses -like '*@tailspintoys.com' -or Title -notlike 'Director*'", '(objectClass=*)'],
];

for (const [opath, ldap] of cases) {
  test(`pushdown ${opath}`, () => {
    assert.equal(pushdownFilter(parseFilter(opath)), ldap);
  });
}
