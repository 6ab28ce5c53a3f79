import { join } from 'node:path';
import { before } from 'node:test';
import { mailboxCsvBatches } from '../../../src/input/mailbox-csv.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { FIXTURES, tempDir } from '../../helpers/cli.js';
import { IDENTITY_CASES, testIdentityResolution } from '../../helpers/identity-cases.js';

let store: DirectoryStore;

before(async () => {
  store = await openStore(join(tempDir(), 'unit.db'), process.cwd(), { create: true });
  await store.importMailboxes(mailboxCsvBatches(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`), new Date('2026-01-01T00:00:00Z'));
});

testIdentityResolution(() => store, IDENTITY_CASES);
