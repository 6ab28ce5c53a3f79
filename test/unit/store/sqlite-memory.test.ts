import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyMemoryStore, memoryStore } from '../../helpers/memory-store.js';

test("':memory:' is a private store per open, with the whole schema and nothing on disk", async () => {
  const empty = emptyMemoryStore();
  const seeded = await memoryStore([{ Name: 'Ann Lee' }, { Name: 'Administrator', Alias: 'Administrator' }]);
  try {
    assert.equal(empty.url, 'sqlite::memory:');
    assert.equal(await empty.countMailboxes({}), 0);
    assert.equal(await seeded.countMailboxes({}), 2);
    const [admin] = (await seeded.resolveIdentities(['Administrator'], { wildcards: false })).get('Administrator') ?? [];
    assert.deepEqual([admin?.IsAdministrator, admin?.PopEnabled, admin?.ImapEnabled], [true, false, false]);
    const applied = await seeded.applyCasChanges([{ guids: [admin?.Guid ?? '', ...(await seeded.resolveIdentities(['ann.lee'], { wildcards: false })).get('ann.lee')?.map((m) => m.Guid) ?? []], property: 'PopEnabled', to: false }], {
      when: new Date(), osUser: 'tester', sudoUser: null, host: 'host', commandLine: 'casctl test',
    });
    assert.deepEqual([applied.changeId, applied.settings], [1, 1]);
    assert.deepEqual(await empty.getChangeRecords({}), []);
    assert.ok(!existsSync(join(process.cwd(), ':memory:')), 'no file named :memory: beside the tests');
  } finally {
    await empty.close();
    await seeded.close();
  }
});
