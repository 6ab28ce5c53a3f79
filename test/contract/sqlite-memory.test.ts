import { emptyMemoryStore } from '../helpers/memory-store.js';
import { testDirectoryStore } from './directory-store-contract.js';

// The unit tests' in-memory store keeps every promise the file store does.
testDirectoryStore({
  name: 'SQLite in memory',
  transactional: true,
  async open() {
    const store = emptyMemoryStore();
    return { store, dispose: () => store.close() };
  },
});
