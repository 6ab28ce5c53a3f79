import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyServer } from '../../helpers/service-setup.js';
import { ServiceError } from '../../../src/core/errors.js';
import { planRefresh, type RefreshPlan } from '../../../src/services/refresh-plan.js';
import type { CommandResult } from '../../../src/services/run-command.js';
import { KICK_NOTHING, runRefresh } from '../../../src/services/run-refresh.js';
import { readServiceSetup } from '../../../src/services/service-config.js';
import { SERVICES } from '../../../src/services/services.js';

const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
const WHO = ['doveadm', '-f', 'tab', 'who', '-1'];

/** A runner that records every argv and answers from `answer`; a who lists `sessions` until a kill ends them. */
function recorder(answer: (argv: readonly string[], sessions: Map<number, string>) => CommandResult | undefined = () => undefined) {
  const calls: string[][] = [];
  const sessions = new Map([[11, 'a@x.org\timap'], [12, 'a@x.org\tpop3'], [13, 'b@x.org\timap']]);
  const run = async (argv: readonly string[], timeoutMs: number): Promise<CommandResult> => {
    assert.equal(timeoutMs, 7000);
    calls.push([...argv]);
    const given = answer(argv, sessions);
    if (given !== undefined) return given;
    if (argv.includes('flush')) return ok(`${argv.length - 5} cache entries flushed\n`);
    if (argv.includes('who')) return ok(`username\tproto\tpid\tip\n${[...sessions].map(([pid, s]) => `${s}\t${pid}\t::1`).join('\n')}\n`);
    if (argv[0] === 'kill') for (const pid of argv.slice(2)) sessions.delete(Number(pid));
    return ok();
  };
  return { calls, run, runner: { run, timeoutMs: 7000 } };
}

function planFor(setupSection: Record<string, unknown>, settings: { PrimarySmtpAddress: string; enabled: boolean }[]): RefreshPlan {
  const setup = readServiceSetup(setupSection, null);
  return planRefresh(
    SERVICES.map((service) => ({
      service,
      commands: onlyServer(setup).commands.get(service.Name) ?? assert.fail(service.Name),
      pending: { throughChangeId: 5, settings: settings.map((s) => ({ ...s, logins: [s.PrimarySmtpAddress], property: 'ImapEnabled' as const })) },
    })),
  );
}

// Every service of the registry stays pending (the test's plan names them all), in registry order.
const NAMES = SERVICES.map((s) => s.Name);
const STILL_PENDING = new RegExp(`\\nStill pending on ${NAMES.join(', ')}: once Dovecot answers, run 'casctl refresh-service ${NAMES.join(' ')}'\\.$`);

test('a refresh runs its plan in order: flush, list sessions, kill exactly the lost ones, list again to count them', async () => {
  const { calls, runner } = recorder();
  const result = await runRefresh(planFor({ preset: 'dovecot' }, [{ PrimarySmtpAddress: 'a@x.org', enabled: false }]), runner);
  assert.deepEqual(calls, [['doveadm', 'auth', 'cache', 'flush', '--', 'a@x.org'], WHO, ['kill', '-TERM', '11'], WHO]);
  assert.deepEqual(result, { mailboxes: 1, flushedLogins: 1, sessionsEnded: 1, kickedMailboxes: 0, sessionsLeftOpen: [], unsafeNames: [] });
});

test('a flush whose output shows a failure is an error, even with exit code 0; the services stay pending', async () => {
  const plan = planFor({ preset: 'dovecot' }, [{ PrimarySmtpAddress: 'a@x.org', enabled: true }]);
  const cases: [CommandResult, RegExp][] = [
    [{ exitCode: 0, stdout: '0 cache entries flushed\n', stderr: 'Error: auth-master: auth cache flush: Disconnected unexpectedly\n' }, /^Flushing the login cache failed: 'doveadm auth cache flush -- a@x\.org' exited 0 but said:\n {2}0 cache entries flushed\n {2}Error: auth-master/],
    [{ exitCode: 0, stdout: '', stderr: '' }, /^Flushing the login cache failed: 'doveadm auth cache flush -- a@x\.org' exited 0 but said:\n {2}\n/],
    [{ exitCode: 0, stdout: 'doveadm(root): Fatal: Unknown command\n', stderr: '' }, /exited 0 but said:\n {2}doveadm\(root\): Fatal: Unknown command/],
    [{ exitCode: 75, stdout: '', stderr: 'auth-master: connect(/run/dovecot/auth-master) failed: No such file\n' }, /^Flushing the login cache failed: 'doveadm auth cache flush -- a@x\.org' failed with exit code 75:\n {2}auth-master: connect/],
  ];
  for (const [answer, message] of cases) {
    const { runner } = recorder((argv) => (argv.includes('flush') ? answer : undefined));
    await assert.rejects(runRefresh(plan, runner), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.message, message);
      assert.match(error.message, STILL_PENDING);
      return true;
    });
  }
  // A command that is not doveadm says what it likes: only its exit code and an Error: line count.
  const own = planFor({ preset: 'dovecot', commands: Object.fromEntries(SERVICES.map((s) => [s.Name, { flush: ['/usr/local/sbin/flush-logins', '{users}'] }])) }, [{ PrimarySmtpAddress: 'a@x.org', enabled: true }]);
  const quiet = recorder((argv) => (argv[0] === '/usr/local/sbin/flush-logins' ? ok() : undefined));
  assert.equal((await runRefresh(own, quiet.runner)).flushedLogins, 1);
  assert.deepEqual(quiet.calls, [['/usr/local/sbin/flush-logins', 'a@x.org']]);
});

