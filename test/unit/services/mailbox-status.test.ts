import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, ServiceError } from '../../../src/core/errors.js';
import { failedUsers, mailboxStatusArgv, parseMailboxStatus, readMailboxStatus } from '../../../src/services/mailbox-status.js';
import { MailboxStatisticsReader } from '../../../src/services/mailbox-statistics.js';
import type { CommandResult, CommandRunner } from '../../../src/services/run-command.js';
import { readServiceSetup } from '../../../src/services/service-config.js';

const PATH = '/etc/casctl/config.json';
const WORDS = ['-f', 'tab', 'mailbox', 'status', '-t', '-F', '-', 'messages vsize', '*'];

interface Call {
  argv: readonly string[];
  input: string | undefined;
}

/** A runner that records each call and answers from `answer`. */
function recording(answer: (argv: readonly string[], input: string | undefined) => CommandResult | Error): { runner: CommandRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: CommandRunner = async (argv, _timeout, input) => {
    calls.push({ argv, input });
    const result = answer(argv, input);
    if (result instanceof Error) throw result;
    return result;
  };
  return { runner, calls };
}

/** What doveadm prints for these users: each with `messages` and `vsize` from the table. */
const table = (rows: Record<string, [number, number]>): string =>
  `Username\tmessages\tvsize\n${Object.entries(rows).map(([u, [m, v]]) => `${u}\t${m}\t${v}\n`).join('')}`;

test('the status argv goes through the doveadm prefix of the preset, its config and all; users go on stdin, never on argv', () => {
  const local = readServiceSetup({ preset: 'dovecot', config: '/etc/dovecot/dovecot.conf' }, PATH);
  assert.deepEqual(mailboxStatusArgv(local.servers[0]?.doveadm ?? []), ['doveadm', '-c', '/etc/dovecot/dovecot.conf', ...WORDS]);
  const chroot = readServiceSetup({ preset: 'systemd', doveadm: ['chroot', '/srv/d13', '/usr/bin/doveadm'] }, PATH);
  assert.deepEqual(mailboxStatusArgv(chroot.servers[0]?.doveadm ?? []), ['chroot', '/srv/d13', '/usr/bin/doveadm', ...WORDS]);
  // ssh hands the words to the remote shell as one line: quoted, `messages vsize` stays one word and `*` is not a glob.
  const ssh = readServiceSetup({ preset: 'dovecot', servers: [{ name: 'mx1', doveadm: ['/usr/bin/ssh', 'mx1.example.com', 'doveadm'] }] }, PATH);
  assert.deepEqual(mailboxStatusArgv(ssh.servers[0]?.doveadm ?? []), [
    '/usr/bin/ssh', 'mx1.example.com', 'doveadm', "'-f'", "'tab'", "'mailbox'", "'status'", "'-t'", "'-F'", "'-'", "'messages vsize'", "'*'",
  ]);
});

test('a setup without a preset has no doveadm to read mailboxes with: a config error (exit 3) saying what to set', () => {
  const setup = readServiceSetup({ commands: { MSExchangeIMAP4: { restart: ['true'], status: ['true'] } } }, PATH);
  assert.equal(setup.servers[0]?.doveadm, null);
  assert.throws(() => new MailboxStatisticsReader(setup, recording(() => new Error('not run')).runner, () => undefined), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /"services"\."preset"/);
    return true;
  });
});

test('the tab table of 2.3 and 2.4 parses by column name, CRLF or not; anything else is not a status table', () => {
  assert.deepEqual(
    parseMailboxStatus('Username\tmessages\tvsize\na@x.test\t200\t1293942\nÜnï.o\'neil@x.test\t0\t0\n'),
    new Map([['a@x.test', { messages: 200, vsize: 1293942 }], ["Ünï.o'neil@x.test", { messages: 0, vsize: 0 }]]),
  );
  assert.deepEqual(parseMailboxStatus('vsize\tUsername\tmessages\r\n12\tb@x.test\t1\r\n'), new Map([['b@x.test', { messages: 1, vsize: 12 }]]));
  assert.deepEqual(parseMailboxStatus('Username\tmessages\tvsize\n'), new Map());
  assert.equal(parseMailboxStatus(''), null);
  assert.equal(parseMailboxStatus('mailbox\tmessages\tvsize\nINBOX\t1\t2\n'), null);
  assert.equal(parseMailboxStatus('Username\tmessages\tvsize\na@x.test\tmany\t2\n'), null);
  assert.equal(parseMailboxStatus('Username\tmessages\tvsize\na@x.test\t1\n'), null);
});

