import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DirectoryStore } from '../../src/store/directory-store.js';

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
  ['Chris Green', ['Chris Green', 'Chris Green']],
  ['Zoë Müller', ['Zoë Müller']],
  ['ZOË MÜLLER', ['Zoë Müller']],
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

/** One test per case, plus the Guid in any case: the same expectations on every store. */
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
}
