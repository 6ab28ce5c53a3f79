import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailboxCsvBatches } from '../../src/input/mailbox-csv.js';
import type { DirectoryStore } from '../../src/store/directory-store.js';
import { tempDir } from './cli.js';

/** What each identity names in the sample directory, on every store (Exchange's -Identity rules). */
export const IDENTITY_CASES: readonly [string, string[]][] = [
  ['Rand Zaher', ['Rand Zaher']],
  ['rand zaher', ['Rand Zaher']],
  ['  Rand Zaher  ', ['Rand Zaher']],
  ['rzaher', ['Rand Zaher']],
  ['RZAHER@tailspintoys.com', ['Rand Zaher']],
  ['rand.zaher@TAILSPINTOYS.COM', ['Rand Zaher']],
  ['TAILSPINTOYS\\rzaher', ['Rand Zaher']],
  ['tailspintoys\\RZAHER', ['Rand Zaher']],
  ['tailspintoys.com\\rzaher', ['Rand Zaher']],
  ['CONTOSO\\rzaher', []],
  ['tailspintoys.com/North America/Engineering/Rand Zaher', ['Rand Zaher']],
  ['TAILSPINTOYS.COM/north america/engineering/rand zaher', ['Rand Zaher']],
  ['tailspintoys.com/Europe/Sales/Rand Zaher', []],
  ['CN=Rand Zaher,OU=Engineering,OU=North America,DC=tailspintoys,DC=com', ['Rand Zaher']],
  // A DN spelled otherwise than stored: compared as the directory compares DNs.
  ['cn=rand zaher, ou=Engineering, ou=North America, dc=tailspintoys, dc=com', ['Rand Zaher']],
  ['Chris Green', ['Chris Green', 'Chris Green']],
  ['Zoë Müller', ['Zoë Müller']],
  ['ZOË MÜLLER', ['Zoë Müller']],
  ['TAILSPINTOYS.COM/EUROPE/SALES/ZOË MÜLLER', ['Zoë Müller']],
  ['Smith, Jr., John', ['Smith, Jr., John']],
  ["Ærin O'Brien", ["Ærin O'Brien"]],
  ['rand', []],
  ['rand*', []],
  ['', []],
];

/** The names of the mailboxes one identity resolves to, sorted. */
export async function resolvedNames(store: DirectoryStore, identity: string, wildcards = false): Promise<string[]> {
  const result = await store.resolveIdentities([identity], { wildcards });
  return (result.get(identity) ?? []).map((m) => m.Name).sort();
}

/** One test per case, the Guid in any case, wildcards and the Administrator rule: the same expectations on every store. */
export function testIdentityResolution(store: () => DirectoryStore, cases: readonly [string, string[]][]): void {
  for (const [identity, expected] of cases) {
    test(`identity ${JSON.stringify(identity)} resolves to ${expected.join(', ') || 'nothing'}`, async () => {
      assert.deepEqual(await resolvedNames(store(), identity), expected);
    });
  }
  test('a Guid resolves in any case', async () => {
    const [rand] = (await store().resolveIdentities(['rzaher'], { wildcards: false })).get('rzaher') ?? [];
    assert.ok(rand);
    assert.deepEqual(await resolvedNames(store(), rand.Guid.toUpperCase()), ['Rand Zaher']);
  });
  test('many identities at once resolve each on its own (batched lookups)', async () => {
    const identities = ['rzaher', 'Chris Green', 'nobody@tailspintoys.com', 'ebrunner@tailspintoys.com', 'Zoë Müller', 'TAILSPINTOYS\\rzaher', ...cases.map(([i]) => i)];
    const result = await store().resolveIdentities(identities, { wildcards: false });
    for (const [identity, expected] of cases) assert.deepEqual((result.get(identity) ?? []).map((m) => m.Name).sort(), expected, identity);
    assert.deepEqual(result.get('nobody@tailspintoys.com') ?? [], []);
    assert.equal(result.get('ebrunner@tailspintoys.com')?.[0]?.Name, 'Ebru Brunner');
  });
  test("wildcards: * anywhere; the store's own wildcard and filter syntax and the escape character stay literal", async () => {
    const names = (identity: string): Promise<string[]> => resolvedNames(store(), identity, true);
    const rand = await names('rand*');
    for (const name of ['Rand Zaher', 'Rand Kowalski', 'Randall Okafor', 'Randi Svensson', 'Randolph Bishop']) assert.ok(rand.includes(name), name);
    assert.ok(!rand.includes('Miranda Rand'));
    assert.ok((await names('*rand*')).includes('Miranda Rand'));
    assert.deepEqual(await names('rand%'), []);
    assert.deepEqual(await names('r_zaher'), []);
    assert.deepEqual(await names('r\\zaher*'), []);
    assert.deepEqual(await names('rand*)(uid=*'), []);
    assert.deepEqual(await names('zoë*'), ['Zoë Müller']);
    assert.deepEqual(await names('Chris G*'), ['Chris Green', 'Chris Green']);
    assert.ok((await names('*@tailspintoys.com')).length > 200);
  });
  test('the Administrator mailbox reads disabled whatever is stored', async () => {
    const [admin] = (await store().resolveIdentities(['Administrator'], { wildcards: false })).get('Administrator') ?? [];
    assert.equal(admin?.IsAdministrator, true);
    assert.equal(admin?.PopEnabled, false);
    assert.equal(admin?.ImapEnabled, false);
  });
  // Last: it adds a mailbox to the store the other cases read.
  test('a wildcard with letters beyond ASCII searches every name a plain one does, the SamAccountName too', async () => {
    const csv = join(tempDir(), 'juergen.csv');
    writeFileSync(csv, 'Name,PrimarySmtpAddress,SamAccountName,UserPrincipalName\nJ. Schmidt,j.schmidt@tailspintoys.com,jürgen.s,jürgen.s@tailspintoys.com\n');
    await store().importMailboxes(mailboxCsvBatches(csv, (plain) => plain), new Date());
    assert.deepEqual(await resolvedNames(store(), 'jür*', true), ['J. Schmidt']);
    assert.deepEqual(await resolvedNames(store(), 'JÜRGEN.S@*', true), ['J. Schmidt'], 'by UPN');
    assert.deepEqual(await resolvedNames(store(), 'Jürgen.S', false), ['J. Schmidt']);
  });
}
