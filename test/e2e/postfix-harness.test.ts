/**
 * The harness's private Postfix (test/helpers/postfix.ts): SMTP AUTH PLAIN through the auth socket
 * of a Dovecot (2.3 and 2.4) that reads a casctl store through the configuration casctl writes.
 * A refusal (535) must be told apart from a broken setup (454, which throws), instances run side by
 * side as test files do, and one left behind by a killed test breaks nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';
import { running, stopDaemon } from '../helpers/daemon.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { postfixProcesses, postfixSkipReason, startPostfix, type Postfix } from '../helpers/postfix.js';

const PASSWORD = 'Tailspin!2026';
const RAND = 'rand.zaher@tailspintoys.com';

for (const version of DOVECOT_VERSIONS) {
  describe(`Postfix authenticates SMTP clients through Dovecot ${version}`, { skip: dovecotSkipReason(version) || postfixSkipReason() }, () => {
    let dovecot: Dovecot;
    let postfix: Postfix;

    before(async () => {
      const store = await sampleStore();
      const dir = tempDir();
      const written = await casctl(['get-dovecotconfig', '--write', dir, '--store', store, '--dovecot-version', version]);
      assert.equal(written.code, 0, written.stderr);
      dovecot = await startDovecot({ version, authInclude: join(dir, 'casctl-auth.conf'), saslListener: true });
      postfix = await startPostfix({ dovecot });
    });

    after(async () => {
      await postfix?.stop();
      await dovecot?.stop();
    });

    test('the right password gets 235; a wrong one and an unknown user get 535', async () => {
      const right = await postfix.authPlain(RAND, PASSWORD);
      assert.ok(right.ok, right.response);
      assert.match(right.response, /^235 /);
      for (const [user, password] of [[RAND, 'wrong'], ['nobody@tailspintoys.com', PASSWORD]] as const) {
        const refused = await postfix.authPlain(user, password);
        assert.equal(refused.ok, false, `${user}: ${refused.response}`);
        assert.match(refused.response, /^535 /);
      }
    });

    test('the client address chosen with localAddress is the one Postfix sees', async () => {
      assert.ok((await postfix.authPlain(RAND, PASSWORD, { localAddress: '127.0.0.2' })).ok);
      assert.match(postfix.log(), /connect from unknown\[127\.0\.0\.2\]/);
    });

    test('two instances run at once, and stopping one leaves the other serving and nothing of its own behind', async () => {
      const other = await startPostfix({ dovecot });
      assert.notEqual(other.port, postfix.port);
      const both = await Promise.all([postfix.authPlain(RAND, PASSWORD), other.authPlain(RAND, PASSWORD)]);
      assert.deepEqual(
        both.map((result) => result.ok),
        [true, true],
      );
      assert.notDeepEqual(postfixProcesses(other.pid), [], 'the check sees its smtpd and postlogd while it runs');
      await other.stop();
      assert.equal(running(other.pid), false);
      assert.deepEqual(postfixProcesses(other.pid), []);
      assert.equal(existsSync(other.base), false, 'its temp dir is removed');
      assert.ok((await postfix.authPlain(RAND, PASSWORD)).ok);
    });
  });
}

/**
 * Just enough of Dovecot's auth protocol for Postfix's smtpd to start (the server handshake), then
 * a hang-up at every AUTH: a Dovecot auth that went away, which Postfix answers with 454 (a passdb's
 * `FAIL ... temp` would not do: Postfix 3.7 answers that with 535).
 */
async function failingAuthServer(): Promise<{ path: string; close(): Promise<void> }> {
  const dir = tempDir();
  // smtpd runs as postfix: it must reach the socket and write to it.
  chmodSync(dir, 0o755);
  const path = join(dir, 'auth-hangs-up');
  const server = createServer((socket) => {
    socket.write(`VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nSPID\t${process.pid}\nCUID\t1\nCOOKIE\t${'0'.repeat(32)}\nDONE\n`);
    createInterface({ input: socket }).on('line', (line) => {
      if (line.startsWith('AUTH\t')) socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  chmodSync(path, 0o666);
  return { path, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the harness: Postfix with a failing auth server, and after a killed test', { skip: postfixSkipReason() }, () => {
  let auth: Awaited<ReturnType<typeof failingAuthServer>>;
  before(async () => {
    auth = await failingAuthServer();
  });
  after(async () => {
    await auth?.close();
  });

  test('an auth server that hangs up (454) fails the test instead of passing as a refusal', async () => {
    const postfix = await startPostfix({ saslPath: auth.path });
    try {
      await assert.rejects(postfix.authPlain(RAND, PASSWORD), /neither accepted \(235\) nor refused \(535\):\n454 [^]*--- Postfix maillog:/);
    } finally {
      await postfix.stop();
    }
  });

  test('an instance left running by a killed test process does not stop the next one from starting', async () => {
    // A test process that starts a Postfix, says which, and is then SIGKILLed: no exit hook runs.
    const helper = fileURLToPath(new URL('../helpers/postfix.ts', import.meta.url));
    const code = `const { startPostfix } = await import(process.argv[1]);
const postfix = await startPostfix({ saslPath: process.argv[2] });
console.log(JSON.stringify({ pid: postfix.pid, base: postfix.base }));
setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, helper, auth.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const line = await new Promise<string | undefined>((resolve) => {
      lines.once('line', resolve);
      child.once('exit', () => resolve(undefined));
    });
    child.kill('SIGKILL');
    lines.close();
    assert.ok(line !== undefined, 'the test process reported its Postfix');
    const stale = JSON.parse(line) as { pid: number; base: string };
    try {
      assert.ok(running(stale.pid), 'its Postfix outlived it');
      const next = await startPostfix({ saslPath: auth.path });
      await next.stop();
    } finally {
      await stopDaemon('stale postfix master', stale.pid, stale.base);
    }
  });
});
