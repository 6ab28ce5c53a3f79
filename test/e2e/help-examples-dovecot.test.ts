/**
 * The get-mailboxstatistics examples of --help and the man page, run as typed against a real
 * Dovecot that serves the sample directory: what the embedded store alone cannot run
 * (test/integration/help-examples.test.ts runs the rest).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { COMMAND_EXAMPLES } from '../../src/cli/help-examples.js';
import { casctl } from '../helpers/cli.js';
import { dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { checkRun, exampleDirectory, runLine } from '../helpers/example-runs.js';
import { deliver, message } from '../helpers/maildir.js';

const EXAMPLES = COMMAND_EXAMPLES['get-mailboxstatistics'] ?? [];

describe('the get-mailboxstatistics examples, against Dovecot 2.3', { skip: dovecotSkipReason('2.3') }, () => {
  let dovecot: Dovecot;
  let dir: string;

  before(async () => {
    dir = await exampleDirectory(EXAMPLES[0]?.line ?? '');
    const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', '2.3'], { cwd: dir });
    assert.equal(written.code, 0, written.stderr);
    dovecot = await startDovecot({ version: '2.3', authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
    // The examples' directory, with services that are this Dovecot's.
    writeFileSync(join(dir, 'casctl.config.json'), JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    deliver(dovecot, 'rand.zaher@tailspintoys.com', [message('help-example', 900)]);
  });
  after(async () => {
    await dovecot?.stop();
  });

  test('there are examples to run', () => assert.ok(EXAMPLES.length >= 2));
  for (const example of EXAMPLES) {
    test(example.line, async () => {
      const results = await runLine(example.line, dir);
      checkRun(example.line, results);
      if (example.line.includes('rand.zaher@tailspintoys.com')) assert.match(results[0]?.stdout ?? '', /ItemCount\s+: 1\n/);
    });
  }
});
