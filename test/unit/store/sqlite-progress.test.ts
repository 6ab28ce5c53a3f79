import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/open-store.js';
import { tempDir } from '../../helpers/cli.js';
import { mailboxRecord } from '../../helpers/memory-store.js';
import { ProgressRecorder } from '../../helpers/progress-recorder.js';

const COUNT = 2500;
const when = new Date('2026-03-01T10:00:00Z');
const change = { when, osUser: 'tester', sudoUser: null, host: 'host', commandLine: 'casctl test' };

test('SQLite ticks a big import and change a batch at a time inside its transaction, up to true totals', async () => {
  const store = await openStore(join(tempDir(), 'progress.db'), process.cwd(), { create: true });
  try {
    const records = Array.from({ length: COUNT }, (_, i) => mailboxRecord({ Name: `User ${i}` }));
    const batches = [records.slice(0, 1000), records.slice(1000, 2000), records.slice(2000)];
    const imported = new ProgressRecorder();
    await store.importMailboxes(batches, when, { change, progress: imported, records: COUNT });
    assert.deepEqual(imported.phases, [{ label: 'Writing', unit: 'mailboxes', total: COUNT, ticks: [1000, 1000, 500] }]);

    const guids: string[] = [];
    for await (const page of store.findMailboxes({}, ['Guid'])) guids.push(...page.map((m) => m.Guid));
    // One mailbox already has the value: it is checked, not changed.
    await store.applyCasChanges([{ property: 'PopEnabled', to: false, guids: guids.slice(0, 1) }], change);
    const changed = new ProgressRecorder();
    const applied = await store.applyCasChanges(
      [
        { property: 'PopEnabled', to: false, guids },
        { property: 'ImapEnabled', to: false, guids: guids.slice(0, 1200) },
      ],
      change,
      changed,
    );
    assert.equal(applied.settings, COUNT - 1 + 1200);
    assert.deepEqual(changed.phases, [
      { label: 'Writing history', unit: 'settings', total: COUNT + 1200, ticks: [1000, 1000, 500, 1000, 200] },
      // A range of recorded mailboxes per statement: 1,000 of them, then what is left.
      { label: 'Applying', unit: 'settings', total: COUNT - 1 + 1200, ticks: [1000, 1000, 499, 1000, 200] },
    ]);
    changed.assertTrue();
  } finally {
    await store.close();
  }
});
