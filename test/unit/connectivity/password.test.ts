import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { resolvePassword, type PasswordSource } from '../../../src/connectivity/password.js';
import { promptTerminal } from '../../../src/output/prompt-terminal.js';
import { NO_TERMINAL, typingTerminal } from '../../helpers/fake-terminal.js';

const dir = mkdtempSync(join(tmpdir(), 'casctl-password-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function source(overrides: Partial<PasswordSource> = {}): PasswordSource {
  return { env: {}, stdin: new PassThrough(), terminal: NO_TERMINAL, user: 'rand.zaher@tailspintoys.com', ...overrides };
}

test('--password-file: the first line, without LF or CRLF, without a BOM', async () => {
  assert.equal(await resolvePassword(source({ passwordFile: file('lf', 'pa ss!\nsecond\n') })), 'pa ss!');
  assert.equal(await resolvePassword(source({ passwordFile: file('crlf', 'Tailspin!2026\r\n') })), 'Tailspin!2026');
  assert.equal(await resolvePassword(source({ passwordFile: file('bare', 'no-newline') })), 'no-newline');
  assert.equal(await resolvePassword(source({ passwordFile: file('bom', '\ufeffwith-bom\n') })), 'with-bom');
});

test('--password-file wins over CASCTL_TEST_PASSWORD', async () => {
  const password = await resolvePassword(source({ passwordFile: file('wins', 'from-file\n'), env: { CASCTL_TEST_PASSWORD: 'from-env' } }));
  assert.equal(password, 'from-file');
});

test('--password-file -: the first line of stdin', async () => {
  const stdin = new PassThrough();
  stdin.end('piped-secret\nrest\n');
  assert.equal(await resolvePassword(source({ passwordFile: '-', stdin })), 'piped-secret');
});

test('an empty or missing password file is a usage error', async () => {
  await assert.rejects(resolvePassword(source({ passwordFile: file('empty', '\n') })), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /is empty/);
    return true;
  });
  await assert.rejects(resolvePassword(source({ passwordFile: join(dir, 'missing') })), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /Cannot read the password file .*ENOENT/);
    return true;
  });
});

test('CASCTL_TEST_PASSWORD when there is no file; an empty one counts as unset', async () => {
  assert.equal(await resolvePassword(source({ env: { CASCTL_TEST_PASSWORD: 'from-env' } })), 'from-env');
  const terminal = typingTerminal('typed\r');
  const prompted = await resolvePassword(source({ env: { CASCTL_TEST_PASSWORD: '' }, terminal }));
  assert.equal(prompted, 'typed');
  assert.match(terminal.shown(), /Password for rand\.zaher@tailspintoys\.com:/);
});

test('the prompt echoes nothing of what is typed, not even a * per key, and Ctrl-T does not reveal it', async () => {
  const terminal = typingTerminal('S3cr3t-pw\x14\r');
  assert.equal(await resolvePassword(source({ terminal })), 'S3cr3t-pw');
  assert.ok(!terminal.shown().includes('S3cr3t'), terminal.shown());
  assert.doesNotMatch(terminal.shown(), /\*/);
  assert.equal(terminal.closed(), 1, 'the terminal is given back');
});

test('Ctrl-C at the password prompt: a usage error, nothing tested', async () => {
  await assert.rejects(resolvePassword(source({ terminal: typingTerminal('\x03') })), /No password was given; nothing was tested\./);
});

test('no file, no variable, no terminal: a usage error that says how to give it', async () => {
  await assert.rejects(resolvePassword(source()), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /--password-file/);
    assert.match(error.message, /CASCTL_TEST_PASSWORD/);
    return true;
  });
  // A terminal on stdin only (stderr redirected) is not enough to ask on without a controlling terminal.
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  await assert.rejects(resolvePassword(source({ stdin, terminal: promptTerminal({ stdin, stderr: new PassThrough() }, join(dir, 'no-tty')) })), UsageError);
});
