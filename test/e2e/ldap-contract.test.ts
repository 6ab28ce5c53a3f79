import { describe } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { testDirectoryStore } from '../contract/directory-store-contract.js';
import { ROOT } from '../helpers/cli.js';
import { slapdSkipReason, startSlapd } from '../helpers/slapd.js';

// With CI set, a missing slapd is no skip: startSlapd throws and the suite fails.
describe('the DirectoryStore contract on a real slapd', { skip: slapdSkipReason() }, () => {
  testDirectoryStore({
    name: 'LDAP',
    transactional: false,
    async open() {
      const slapd = await startSlapd();
      try {
        const store = await openStore(slapd.storeUrl, ROOT, { create: true, env: slapd.env('service') });
        return {
          store,
          async dispose() {
            await store.close();
            await slapd.stop();
          },
        };
      } catch (error) {
        await slapd.stop();
        throw error;
      }
    },
  });
});
