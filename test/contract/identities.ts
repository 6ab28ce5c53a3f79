import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IDENTITY_CASES, testIdentityResolution } from '../helpers/identity-cases.js';
import { useStore, type StoreDriver } from './support.js';

export function testIdentities(driver: StoreDriver): void {
  describe('resolveIdentities', () => {
    const store = useStore(driver);

    test('a narrow read of identities holds the fields asked for; each identity is resolved on its own', async () => {
      const resolved = await store().resolveIdentities(['rzaher', 'rand.zaher@tailspintoys.com', 'Chris Green', 'nobody@nowhere', 'rzaher'], { wildcards: false, fields: ['Name', 'Guid'] });
      const [rand] = resolved.get('rzaher') ?? [];
      assert.equal(rand?.Name, 'Rand Zaher');
      assert.equal(resolved.get('rand.zaher@tailspintoys.com')?.[0]?.Guid, rand?.Guid);
      assert.equal(resolved.get('Chris Green')?.length, 2, 'ambiguous: every candidate');
      assert.deepEqual(resolved.get('nobody@nowhere') ?? [], [], 'unknown: absent or empty');
    });

    // The cases every store shares (test/helpers/identity-cases.ts); the last one adds a mailbox.
    testIdentityResolution(store, IDENTITY_CASES);
  });
}
