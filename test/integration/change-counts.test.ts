/**
 * The counting invariant through bin/casctl.js, a few random runs: what the in-process property
 * test (test/unit/cli/change-counts.test.ts) checks at length, here with real processes, streams and exit codes.
 */
import { test } from 'node:test';
import { checkChangeCounts, propertySeed, type Runner } from '../helpers/change-counts.js';
import { casctl, tempDir } from '../helpers/cli.js';

const spawned: Runner = (args, store) => casctl(args, { store });

for (const administratorStoredEnabled of [false, true]) {
  const seed = propertySeed();
  test(`casctl processes: JSON items, the summary and the stderr line agree (Administrator stored ${administratorStoredEnabled ? 'enabled' : 'disabled'}, seed ${seed})`, async () => {
    await checkChangeCounts({ runner: spawned, dir: tempDir(), seed, mailboxes: 80, iterations: 8, administratorStoredEnabled });
  });
}
