import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProgressRecorder } from '../helpers/progress-recorder.js';
import { SAMPLE_CREATED, SAMPLE_SIZE, all, context, sampleRecords, useStore, type StoreDriver } from './support.js';

/**
 * Writes report their phases to a ProgressSink, each with its total up front and ticks that add
 * up to it; which phases a store has is its own (SQLite writes the history and then the
 * mailboxes; LDAP reads the entries, writes the history, modifies the entries).
 */
export function testProgress(driver: StoreDriver): void {
  describe('progress of writes', () => {
    const store = useStore(driver, async () => undefined);

    test('an import reports its phases, each ticked up to its total', async () => {
      const progress = new ProgressRecorder();
      const summary = await store().importMailboxes([await sampleRecords()], SAMPLE_CREATED, { progress, records: SAMPLE_SIZE });
      assert.equal(summary.created, SAMPLE_SIZE);
      assert.ok(progress.phases.length > 0);
      progress.assertTrue();
      assert.ok(progress.phases.every((p) => p.total === SAMPLE_SIZE), progress.summary().join('; '));
    });

    test('a change reports its phases, each ticked up to its total, the last one against what it changed', async () => {
      const guids = (await all(store(), {}, ['Guid'])).map((m) => m.Guid);
      const progress = new ProgressRecorder();
      const applied = await store().applyCasChanges([{ property: 'ImapEnabled', to: false, guids }], context(), progress);
      assert.ok(applied.settings > 100);
      progress.assertTrue();
      const last = progress.phases.at(-1);
      assert.ok(last !== undefined);
      assert.equal(last.total, last.unit === 'settings' ? applied.settings : applied.mailboxes, progress.summary().join('; '));
      assert.ok(progress.phases.some((p) => p.label === 'Writing history'), progress.summary().join('; '));
    });

    test('a change that changes nothing ends its progress without writing', async () => {
      const guids = (await all(store(), {}, ['Guid'])).map((m) => m.Guid);
      const progress = new ProgressRecorder();
      const applied = await store().applyCasChanges([{ property: 'ImapEnabled', to: false, guids }], context(), progress);
      assert.equal(applied.changeId, null);
      assert.ok(!progress.phases.some((p) => p.label === 'Applying' || p.label === 'Modifying entries'), progress.summary().join('; '));
      for (const p of progress.phases) assert.ok(p.ticks.reduce((a, b) => a + b, 0) <= (p.total ?? 0));
    });
  });
}
