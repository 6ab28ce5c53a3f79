/**
 * What every DirectoryStore driver promises (src/store/directory-store.ts), as node:test tests.
 * A driver runs them with one line:
 *
 *   testDirectoryStore({ name: 'sqlite', transactional: true, open: async () => ... });
 *
 * The suite talks to the interface only; what differs between stores by design is a declared
 * capability of the driver, never a skipped test.
 */
import { describe } from 'node:test';
import { testChanges } from './changes.js';
import { testHistory } from './history.js';
import { testIdentities } from './identities.js';
import { testImports } from './imports.js';
import { testPending } from './pending.js';
import { testPlans } from './plans.js';
import { testPlanImports } from './plan-imports.js';
import { testProgress } from './progress.js';
import { testPrune } from './prune.js';
import { testReads } from './reads.js';
import { testSmtpAuth } from './smtp-auth.js';
import type { StoreDriver } from './support.js';

export type { OpenedStore, StoreDriver } from './support.js';

export function testDirectoryStore(driver: StoreDriver): void {
  describe(`the DirectoryStore contract on ${driver.name}`, () => {
    testReads(driver);
    testIdentities(driver);
    testChanges(driver);
    testHistory(driver);
    testPrune(driver);
    testPending(driver);
    testImports(driver);
    testProgress(driver);
    testPlans(driver);
    testPlanImports(driver);
    testSmtpAuth(driver);
  });
}
