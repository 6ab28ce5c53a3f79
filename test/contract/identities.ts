import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestMailboxes } from '../../src/core/identity-suggestions.js';
import type { MailboxField } from '../../src/core/mailbox.js';
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

    test('identities resolved with some fields: exactly those, the values of a full read, the same mailboxes', async () => {
      const identities = ['rzaher', 'rand.zaher@tailspintoys.com', 'Chris Green', 'R*', 'tailspintoys.com/North America/Finance/Finance Team', 'TAILSPINTOYS\\praman', 'Administrator'];
      const full = await store().resolveIdentities(identities, { wildcards: true });
      for (const fields of [['PopEnabled'], ['Guid', 'CustomAttributes', 'IsAdministrator', 'ImapEnabled'], ['DistinguishedName', 'WhenCreated']] as MailboxField[][]) {
        const some = await store().resolveIdentities(identities, { wildcards: true, fields });
        for (const identity of identities) {
          const expected = (full.get(identity) ?? []).map((mailbox) => Object.fromEntries(fields.map((field) => [field, mailbox[field]])));
          assert.ok(expected.length > 0, identity);
          const sort = (mailboxes: readonly object[]): string[] => mailboxes.map((m) => JSON.stringify(m, Object.keys(m).sort())).sort();
          assert.deepEqual(sort(some.get(identity) ?? []), sort(expected), `${identity}: ${fields.join(', ')}`);
        }
      }
    });

    test('wildcards at either end and inside; the UPN in any case', async () => {
      const resolved = await store().resolveIdentities(['*zaher', 'rand*zaher', 'R*', 'Administrator@TAILSPINTOYS.COM'], { wildcards: true, fields: ['Name'] });
      const named = (identity: string): string[] => (resolved.get(identity) ?? []).map((m) => m.Name).sort();
      assert.deepEqual(named('*zaher'), ['Rand Zaher']);
      assert.deepEqual(named('rand*zaher'), ['Rand Zaher']);
      assert.deepEqual(named('R*'), ['Rand Kowalski', 'Rand Zaher', 'Randall Okafor', 'Randi Svensson', 'Randolph Bishop', 'Rita Walsh', 'Rosa Delgado', 'Ruben Rossi']);
      assert.deepEqual(named('Administrator@TAILSPINTOYS.COM'), ['Administrator']);
    });

    test('an identity that names nothing: the closest mailboxes, from the names and addresses the store reads', async () => {
      const closest = await closestMailboxes(store(), ['rand zahr', 'ZAHER RAND', 'rzaher@tailspintoy.com', 'nobody@nowhere']);
      const rand = [{ Name: 'Rand Zaher', PrimarySmtpAddress: 'rand.zaher@tailspintoys.com' }];
      assert.deepEqual(closest.get('rand zahr'), rand);
      assert.deepEqual(closest.get('ZAHER RAND'), rand);
      assert.deepEqual(closest.get('rzaher@tailspintoy.com'), rand, 'by its UPN');
      assert.equal(closest.has('nobody@nowhere'), false);
    });

    // The cases every store shares (test/helpers/identity-cases.ts); the last one adds a mailbox.
    testIdentityResolution(store, IDENTITY_CASES);
  });
}
