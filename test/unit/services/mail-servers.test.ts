import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, ServiceError } from '../../../src/core/errors.js';
import type { CommandResult } from '../../../src/services/run-command.js';
import { readServiceSetup } from '../../../src/services/service-config.js';
import { ServiceControl } from '../../../src/services/service-control.js';
import type { PendingSince, ServiceLedger, ServiceMarkState } from '../../../src/services/service-ledger.js';
import { SERVICES } from '../../../src/services/services.js';

const WHEN = new Date('2026-03-01T10:00:00Z');
const PATH = '/etc/casctl/config.json';

/** A ledger in memory: changes 1 (a@x.org's POP3) and 2 (b@x.org's IMAP4); marks kept as the stores keep them. */
class MemoryLedger implements ServiceLedger {
  readonly states = new Map<string, ServiceMarkState>();
  readonly events: string[] = [];

  constructor(private readonly replicas = true) {}

  async serviceStates(): Promise<ReadonlyMap<string, ServiceMarkState>> {
    return this.states;
  }

  async pendingChanges(after: number): Promise<PendingSince> {
    const settings = [
      { PrimarySmtpAddress: 'a@x.org', logins: ['a@x.org'], property: 'PopEnabled' as const, enabled: false, change: 1 },
      { PrimarySmtpAddress: 'b@x.org', logins: ['b@x.org'], property: 'ImapEnabled' as const, enabled: false, change: 2 },
    ].filter((s) => s.change > after);
    return { throughChangeId: 2, settings };
  }

  async markServicesRefreshed(names: readonly string[], through: number, when: Date): Promise<void> {
    for (const name of names) this.states.set(name, { refreshedThrough: Math.max(through, this.states.get(name)?.refreshedThrough ?? 0), refreshedAt: when.toISOString() });
  }

  get awaitReplica(): ServiceLedger['awaitReplica'] {
    if (!this.replicas) return undefined;
    return async (url: string, timeoutMs: number) => {
      this.events.push(`await ${url} ${timeoutMs}`);
    };
  }
}

/** Two mail servers reached over ssh, each reading its own replica. */
const SERVERS = {
  preset: 'dovecot',
  replicaWaitSeconds: 5,
  servers: [
    { name: 'mx1', doveadm: ['ssh', 'mx1', 'doveadm'], replica: 'ldap://mx1:389/dc=x,dc=org' },
    { name: 'mx2', doveadm: ['ssh', 'mx2', 'doveadm'], replica: 'ldap://mx2:389/dc=x,dc=org' },
  ],
};

function dovecots(ledger: MemoryLedger, down: ReadonlySet<string> = new Set()) {
  const run = async (argv: readonly string[]): Promise<CommandResult> => {
    ledger.events.push(argv.join(' '));
    if (down.has(argv[1] ?? '')) return { exitCode: 255, stdout: '', stderr: `ssh: connect to host ${argv[1]} port 22: Connection refused\n` };
    const flushed = argv.includes('flush') ? `${argv.length - argv.indexOf('--') - 1} cache entries flushed\n` : '';
    return { exitCode: 0, stdout: argv.includes('who') ? 'username\tproto\tpid\n' : flushed, stderr: '' };
  };
  return run;
}

test('"servers": each mail server gets the preset on its own doveadm and its replica; the single form stays one unnamed server', () => {
  const setup = readServiceSetup(SERVERS, PATH);
  assert.deepEqual(setup.servers.map((s) => [s.name, s.replica, s.commands.get('MSExchangeIMAP4')?.flush]), [
    ['mx1', 'ldap://mx1:389/dc=x,dc=org', ['ssh', 'mx1', 'doveadm', 'auth', 'cache', 'flush', '--', '{users}']],
    ['mx2', 'ldap://mx2:389/dc=x,dc=org', ['ssh', 'mx2', 'doveadm', 'auth', 'cache', 'flush', '--', '{users}']],
  ]);
  assert.equal(setup.replicaWaitMs, 5000);
  assert.deepEqual(readServiceSetup({ preset: 'dovecot' }, PATH).servers.map((s) => [s.name, s.replica]), [[null, null]]);
  const cases: [unknown, RegExp][] = [
    [{ preset: 'dovecot', doveadm: ['doveadm'], servers: SERVERS.servers }, /"doveadm" goes into each entry of "servers"/],
    [{ preset: 'dovecot', servers: [] }, /"servers" must be a non-empty array/],
    [{ preset: 'dovecot', servers: [{ name: 'mx 1' }] }, /servers\[0\]: "name" must be a short name/],
    [{ preset: 'dovecot', servers: [{ name: 'mx1' }, { name: 'MX1' }] }, /servers\[1\]: the name "MX1" is taken/],
    [{ preset: 'dovecot', servers: [{ name: 'mx1', replicas: 'x' }] }, /servers\[0\]: unknown key "replicas"/],
    [{ preset: 'dovecot', servers: [{ name: 'mx1' }], replicaWaitSeconds: 0 }, /"replicaWaitSeconds" must be a positive number/],
  ];
  for (const [section, message] of cases) assert.throws(() => readServiceSetup(section, PATH), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(section));
});

