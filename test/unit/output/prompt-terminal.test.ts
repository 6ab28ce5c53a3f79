import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { promptTerminal } from '../../../src/output/prompt-terminal.js';

const dir = mkdtempSync(join(tmpdir(), 'casctl-terminal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tty = (): PassThrough & { isTTY: boolean } => Object.assign(new PassThrough(), { isTTY: true });

test('stdin and stderr both terminals: the question is asked on them, the controlling terminal is not opened', () => {
  const stdin = tty();
  const stderr = tty();
  const terminal = promptTerminal({ stdin, stderr }, join(dir, 'never-opened'));
  assert.equal(terminal.available(), true);
  const streams = terminal.open();
  assert.equal(streams?.input, stdin);
  assert.equal(streams?.output, stderr);
});

test('stdin a pipe or stderr a file, and no controlling terminal (CI, cron, setsid): nobody to ask', () => {
  for (const streams of [{ stdin: new PassThrough(), stderr: tty() }, { stdin: tty(), stderr: new PassThrough() }]) {
    const terminal = promptTerminal(streams, join(dir, 'no-such-terminal'));
    assert.equal(terminal.available(), false);
    assert.equal(terminal.open(), null);
  }
});

test('a controlling terminal path that opens but is no terminal is nobody to ask either', () => {
  const terminal = promptTerminal({ stdin: new PassThrough(), stderr: new PassThrough() }, '/dev/null');
  assert.equal(terminal.available(), false);
  assert.equal(terminal.open(), null);
});
