/**
 * test-imapconnectivity / test-popconnectivity against a real Dovecot (test/helpers/dovecot.ts)
 * reading a copy of the sample store, checked against an independent raw-socket client
 * (test/helpers/mail-login.ts). Skipped without Dovecot only when CI is unset.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { BIN, casctl, json, ROOT, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, freePort, startDovecot, type Dovecot, type DovecotVersion } from '../helpers/dovecot.js';
import { imapLogin, openImapSession, pop3Login } from '../helpers/mail-login.js';

const SAMPLE_PASSWORD = 'Tailspin!2026';
const RAND = 'rand.zaher@tailspintoys.com';
/** pop_enabled = 0 in the store before Dovecot ever sees it: no cache involved. */
const NO_POP = 'priya.raman@tailspintoys.com';
/** Given a distinctive password, so a leak into any output is unmistakable. */
const DISTINCT = 'marcus.oyelaran@tailspintoys.com';
const DISTINCT_PASSWORD = 'Zq7-casctl-Distinct-9041';
const WRONG_PASSWORD = 'Wr0ng-casctl-Distinct-5521';
/** Used only by the cache test, which changes it while Dovecot runs. */
const CACHED = 'ebrunner@tailspintoys.com';

/** The passdb/userdb casctl itself writes for `store`; returns the casctl-auth.conf to include. */
async function writeAuthInclude(dir: string, store: string, version: DovecotVersion): Promise<string> {
  const written = await casctl(['get-dovecotconfig', '--write', dir, '--store', store, '--dovecot-version', version]);
  assert.equal(written.code, 0, written.stderr);
  return join(dir, 'casctl-auth.conf');
}

function setMailbox(store: string, address: string, column: 'pop_enabled' | 'password', value: number | string): void {
  const db = new Database(store);
  try {
    db.pragma('busy_timeout = 5000');
    const changed = db.prepare(`UPDATE mailboxes SET ${column} = ? WHERE primary_smtp_address = ?`).run(value, address).changes;
    assert.equal(changed, 1, `no mailbox ${address} in the sample store`);
  } finally {
    db.close();
  }
}

function assertNoSecret(result: CliResult, ...secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!result.stdout.includes(secret), `the password appears on stdout:\n${result.stdout}`);
    assert.ok(!result.stderr.includes(secret), `the password appears on stderr:\n${result.stderr}`);
  }
}

interface Row {
  Protocol: string;
  Server: string;
  Port: number;
  Mailbox: string;
  Result: string;
  Response: string | null;
  Latency: number;
  Error: string | null;
}

function onlyRow(result: CliResult): Row {
  const rows = json<Row[]>(result);
  assert.equal(rows.length, 1, result.stdout);
  return rows[0] as Row;
}

