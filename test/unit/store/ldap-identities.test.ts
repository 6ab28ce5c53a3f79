import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { matchesIdentity, parseIdentity } from '../../../src/core/identity-forms.js';
import type { Mailbox } from '../../../src/core/mailbox.js';
import { mailboxCsvBatches } from '../../../src/input/mailbox-csv.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { FIXTURES, ROOT } from '../../helpers/cli.js';
import { IDENTITY_CASES, testIdentityResolution } from '../../helpers/identity-cases.js';
import { slapdSkipReason, startSlapd, type Slapd } from '../../helpers/slapd.js';

/** Identity resolution on a real slapd: the cases every store shares, and LDAP's own. */
const exact: [string, string[]][] = [
  ...IDENTITY_CASES,
  // LDAP only: what the server would match but fold() does not, and filter syntax in identities.
  ['Rand  Zaher', []],
  ['*)(uid=*', []],
  ['rzaher)(|(uid=*', []],
  ['cn=Rand Zaher,ou=Engineering,ou=North America,dc=contoso,dc=com', []],
];

describe('identity resolution on LDAP', { skip: slapdSkipReason() }, () => {
  let slapd: Slapd;
  let store: DirectoryStore;

  before(async () => {
    slapd = await startSlapd();
    store = await openStore(slapd.storeUrl, ROOT, { create: true, env: slapd.env('service') });
    await store.importMailboxes(mailboxCsvBatches(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`), new Date('2026-01-01T00:00:00Z'));
  });

  after(async () => {
    await store?.close();
    await slapd?.stop();
  });

  testIdentityResolution(() => store, exact);

  test('an identity file longer than one search takes: every form of every mailbox resolves as matchesIdentity decides', async () => {
    const mailboxes: Mailbox[] = [];
    for await (const page of store.findMailboxes({})) mailboxes.push(...page);
    // Several searches' worth, several in flight, with texts that fold alike in one batch and the
    // DN, canonical and DOMAIN\account forms, which are checked against every candidate.
    const identities = mailboxes.flatMap((m) => [
      m.PrimarySmtpAddress.toUpperCase(), m.PrimarySmtpAddress, m.Alias, m.Name, m.Guid, m.DistinguishedName,
      `${m.OrganizationalUnit}/${m.Name}`, `TAILSPINTOYS\\${m.SamAccountName}`, ...m.EmailAddresses,
    ]);
    assert.ok(identities.length > 1000);
    const result = await store.resolveIdentities(identities, { wildcards: false });
    for (const identity of new Set(identities)) {
      const forms = parseIdentity(identity, false);
      const expected = forms === null ? [] : mailboxes.filter((m) => matchesIdentity(m, forms)).map((m) => m.DistinguishedName).sort();
      assert.deepEqual((result.get(identity) ?? []).map((m) => m.DistinguishedName).sort(), expected, identity);
    }
  });
});
