import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyRefresh, onlyServer } from '../../helpers/service-setup.js';
import type { CommandResult } from '../../../src/services/run-command.js';
import { readServiceSetup } from '../../../src/services/service-config.js';
import { planRestart, ServiceControl } from '../../../src/services/service-control.js';
import type { PendingSince, ServiceLedger, ServiceMarkState } from '../../../src/services/service-ledger.js';
import { resolveServices, SERVICES } from '../../../src/services/services.js';

const WHEN = new Date('2026-03-01T10:00:00Z');

/** A ledger in memory: POP3 was refreshed through change 4, the rest never; changes 5 and 6 are newer. */
class MemoryLedger implements ServiceLedger {
  readonly marked: [string[], number, string][] = [];
  readonly states = new Map<string, ServiceMarkState>([
    ['MSExchangePOP3', { refreshedThrough: 4, refreshedAt: '2026-02-01T00:00:00.000Z' }],
    ['MSExchangePOP3BE', { refreshedThrough: 4, refreshedAt: '2026-02-01T00:00:00.000Z' }],
  ]);

  async serviceStates(): Promise<ReadonlyMap<string, ServiceMarkState>> {
    return this.states;
  }

  async pendingChanges(after: number): Promise<PendingSince> {
    const settings = [
      { PrimarySmtpAddress: 'a@x.org', logins: ['a@x.org'], property: 'PopEnabled' as const, enabled: false, change: 3 },
      { PrimarySmtpAddress: 'b@x.org', logins: ['b@x.org'], property: 'ImapEnabled' as const, enabled: true, change: 6 },
    ].filter((s) => s.change > after);
    return { throughChangeId: 6, settings };
  }

  async markServicesRefreshed(names: readonly string[], through: number, when: Date): Promise<void> {
    this.marked.push([[...names], through, when.toISOString()]);
  }
}

function dovecot(fail: (argv: readonly string[]) => boolean = () => false) {
  const calls: string[][] = [];
  const run = async (argv: readonly string[]): Promise<CommandResult> => {
    calls.push([...argv]);
    if (fail(argv)) return { exitCode: 1, stdout: '', stderr: 'down\n' };
    return { exitCode: 0, stdout: argv.includes('flush') ? '1 cache entries flushed\n' : argv.includes('who') ? 'username\tproto\tpid\n' : '', stderr: '' };
  };
  return { calls, run };
}

const setup = readServiceSetup({ preset: 'dovecot' }, null);

test('a refresh records each service\'s mark through the ledger it was given, once every command worked', async () => {
  const ledger = new MemoryLedger();
  const { calls, run } = dovecot();
  const result = onlyRefresh(await new ServiceControl(setup, ledger, () => WHEN, run).refresh(SERVICES));
  // POP3's own mark (4) hides a@x.org's change 3; IMAP4 has never refreshed, so it sees b@x.org's change 6.
  assert.deepEqual(calls, [['doveadm', 'auth', 'cache', 'flush', '--', 'b@x.org']]);
  assert.equal(result.mailboxes, 1);
  assert.deepEqual(ledger.marked, [[SERVICES.map((s) => s.Name), 6, WHEN.toISOString()]]);
});

test('a refresh that fails records no mark: every service stays pending', async () => {
  const ledger = new MemoryLedger();
  const { run } = dovecot((argv) => argv.includes('flush'));
  await assert.rejects(new ServiceControl(setup, ledger, () => WHEN, run).refresh(SERVICES), /Still pending on MSExchangePOP3, /);
  assert.deepEqual(ledger.marked, []);
});

test('a restart runs each restart command once and marks every service it restarted through the newest change', async () => {
  assert.deepEqual(planRestart(setup, onlyServer(setup), resolveServices(['pop3', 'imap4'])), { commands: [['doveadm', 'reload']], restarted: [...SERVICES] });
  const own = readServiceSetup({ preset: 'dovecot', commands: { MSExchangeIMAP4: { restart: ['systemctl', 'restart', 'dovecot-imap'] } } }, null);
  assert.deepEqual(planRestart(own, onlyServer(own), resolveServices(['imap4'])), { commands: [['systemctl', 'restart', 'dovecot-imap']], restarted: resolveServices(['imap4']) });

  const ledger = new MemoryLedger();
  const { calls, run } = dovecot();
  const restarted = await new ServiceControl(own, ledger, () => WHEN, run).restart(resolveServices(['pop3', 'imap4']));
  assert.deepEqual(calls, [['doveadm', 'reload'], ['systemctl', 'restart', 'dovecot-imap']]);
  assert.deepEqual(restarted.map((s) => s.Name), SERVICES.map((s) => s.Name));
  assert.deepEqual(ledger.marked, [[SERVICES.map((s) => s.Name), 6, WHEN.toISOString()]]);

  const failing = new MemoryLedger();
  await assert.rejects(new ServiceControl(own, failing, () => WHEN, dovecot((argv) => argv[0] === 'systemctl').run).restart(resolveServices(['imap4'])), /'systemctl restart dovecot-imap' failed with exit code 1/);
  assert.deepEqual(failing.marked, []);
});