test("doveadm's per-user errors are found for the users of the call, in 2.3's and 2.4's wording", () => {
  const stderr = [
    'doveadm(a@x.test): Error: Mailbox INBOX: open(/srv/mail/a/cur) failed: Permission denied',
    'doveadm(b@x.test): Error: cmd mailbox status: Internal error occurred. Refer to server log for more information.',
    'doveadm(c@x.test): Info: cmd mailbox status: User no longer exists, skipping',
    'doveadm(someone@else.test): Error: not ours',
    'doveadm(): Info: User no longer exists, skipping',
  ].join('\n');
  assert.deepEqual(
    failedUsers(stderr, new Set(['a@x.test', 'b@x.test', 'c@x.test'])),
    new Map([
      ['a@x.test', 'Mailbox INBOX: open(/srv/mail/a/cur) failed: Permission denied'],
      ['b@x.test', 'Internal error occurred. Refer to server log for more information.'],
    ]),
  );
});

test('one call per batch: the users one per line on stdin; users doveadm skips are in neither map, users it failed are left out of found', async () => {
  const { runner, calls } = recording(() => ({
    exitCode: 75,
    stdout: table({ 'a@x.test': [3, 300], 'b@x.test': [1, 10] }),
    stderr: 'doveadm(b@x.test): Error: Mailbox INBOX: corrupted index\ndoveadm(c@x.test): Info: User no longer exists, skipping\n',
  }));
  const status = await readMailboxStatus(runner, ['doveadm'], ['a@x.test', 'b@x.test', 'c@x.test'], 5000);
  assert.deepEqual(calls, [{ argv: ['doveadm', ...WORDS], input: 'a@x.test\nb@x.test\nc@x.test\n' }]);
  assert.deepEqual(status.found, new Map([['a@x.test', { messages: 3, vsize: 300 }]]));
  assert.deepEqual(status.failed, new Map([['b@x.test', 'Mailbox INBOX: corrupted index']]));
});

test('a call that fails as a whole is a ServiceError (exit 4) with what doveadm said', async () => {
  const failing = recording(() => ({ exitCode: 89, stdout: '', stderr: 'doveadm: Fatal: Error reading configuration: stat(/nope.conf) failed\n' })).runner;
  await assert.rejects(readMailboxStatus(failing, ['doveadm'], ['a@x.test'], 5000), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /exit code 89:\n {2}doveadm: Fatal: Error reading configuration/);
    return true;
  });
  const chatty = recording(() => ({ exitCode: 0, stdout: 'Welcome to mx1\n', stderr: '' })).runner;
  await assert.rejects(readMailboxStatus(chatty, ['doveadm'], ['a@x.test'], 5000), /did not print doveadm's status table: Welcome to mx1/);
  const exitedWithTable = recording(() => ({ exitCode: 75, stdout: table({}), stderr: 'doveadm(): Error: auth-master: connect failed\n' })).runner;
  await assert.rejects(readMailboxStatus(exitedWithTable, ['doveadm'], ['a@x.test'], 5000), ServiceError);
});

test('several servers: the first answers for every batch; once it fails, the next answers for the rest, said once', async () => {
  const setup = readServiceSetup(
    { preset: 'dovecot', servers: [{ name: 'mx1', doveadm: ['ssh', 'mx1', 'doveadm'] }, { name: 'mx2', doveadm: ['ssh', 'mx2', 'doveadm'] }] },
    PATH,
  );
  let mx1Up = true;
  const { runner, calls } = recording((argv, input) => {
    if (argv[1] === 'mx1' && !mx1Up) return new ServiceError("'ssh mx1 doveadm' did not finish within 30 s.");
    const users = (input ?? '').split('\n').filter(Boolean);
    return { exitCode: 0, stdout: table(Object.fromEntries(users.map((u) => [u, [1, 2]]))), stderr: '' };
  });
  const failovers: string[] = [];
  const reader = new MailboxStatisticsReader(setup, runner, (failed, next, why) => failovers.push(`${failed}→${next}: ${why}`));
  assert.equal((await reader.read(['a@x.test'])).server, 'mx1');
  mx1Up = false;
  assert.equal((await reader.read(['b@x.test'])).server, 'mx2');
  assert.equal((await reader.read(['c@x.test'])).server, 'mx2');
  assert.deepEqual(calls.map((c) => c.argv[1]), ['mx1', 'mx1', 'mx2', 'mx2']);
  assert.deepEqual(failovers, ["mx1→mx2: 'ssh mx1 doveadm' did not finish within 30 s."]);
});

test('a batch fails only when every server failed it, naming each', async () => {
  const setup = readServiceSetup({ preset: 'dovecot', servers: [{ name: 'mx1', doveadm: ['ssh', 'mx1', 'doveadm'] }, { name: 'mx2', doveadm: ['ssh', 'mx2', 'doveadm'] }] }, PATH);
  const { runner } = recording((argv) => ({ exitCode: 255, stdout: '', stderr: `ssh: connect to host ${argv[1]} port 22: Connection refused\n` }));
  await assert.rejects(new MailboxStatisticsReader(setup, runner, () => undefined).read(['a@x.test']), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /^mx1: .*exit code 255:\n {2}ssh: connect to host mx1 .*\nmx2: .*ssh: connect to host mx2/s);
    return true;
  });
});
