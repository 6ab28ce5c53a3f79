import { join } from 'node:path';
import { after, before, describe } from 'node:test';
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
});
