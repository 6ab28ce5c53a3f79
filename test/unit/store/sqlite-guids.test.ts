import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { mailboxCsvBatches } from '../../../src/input/mailbox-csv.js';
import type { DirectoryStore, MailboxQuery } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { tempDir } from '../../helpers/cli.js';

const COUNT = 2600;
let store: DirectoryStore;
let guids: string[];

before(async () => {
  const dir = tempDir();
  const csv = join(dir, 'g.csv');
  writeFileSync(csv, `Name,PrimarySmtpAddress,OrganizationalUnit,Department\n${Array.from({ length: COUNT }, (_, i) => `G ${i},g${i}@guids.example,guids.example/Part ${i % 3},D${i % 4}`).join('\n')}\n`);
  store = await openStore(join(dir, 'g.db'), dir, { create: true });
  await store.importMailboxes(mailboxCsvBatches(csv, (p) => p), new Date());
  guids = [];
  for await (const page of store.findMailboxes({}, ['Guid'])) guids.push(...page.map((m) => m.Guid));
});

async function read(query: MailboxQuery): Promise<string[]> {
  const found: string[] = [];
  for await (const page of store.findMailboxes(query, ['Guid', 'Name'])) {
    assert.ok(page.length > 0 && page.length <= 1000, `page of ${page.length}`);
    found.push(...page.map((m) => m.Name));
  }
  return found;
}

test('reading by thousands of Guids: every named mailbox once, other conditions and the limit applied', async () => {
  // Every Guid, some twice, in another case, with unknown ones between: pages of 1,000 Guids.
  const named = [...guids.map((g) => g.toUpperCase()), ...guids.slice(0, 500), '00000000-0000-0000-0000-000000000000'];
  const all = await read({ guids: named });
  assert.equal(all.length, COUNT, 'each mailbox once, however often and in whatever case it is named');
  assert.equal(new Set(all).size, COUNT);
  const filtered = await read({ guids, filter: parseFilter("Department -eq 'D1'"), organizationalUnit: 'guids.example/Part 2' });
  const expected = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 4 === 1 && i % 3 === 2).map((i) => `G ${i}`);
  assert.deepEqual(filtered.sort(), expected.sort());
  assert.equal((await read({ guids, limit: 1500 })).length, 1500);
  assert.deepEqual(await read({ guids: [] }), []);
});
