import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BIN, sampleStore } from '../helpers/cli.js';

/**
 * `casctl … | head` is how admins look at the top of long output: a reader closing the pipe early
 * must end casctl quietly, whichever way the command writes (one text, or a streamed listing).
 * The reader here is `true`, gone before casctl has started, so every write meets a closed pipe.
 */
for (const args of [['get-dovecotconfig'], ['get-casmailbox', '-o', 'json'], ['get-organizationalunit']]) {
  test(`casctl ${args.join(' ')} | true: no error, exit 0`, async () => {
    const store = await sampleStore();
    const script = '"$0" "$@" | true; echo "casctl=${PIPESTATUS[0]}" >&2';
    const run = spawnSync('bash', ['-c', script, process.execPath, BIN, ...args, '--store', store], { encoding: 'utf8' });
    assert.doesNotMatch(run.stderr, /EPIPE|node:events|Unhandled/, run.stderr);
    assert.match(run.stderr, /casctl=0\n$/, run.stderr);
  });
}
