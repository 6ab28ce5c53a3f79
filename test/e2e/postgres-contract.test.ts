import { after, before, describe } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { testDirectoryStore } from '../contract/directory-store-contract.js';
import { ROOT } from '../helpers/cli.js';
import { postgresSkipReason, startPostgres, type Postgres } from '../helpers/postgres.js';

// With CI set, a missing PostgreSQL is no skip: startPostgres throws and the suite fails.
describe('the DirectoryStore contract on a real PostgreSQL', { skip: postgresSkipReason() }, () => {
  let server: Postgres | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  testDirectoryStore({
    name: 'PostgreSQL',
    transactional: true,
    async open() {
      if (server === undefined) throw new Error('the PostgreSQL server starts before the stores open');
      // A database of its own per store: as fresh as a new file, without a server start each.
      const store = await openStore(await server.createDatabase(), ROOT, { create: true, env: server.env() });
      return { store, dispose: () => store.close() };
    },
  });
});
