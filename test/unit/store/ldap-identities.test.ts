import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readMailboxCsv } from '../../../src/input/mailbox-csv.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { FIXTURES, ROOT } from '../../helpers/cli.js';
import { IDENTITY_CASES, resolvedNames, testIdentityResolution } from '../../helpers/identity-cases.js';
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
    const records = await readMailboxCsv(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`);
    await store.importMailboxes([records], new Date('2026-01-01T00:00:00Z'));
  });

  after(async () => {
    await store?.close();
    await slapd?.stop();
  });

  const names = (identity: string, wildcards = false): Promise<string[]> => resolvedNames(store, identity, wildcards);

  testIdentityResolution(() => store, exact);

  test('many identities at once resolve each on its own (batched searches)', async () => {
    const identities = ['rzaher', 'Chris Green', 'nobody@tailspintoys.com', 'ebrunner@tailspintoys.com', 'Zoë Müller', 'TAILSPINTOYS\\rzaher', ...exact.map(([i]) => i)];
    const result = await store.resolveIdentities(identities, { wildcards: false });
    for (const [identity, expected] of exact) assert.deepEqual((result.get(identity) ?? []).map((m) => m.Name).sort(), expected, identity);
    assert.deepEqual(result.get('nobody@tailspintoys.com'), []);
    assert.equal(result.get('ebrunner@tailspintoys.com')?.[0]?.Name, 'Ebru Brunner');
  });

  test('wildcards: * anywhere; filter syntax and the escape character stay literal', async () => {
    const rand = await names('rand*', true);
    for (const name of ['Rand Zaher', 'Rand Kowalski', 'Randall Okafor', 'Randi Svensson', 'Randolph Bishop']) assert.ok(rand.includes(name), name);
    assert.ok(!rand.includes('Miranda Rand'));
    assert.ok((await names('*rand*', true)).includes('Miranda Rand'));
    assert.deepEqual(await names('rand%', true), []);
    assert.deepEqual(await names('r_zaher', true), []);
    assert.deepEqual(await names('r\\zaher*', true), []);
    assert.deepEqual(await names('rand*)(uid=*', true), []);
    assert.deepEqual(await names('zoë*', true), ['Zoë Müller']);
    assert.deepEqual(await names('Chris G*', true), ['Chris Green', 'Chris Green']);
    assert.deepEqual(await names('*@tailspintoys.com', true).then((n) => n.length > 200), true);
  });

  test('the Administrator mailbox reads disabled whatever is stored', async () => {
    const [admin] = (await store.resolveIdentities(['Administrator'], { wildcards: false })).get('Administrator') ?? [];
    assert.equal(admin?.IsAdministrator, true);
    assert.equal(admin?.PopEnabled, false);
    assert.equal(admin?.ImapEnabled, false);
  });
});
