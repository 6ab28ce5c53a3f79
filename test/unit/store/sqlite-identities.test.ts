import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { readMailboxCsv } from '../../../src/input/mailbox-csv.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { FIXTURES, tempDir } from '../../helpers/cli.js';
import { IDENTITY_CASES, resolvedNames, testIdentityResolution } from '../../helpers/identity-cases.js';

let store: DirectoryStore;

before(async () => {
  store = await openStore(join(tempDir(), 'unit.db'), process.cwd(), { create: true });
  const records = await readMailboxCsv(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`);
  await store.importMailboxes([records], new Date('2026-01-01T00:00:00Z'));
});

const names = (identity: string, wildcards = false): Promise<string[]> => resolvedNames(store, identity, wildcards);

testIdentityResolution(() => store, IDENTITY_CASES);

test('wildcards: * anywhere; SQL wildcards and the escape character stay literal', async () => {
  const rand = await names('rand*', true);
  for (const name of ['Rand Zaher', 'Rand Kowalski', 'Randall Okafor', 'Randi Svensson', 'Randolph Bishop']) assert.ok(rand.includes(name), name);
  assert.ok(!rand.includes('Miranda Rand'));
  assert.ok((await names('*rand*', true)).includes('Miranda Rand'));
  assert.deepEqual(await names('rand%', true), []);
  assert.deepEqual(await names('r_zaher', true), []);
  assert.deepEqual(await names('r\\zaher*', true), []);
  assert.deepEqual(await names('zoë*', true), ['Zoë Müller']);
  assert.deepEqual(await names('*@tailspintoys.com', true).then((n) => n.length > 200), true);
});

test('the Administrator mailbox reads disabled whatever is stored', async () => {
  const [admin] = (await store.resolveIdentities(['Administrator'], { wildcards: false })).get('Administrator') ?? [];
  assert.equal(admin?.IsAdministrator, true);
  assert.equal(admin?.PopEnabled, false);
  assert.equal(admin?.ImapEnabled, false);
});
