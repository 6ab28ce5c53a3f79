import { after, before, describe } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { testDirectoryStore } from '../contract/directory-store-contract.js';
import { ROOT } from '../helpers/cli.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb } from '../helpers/mariadb.js';

// With CI set, a missing MariaDB is no skip: startMariaDb throws and the suite fails.
describe('the DirectoryStore contract on a real MariaDB', { skip: mariaDbSkipReason() }, () => {
  // One server for the file, a fresh database for each store the suite opens.
  let mariadb: MariaDb | undefined;
  before(async () => {
    mariadb = await startMariaDb();
  });
  after(async () => {
    await mariadb?.stop();
  });
  testDirectoryStore({
    name: 'MariaDB',
    transactional: true,
    async open() {
      if (mariadb === undefined) throw new Error('MariaDB did not start');
      const store = await openStore(await mariadb.createDatabase(), ROOT, { create: true, env: mariadb.env('service') });
      return { store, dispose: () => store.close() };
    },
  });
});
