import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ServiceError } from '../../../src/core/errors.js';
import { runCommand } from '../../../src/services/run-command.js';
import { tempDir } from '../../helpers/cli.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('a timeout ends the command and every process it started, at once', async () => {
  const pidFile = join(tempDir(), 'child.pid');
  const started = Date.now();
  await assert.rejects(runCommand(['sh', '-c', `sleep 77 & echo $! > ${pidFile}; sleep 78`], 500), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /did not finish within 0\.5 s/);
    return true;
  });
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  const child = Number(readFileSync(pidFile, 'utf8'));
  for (let i = 0; i < 50 && alive(child); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(alive(child), false, 'the background child was ended with the group');
});

test('exit code and output come back; a program that cannot start is a ServiceError', async () => {
  assert.deepEqual(await runCommand(['sh', '-c', 'echo out; echo err >&2; exit 3'], 5000), { exitCode: 3, stdout: 'out', stderr: 'err' });
  await assert.rejects(runCommand(['/nonexistent/doveadm'], 5000), /could not run: .*ENOENT/);
});

test('input goes to stdin (the login names of doveadm -F -); without it stdin is closed, so nothing waits on it', async () => {
  assert.deepEqual(await runCommand(['cat'], 5000, 'a@x.test\nüni@x.test\n'), { exitCode: 0, stdout: 'a@x.test\nüni@x.test', stderr: '' });
  assert.deepEqual(await runCommand(['cat'], 5000), { exitCode: 0, stdout: '', stderr: '' });
});