test('a long list of names is counted, not dumped, in a failure message', async () => {
  const settings = Array.from({ length: 5 }, (_, i) => ({ PrimarySmtpAddress: `u${i}@x.org`, enabled: true }));
  const { runner } = recorder((argv) => (argv.includes('flush') ? { exitCode: 1, stdout: '', stderr: '' } : undefined));
  await assert.rejects(runRefresh(planFor({ preset: 'dovecot' }, settings), runner), (error: unknown) => {
    assert.match((error as Error).message, /^Flushing the login cache failed: 'doveadm auth cache flush -- u0@x\.org u1@x\.org' \(and 3 more\) failed with exit code 1\.\n/);
    return true;
  });
});

test(`kick: exit ${KICK_NOTHING} (no session) is no failure, another exit code is`, async () => {
  const section = { preset: 'dovecot', doveadm: ['/usr/local/bin/mail1-admin'] };
  const plan = planFor(section, [{ PrimarySmtpAddress: 'a@x.org', enabled: false }, { PrimarySmtpAddress: 'b@x.org', enabled: false }]);
  const nothing = recorder((argv) => (argv.includes('kick') ? { exitCode: KICK_NOTHING, stdout: '', stderr: 'no users found\n' } : undefined));
  const result = await runRefresh(plan, nothing.runner);
  assert.deepEqual(nothing.calls.filter((argv) => argv.includes('kick')), [
    ['/usr/local/bin/mail1-admin', 'kick', '--', 'a@x.org'],
    ['/usr/local/bin/mail1-admin', 'kick', '--', 'b@x.org'],
  ]);
  assert.equal(result.kickedMailboxes, 2);
  const broken = recorder((argv) => (argv.includes('kick') ? { exitCode: 1, stdout: '', stderr: 'Permission denied\n' } : undefined));
  await assert.rejects(runRefresh(plan, broken.runner), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /^Ending the sessions of a@x\.org failed: '\/usr\/local\/bin\/mail1-admin kick -- a@x\.org' failed with exit code 1:\n {2}Permission denied\n/);
    assert.match(error.message, STILL_PENDING);
    return true;
  });
});

test('kill: a process already gone is no failure; another kill failure, or a who that fails or cannot be read, is', async () => {
  const plan = planFor({ preset: 'dovecot' }, [{ PrimarySmtpAddress: 'a@x.org', enabled: false }]);
  // The session ended by itself between the who and the kill.
  const gone = recorder((argv, sessions) => (argv[0] === 'kill' && sessions.delete(11) ? { exitCode: 1, stdout: '', stderr: 'kill: (11) - No such process\n' } : undefined));
  const result = await runRefresh(plan, gone.runner);
  assert.deepEqual(gone.calls.slice(1, 3), [WHO, ['kill', '-TERM', '11']]);
  assert.equal(result.sessionsEnded, 1, 'the second who no longer lists it');
  const cases: [(argv: readonly string[]) => CommandResult | undefined, RegExp][] = [
    [(argv) => (argv[0] === 'kill' ? { exitCode: 1, stdout: '', stderr: 'kill: Operation not permitted\n' } : undefined), /^Ending the sessions that lost access failed: 'kill -TERM 11' failed with exit code 1:\n {2}kill: Operation not permitted/],
    [(argv) => (argv.includes('who') ? { exitCode: 89, stdout: '', stderr: 'Error: connect failed\n' } : undefined), /^Listing the open sessions failed: 'doveadm -f tab who -1' failed with exit code 89/],
    [(argv) => (argv.includes('who') ? ok('username\t#\tproto\t(pids)\n') : undefined), /^Listing the open sessions failed: 'doveadm -f tab who -1': unexpected 'doveadm who' output/],
  ];
  for (const [answer, message] of cases) {
    await assert.rejects(runRefresh(plan, recorder(answer).runner), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.message, message);
      assert.match(error.message, STILL_PENDING);
      return true;
    });
  }
});

test('progress counts every call of the plan, and stops whatever happens', async () => {
  const events: string[] = [];
  const progress = { start: (n: number) => events.push(`start ${n}`), tick: (n: number) => events.push(`tick ${n}`), stop: () => events.push('stop') };
  const plan = planFor({ preset: 'dovecot' }, [{ PrimarySmtpAddress: 'a@x.org', enabled: false }]);
  await runRefresh(plan, recorder().runner, progress);
  assert.deepEqual(events, ['start 2', 'tick 1', 'tick 1', 'stop']);
  events.length = 0;
  await assert.rejects(runRefresh(plan, recorder(() => ({ exitCode: 1, stdout: '', stderr: '' })).runner, progress));
  assert.deepEqual(events, ['start 2', 'stop']);
});