test('a refresh reaches every server, each after its replica caught up, and marks each server apart', async () => {
  const ledger = new MemoryLedger();
  const refreshes = await new ServiceControl(readServiceSetup(SERVERS, PATH), ledger, () => WHEN, dovecots(ledger)).refresh(SERVICES);
  assert.deepEqual(refreshes.map((r) => [r.server, r.result.mailboxes]), [['mx1', 2], ['mx2', 2]]);
  const flushes = ledger.events.filter((e) => e.startsWith('await') || e.includes('flush'));
  assert.deepEqual(flushes, [
    'await ldap://mx1:389/dc=x,dc=org 5000',
    'ssh mx1 doveadm auth cache flush -- a@x.org b@x.org',
    'await ldap://mx2:389/dc=x,dc=org 5000',
    'ssh mx2 doveadm auth cache flush -- a@x.org b@x.org',
  ]);
  assert.deepEqual([...ledger.states.keys()].sort(), SERVICES.flatMap((s) => [`${s.Name}@mx1`, `${s.Name}@mx2`]).sort());
});

test('one server down: the other is refreshed and marked, the down one stays pending and is named', async () => {
  const ledger = new MemoryLedger();
  const control = new ServiceControl(readServiceSetup(SERVERS, PATH), ledger, () => WHEN, dovecots(ledger, new Set(['mx2'])));
  await assert.rejects(control.refresh(SERVICES), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /^The refresh failed on 1 of 2 mail servers \(the others are refreshed\):\nmx2: Flushing the login cache failed/);
    return true;
  });
  const reports = await control.report(SERVICES);
  const pending = reports.filter((r) => r.pending.length > 0).map((r) => `${r.service.Name}@${r.server ?? ''}`);
  assert.deepEqual(pending.sort(), SERVICES.filter((s) => ['pop3', 'imap'].includes(s.protocol.name)).map((s) => `${s.Name}@mx2`).sort());
  assert.ok(reports.filter((r) => r.server === 'mx2').every((r) => r.status === 'Stopped'));
});

test('a restart on one server never hides another server\'s pending changes; every server is restarted', async () => {
  const ledger = new MemoryLedger();
  ledger.states.set('MSExchangePOP3@mx1', { refreshedThrough: 2, refreshedAt: WHEN.toISOString() });
  const control = new ServiceControl(readServiceSetup(SERVERS, PATH), ledger, () => WHEN, dovecots(ledger));
  const before = await control.report(SERVICES.filter((s) => s.Name === 'MSExchangePOP3'));
  assert.deepEqual(before.map((r) => [r.server, r.pending.length]), [['mx1', 0], ['mx2', 1]]);
  await control.restart(SERVICES);
  assert.deepEqual(ledger.events.filter((e) => e.includes('reload') || e.startsWith('await')), [
    'await ldap://mx1:389/dc=x,dc=org 5000',
    'ssh mx1 doveadm reload',
    'await ldap://mx2:389/dc=x,dc=org 5000',
    'ssh mx2 doveadm reload',
  ]);
  assert.ok((await control.report(SERVICES)).every((r) => r.pending.length === 0));
});

test('a server that names a replica on a store without replicas is refused before anything is flushed', async () => {
  const ledger = new MemoryLedger(false);
  await assert.rejects(new ServiceControl(readServiceSetup(SERVERS, PATH), ledger, () => WHEN, dovecots(ledger)).refresh(SERVICES), /names a replica \(ldap:\/\/mx1:389\/dc=x,dc=org\), but this store has none/);
  assert.ok(!ledger.events.some((e) => e.includes('flush')));
  assert.equal(ledger.states.size, 0);
});