for (const version of DOVECOT_VERSIONS) describe(`test-imapconnectivity / test-popconnectivity against a real Dovecot ${version}`, { skip: dovecotSkipReason(version) }, () => {
  let dovecot: Dovecot;
  let store: string;
  let dir: string;
  const env = (password = SAMPLE_PASSWORD): NodeJS.ProcessEnv => ({ CASCTL_TEST_PASSWORD: password });
  const imap = (args: string[], password?: string): Promise<CliResult> =>
    casctl(['test-imapconnectivity', ...args, '--port', String(dovecot.imapPort), '--timeout', '5'], { env: env(password) });
  const pop = (args: string[], password?: string): Promise<CliResult> =>
    casctl(['test-popconnectivity', ...args, '--port', String(dovecot.pop3Port), '--timeout', '5'], { env: env(password) });

  before(async () => {
    store = await sampleStore();
    setMailbox(store, NO_POP, 'pop_enabled', 0);
    setMailbox(store, DISTINCT, 'password', `{PLAIN}${DISTINCT_PASSWORD}`);
    dir = tempDir();
    dovecot = await startDovecot({ version, authInclude: await writeAuthInclude(dir, store, version) });
  });
  after(async () => {
    await dovecot?.stop();
  });

  test('the independent client logs Rand Zaher in over IMAP and POP3', async () => {
    const i = await imapLogin(dovecot.imapPort, RAND, SAMPLE_PASSWORD);
    assert.ok(i.ok, i.response);
    assert.match(i.response, /^OK .*Logged in/);
    const p = await pop3Login(dovecot.pop3Port, RAND, SAMPLE_PASSWORD);
    assert.deepEqual(p, { ok: true, response: '+OK Logged in.' });
  });

  test('test-imapconnectivity: Success, exit 0, the documented JSON shape', async () => {
    const result = await imap([RAND, '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const row = onlyRow(result);
    assert.deepEqual(Object.keys(row), ['Protocol', 'Server', 'Port', 'Mailbox', 'Result', 'Response', 'Latency', 'Error']);
    assert.deepEqual(
      { ...row, Latency: 0 },
      { Protocol: 'IMAP4', Server: '127.0.0.1', Port: dovecot.imapPort, Mailbox: RAND, Result: 'Success', Response: 'OK Logged in', Latency: 0, Error: null },
    );
    assert.ok(Number.isInteger(row.Latency) && row.Latency >= 0 && row.Latency < 5000, String(row.Latency));
    assert.equal(result.stderr, '');
  });

  test('test-popconnectivity: Success with the password from --password-file, the login name lower-cased', async () => {
    const file = join(dir, 'password.txt');
    writeFileSync(file, `${SAMPLE_PASSWORD}\r\nsecond line is ignored\n`);
    const result = await casctl(
      ['test-popconnectivity', '--identity', 'Rand.Zaher@TailspinToys.com', '--port', String(dovecot.pop3Port), '--password-file', file, '-o', 'json'],
      { env: {} },
    );
    assert.equal(result.code, 0, result.stderr);
    const row = onlyRow(result);
    assert.equal(row.Protocol, 'POP3');
    assert.equal(row.Mailbox, RAND);
    assert.equal(row.Result, 'Success');
    assert.equal(row.Response, '+OK Logged in.');
    assert.equal(row.Error, null);
  });

  test('a wrong password: Failure with the server response, exit 1, on both protocols', async () => {
    const [i, p] = await Promise.all([imap([RAND, '-o', 'json'], WRONG_PASSWORD), pop([RAND, '-o', 'json'], WRONG_PASSWORD)]);
    assert.equal(i.code, 1, i.stderr);
    assert.equal(p.code, 1, p.stderr);
    const imapRow = onlyRow(i);
    const popRow = onlyRow(p);
    assert.equal(imapRow.Result, 'Failure');
    assert.equal(imapRow.Response, 'NO [AUTHENTICATIONFAILED] Authentication failed.');
    assert.equal(imapRow.Error, 'login refused');
    assert.equal(popRow.Result, 'Failure');
    assert.equal(popRow.Response, '-ERR [AUTH] Authentication failed.');
    assert.equal(popRow.Error, 'login refused');
    assertNoSecret(i, WRONG_PASSWORD);
    assertNoSecret(p, WRONG_PASSWORD);
    // The independent client agrees.
    assert.equal((await imapLogin(dovecot.imapPort, RAND, WRONG_PASSWORD)).ok, false);
    assert.equal((await pop3Login(dovecot.pop3Port, RAND, WRONG_PASSWORD)).ok, false);
  });

  test('pop_enabled = 0 in the store: POP3 Failure while IMAP Success', async () => {
    const [helperPop, helperImap] = await Promise.all([
      pop3Login(dovecot.pop3Port, NO_POP, SAMPLE_PASSWORD),
      imapLogin(dovecot.imapPort, NO_POP, SAMPLE_PASSWORD),
    ]);
    assert.deepEqual(helperPop, { ok: false, response: '-ERR [AUTH] Authentication failed.' });
    assert.ok(helperImap.ok, helperImap.response);

    const [p, i] = await Promise.all([pop([NO_POP, '-o', 'json']), imap([NO_POP, '-o', 'json'])]);
    assert.equal(p.code, 1, p.stderr);
    assert.equal(onlyRow(p).Result, 'Failure');
    assert.equal(onlyRow(p).Response, '-ERR [AUTH] Authentication failed.');
    assert.equal(i.code, 0, i.stderr);
    assert.equal(onlyRow(i).Result, 'Success');
  });

  test('the password never appears in any output format, on success or failure', async () => {
    const runs: CliResult[] = [];
    for (const format of ['table', 'list', 'json', 'csv']) {
      runs.push(await imap([DISTINCT, '-o', format], DISTINCT_PASSWORD), await pop([DISTINCT, '-o', format], DISTINCT_PASSWORD));
    }
    for (const result of runs) {
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /Success/);
      assertNoSecret(result, DISTINCT_PASSWORD);
    }
    const list = runs[2] as CliResult;
    assert.match(list.stdout, /^Result\s+: Success$/m);
    const csv = runs[6] as CliResult;
    assert.match(csv.stdout, /^Protocol,Server,Port,Mailbox,Result,Response,Latency,Error\r\n/);
  });

  test('connection refused on a closed port: Failure with Error, exit 1', async () => {
    const closed = String(await freePort());
    for (const command of ['test-imapconnectivity', 'test-popconnectivity']) {
      const result = await casctl([command, RAND, '--port', closed, '-o', 'json'], { env: env() });
      assert.equal(result.code, 1, result.stderr);
      const row = onlyRow(result);
      assert.equal(row.Result, 'Failure');
      assert.equal(row.Error, 'connection refused');
      assert.equal(row.Response, null);
      assert.equal(row.Port, Number(closed));
    }
  });

  test('--tls against a plain-text port fails the handshake, it does not hang', async () => {
    const [i, p] = await Promise.all([imap([RAND, '--tls', '-o', 'json']), pop([RAND, '--tls', '-o', 'json'])]);
    for (const result of [i, p]) {
      assert.equal(result.code, 1, result.stderr);
      assert.match(onlyRow(result).Error ?? '', /TLS/);
    }
  });

  test('a server that never greets: Failure, timed out, after about --timeout', async () => {
    // Timed by the server, from accept to the client's hang-up: the wall clock around the two
    // casctl runs also counts Node starting twice, seconds on a loaded CI machine.
    const heldMs: number[] = [];
    const silent: Server = createServer((socket) => {
      const accepted = Date.now();
      socket.on('error', () => undefined);
      socket.on('close', () => heldMs.push(Date.now() - accepted));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((silent.address() as { port: number }).port);
      const results = await Promise.all(
        ['test-imapconnectivity', 'test-popconnectivity'].map((command) =>
          casctl([command, RAND, '--port', port, '--timeout', '1', '-o', 'json'], { env: env() }),
        ),
      );
      for (const result of results) {
        assert.equal(result.code, 1, result.stderr);
        assert.equal(onlyRow(result).Error, 'timed out');
      }
      // The server may see the hang-up a moment after casctl has exited.
      for (let wait = 0; wait < 50 && heldMs.length < 2; wait++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(heldMs.length, 2, 'both hung up');
      for (const ms of heldMs) assert.ok(ms >= 900 && ms < 3000, `hung up ${ms} ms after connecting (--timeout 1)`);
    } finally {
      silent.close();
    }
  });

  test('no password and no terminal: a usage error (exit 2) that says how to give one', async () => {
    const result = await casctl(['test-popconnectivity', RAND, '--port', String(dovecot.pop3Port)], { env: {} });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--password-file/);
    assert.match(result.stderr, /CASCTL_TEST_PASSWORD/);
    assert.equal(result.stdout, '');
  });

  // Then with stdin a pipe: the prompt reads the controlling terminal, as ssh does.
  for (const [stdin, command] of [
    ['a terminal', [process.execPath, BIN]],
    ['a pipe', ['sh', '-c', 'echo | "$0" "$@"', process.execPath, BIN]],
  ] as const) test(`on a terminal (stdin ${stdin}), casctl asks for the password and echoes nothing of it, not even a * per key`, async () => {
    const args = [join(ROOT, 'test', 'helpers', 'pty-answer.py'), 'Password for marcus', `${DISTINCT_PASSWORD}\\r`,
      ...command, 'test-imapconnectivity', DISTINCT, '--port', String(dovecot.imapPort), '-o', 'list'];
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('python3', args, { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Password for marcus\.oyelaran@tailspintoys\.com:/);
    assert.doesNotMatch(result.output, /\*/);
    assert.match(result.output, /Result\s+: Success/);
    assert.ok(!result.output.includes(DISTINCT_PASSWORD), result.output);
  });

  test('the harness: a store change is not seen until the auth cache is flushed', async () => {
    assert.ok((await pop3Login(dovecot.pop3Port, CACHED, SAMPLE_PASSWORD)).ok);
    setMailbox(store, CACHED, 'pop_enabled', 0);
    assert.ok((await pop3Login(dovecot.pop3Port, CACHED, SAMPLE_PASSWORD)).ok, 'cached: still admitted');
    const cachedRun = await pop([CACHED, '-o', 'json']);
    assert.equal(onlyRow(cachedRun).Result, 'Success');
    assert.ok(dovecot.flushAuthCache([CACHED]) >= 1);
    assert.equal((await pop3Login(dovecot.pop3Port, CACHED, SAMPLE_PASSWORD)).ok, false);
    const flushedRun = await pop([CACHED, '-o', 'json']);
    assert.equal(flushedRun.code, 1);
    assert.equal(onlyRow(flushedRun).Result, 'Failure');
  });

  test('the harness: an open IMAP session stays alive until doveadm kick ends it', async () => {
    const session = await openImapSession(dovecot.imapPort, RAND, SAMPLE_PASSWORD);
    try {
      assert.equal(await session.alive(), true);
      const kick = dovecot.doveadm(['kick', RAND]);
      assert.equal(kick.code, 0, kick.stderr);
      let alive = true;
      for (let i = 0; i < 40 && alive; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        alive = await session.alive();
      }
      assert.equal(alive, false);
    } finally {
      await session.close();
    }
  });
});
