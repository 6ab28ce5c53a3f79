import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { commandProgress } from '../../../src/cli/command-progress.js';
import type { CommandContext } from '../../../src/cli/context.js';
import { traceFor } from '../../../src/cli/verbose.js';
import { capture } from '../../helpers/capture.js';
import { NO_TERMINAL } from '../../helpers/fake-terminal.js';

function context(stderr: ReturnType<typeof capture> & { isTTY?: boolean }, clock: () => number): CommandContext {
  return { stdin: new PassThrough(), stdout: capture(), stderr, env: {}, cwd: '/', now: () => new Date(), argv: [], actor: { osUser: 'tester', sudoUser: null, host: 'h' }, terminal: NO_TERMINAL, clock };
}

test('without --verbose there is no trace at all; with it, marked lines whose control characters are escaped', () => {
  const stderr = capture();
  const ctx = context(stderr, () => 0);
  assert.equal(traceFor(ctx, {}), undefined);
  assert.equal(traceFor(ctx, { verbose: false }), undefined);
  const trace = traceFor(ctx, { verbose: true });
  trace?.('ldap', 'search base="ou=\x1b[2JEvil,dc=x" scope=one');
  assert.equal(stderr.text(), 'casctl: ldap: search base="ou=\\x1b[2JEvil,dc=x" scope=one\n');
});

test("a trace line takes the command's progress bar off the line first, so it never lands inside a frame", () => {
  const stderr = Object.assign(capture(), { isTTY: true });
  let now = 0;
  const ctx = context(stderr, () => now);
  const trace = traceFor(ctx, { verbose: true });
  const progress = commandProgress(ctx);
  progress.phase('Applying', 'mailboxes', 10);
  now = 5000;
  progress.tick(5);
  trace?.('sql', 'UPDATE mailboxes SET pop_enabled = 0');
  const text = stderr.text();
  assert.ok(text.endsWith('\r\x1b[Kcasctl: sql: UPDATE mailboxes SET pop_enabled = 0\n'), JSON.stringify(text));
  assert.match(text, /Applying \[/);
});
