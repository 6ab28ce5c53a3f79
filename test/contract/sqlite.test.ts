import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from '../helpers/cli.js';
import { testDirectoryStore } from './directory-store-contract.js';

testDirectoryStore({
  name: 'SQLite',
  transactional: true,
  async open() {
    const store = await openStore(join(tempDir(), 'contract.db'), process.cwd(), { create: true });
    return { store, dispose: () => store.close() };
  },
});
