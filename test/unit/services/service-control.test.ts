import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { ServiceError } from '../../../src/core/errors.js';
import { mailboxCsvBatches } from '../../../src/input/mailbox-csv.js';
import type { CommandResult } from '../../../src/services/run-command.js';
import { readServiceSetup } from '../../../src/services/service-config.js';
import { ServiceControl } from '../../../src/services/service-control.js';
import { SERVICES, resolveServices } from '../../../src/services/services.js';
import type { CasSettingName, DirectoryStore } from '../../../src/store/directory-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../../helpers/cli.js';
import { onlyRefresh } from '../../helpers/service-setup.js';

const COUNT = 1500;
const address = (i: number): string => `person.number${i}@example.org`;

/** Answers like doveadm 2.3 and kill; records every argv. Sessions: user i has an IMAP session (pid 1000+i) and a POP3 one (2000+i). */
class FakeDovecot {
  readonly calls: string[][] = [];
  flushFails = false;
  sessions = new Map<number, { user: string; service: string }>();

  constructor() {
    for (let i = 0; i < 20; i++) {
      this.sessions.set(1000 + i, { user: address(i), service: 'imap' });
      this.sessions.set(2000 + i, { user: address(i), service: 'pop3' });
    }
  }

  run = async (argv: readonly string[]): Promise<CommandResult> => {
    this.calls.push([...argv]);
    const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout, stderr: '' });
    if (argv.includes('flush')) {
      const names = argv.slice(argv.indexOf('--') + 1);
      const line = `CACHE-FLUSH\t1\t${names.join('\t')}\n`;
      if (this.flushFails || Buffer.byteLength(line) > 1024) return { exitCode: 0, stdout: '0 cache entries flushed\n', stderr: 'Error: auth-master: auth cache flush: Disconnected unexpectedly\n' };
      return ok(`${names.length} cache entries flushed\n`);
    }
    if (argv.includes('who')) {
      return ok(`username\tproto\tpid\tip\n${[...this.sessions].map(([pid, s]) => `${s.user}\t${s.service}\t${pid}\t127.0.0.1`).join('\n')}\n`);
    }
    if (argv[0] === 'kill') {
      for (const pid of argv.slice(2)) this.sessions.delete(Number(pid));
      return ok('');
    }
    return ok('');
  };

  of(word: string): string[][] {
    return this.calls.filter((argv) => argv.includes(word) || argv[0] === word);
  }
}

let store: DirectoryStore;
let dovecot: FakeDovecot;
let control: ServiceControl;

beforeEach(async () => {
  const dir = tempDir();
  const csv = join(dir, 'people.csv');
  const rows = Array.from({ length: COUNT }, (_, i) => `Person ${i},${address(i)},SMTP:${address(i)};smtp:p${i}@alias.example.org,p${i}@upn.example.org`);
  writeFileSync(csv, `Name,PrimarySmtpAddress,EmailAddresses,UserPrincipalName\n${rows.join('\n')}\n`);
  store = await openStore(join(dir, 'unit.db'), dir, { create: true });
  await store.importMailboxes(mailboxCsvBatches(csv, (p) => p), new Date());
  dovecot = new FakeDovecot();
  control = new ServiceControl(readServiceSetup({ preset: 'dovecot', config: '/etc/dovecot/dovecot.conf' }, null), store, () => new Date(), dovecot.run);
});

async function change(property: CasSettingName, to: boolean, count: number): Promise<void> {
  const guids: string[] = [];
  for await (const page of store.findMailboxes({}, ['Guid', 'PrimarySmtpAddress'])) for (const m of page) if (guids.length < count) guids.push(m.Guid);
  await store.applyCasChanges([{ property, to, guids }], { when: new Date(), osUser: 't', sudoUser: null, host: 'h', commandLine: 'casctl test' });
}

test('refresh flushes every login name in lines that fit, ends only the lost protocol\'s sessions, and counts what ended', async () => {
  await change('ImapEnabled', false, 300);
  const result = onlyRefresh(await control.refresh(SERVICES));
  const flushed = dovecot.of('flush').flatMap((argv) => argv.slice(argv.indexOf('--') + 1));
  assert.equal(flushed.length, 900, 'primary, alias and UPN of each of 300');
  assert.ok(flushed.includes('p7@alias.example.org') && flushed.includes('p7@upn.example.org') && flushed.includes(address(7)));
  assert.equal(new Set(flushed).size, flushed.length, 'each name once, though four services refreshed');
  assert.deepEqual(result, { mailboxes: 300, flushedLogins: 900, sessionsEnded: 20, kickedMailboxes: 0, sessionsLeftOpen: [], unsafeNames: [] });
  const kills = dovecot.of('kill');
  assert.equal(kills.length, 1, 'one kill for all the sessions');
  assert.deepEqual(kills[0]?.slice(2).map(Number), Array.from({ length: 20 }, (_, i) => 1000 + i), 'the IMAP sessions, not the POP3 ones');
  assert.equal([...dovecot.sessions.values()].filter((s) => s.service === 'pop3').length, 20);
  assert.equal(dovecot.of('kick').length, 0);
  assert.ok((await control.report(SERVICES)).every((r) => r.pending.length === 0));
});

test('each service refreshes from its own mark: an IMAP refresh leaves POP3 pending, and a later refresh of all redoes nothing', async () => {
  await change('ImapEnabled', false, 10);
  await control.refresh(resolveServices(['imap4', 'imap4be']));
  await change('PopEnabled', false, 5);
  dovecot.calls.length = 0;
  const all = onlyRefresh(await control.refresh(SERVICES));
  assert.equal(all.mailboxes, 5, 'only the POP3 change');
  assert.equal(dovecot.of('flush').flatMap((argv) => argv.slice(argv.indexOf('--') + 1)).length, 15);
  assert.equal(all.sessionsEnded, 5, 'their POP3 sessions');
  assert.ok([...dovecot.sessions.values()].every((s) => !(s.service === 'pop3' && /number[0-4]@/.test(s.user))));
  dovecot.calls.length = 0;
  const again = onlyRefresh(await control.refresh(SERVICES));
  assert.equal(again.mailboxes, 0);
  assert.equal(dovecot.calls.length, 0, 'nothing to flush, no session to look for');
});

test('a big refresh flushes the whole cache in one call; a failed flush leaves every service pending', async () => {
  await change('PopEnabled', false, COUNT);
  dovecot.flushFails = true;
  await assert.rejects(control.refresh(SERVICES), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /^Flushing the login cache failed: 'doveadm -c \/etc\/dovecot\/dovecot\.conf auth cache flush --' exited 0 but said:\n {2}0 cache entries flushed\n {2}Error: auth-master/);
    assert.ok(error.message.includes(`Still pending on ${SERVICES.map((s) => s.Name).join(', ')}: once Dovecot answers, run 'casctl refresh-service`), error.message);
    return true;
  });
  // Pending: the POP3 services, which the change concerns.
  assert.deepEqual((await control.report(SERVICES)).map((r) => r.pending.length > 0), SERVICES.map((s) => s.protocol.name === 'pop3'));
  dovecot.flushFails = false;
  dovecot.calls.length = 0;
  const result = onlyRefresh(await control.refresh(SERVICES));
  assert.equal(result.flushedLogins, null);
  assert.deepEqual(dovecot.of('flush'), [['doveadm', '-c', '/etc/dovecot/dovecot.conf', 'auth', 'cache', 'flush', '--']]);
  assert.equal(result.sessionsEnded, 20);
});

test('restart restarts, reports and marks every service that one command restarts', async () => {
  await change('ImapEnabled', false, 3);
  const restarted = await control.restart(resolveServices(['MSExchangeIMAP4']));
  assert.deepEqual(restarted.map((s) => s.Name), SERVICES.map((s) => s.Name));
  assert.deepEqual(dovecot.of('reload'), [['doveadm', '-c', '/etc/dovecot/dovecot.conf', 'reload']]);
  assert.ok((await control.report(SERVICES)).every((r) => r.pending.length === 0));
});

test('a login name doveadm could read as an option or a mask never reaches it: the whole cache is flushed instead', async () => {
  await change('PopEnabled', false, 2);
  const [first] = (await store.resolveIdentities([address(0)], { wildcards: false })).get(address(0)) ?? [];
  assert.ok(first);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(store.url.replace(/^sqlite:/, ''));
  const id = (db.prepare('SELECT id FROM mailboxes WHERE guid = ?').get(first.Guid) as { id: number }).id;
  for (const hostile of ['-a/tmp/evil.sock@example.org', '*@example.org']) db.prepare('INSERT INTO email_addresses (address, mailbox_id) VALUES (?, ?)').run(hostile, id);
  db.close();
  const result = onlyRefresh(await control.refresh(SERVICES));
  assert.deepEqual(result.unsafeNames.sort(), ['*@example.org', '-a/tmp/evil.sock@example.org']);
  assert.equal(result.flushedLogins, null);
  assert.ok(dovecot.calls.every((argv) => !argv.some((a) => a.includes('evil') || a.startsWith('*'))), JSON.stringify(dovecot.calls));

  const kicking = new ServiceControl(
    readServiceSetup({ preset: 'dovecot', commands: Object.fromEntries(SERVICES.map((s) => [s.Name, { kick: ['doveadm', 'kick', '--', '{user}'] }])) }, null),
    store, () => new Date(), dovecot.run,
  );
  const db2 = new Database(store.url.replace(/^sqlite:/, ''));
  db2.prepare("UPDATE mailboxes SET primary_smtp_address = '-x@example.org' WHERE id = ?").run(id);
  db2.close();
  await change('ImapEnabled', false, 2);
  dovecot.calls.length = 0;
  const kicked = onlyRefresh(await kicking.refresh(SERVICES));
  assert.ok(kicked.unsafeNames.includes('-x@example.org'));
  assert.deepEqual(dovecot.of('kick').map((argv) => argv[3]), [address(1)], 'the other mailbox is kicked; the unsafe one is not');
});

test('a service the configuration leaves out runs no command: reported NotConfigured, never restarted or refreshed, and stays pending', async () => {
  const four = SERVICES.filter((s) => s.protocol.name === 'pop3' || s.protocol.name === 'imap');
  const commands = Object.fromEntries(four.map((s) => [s.Name, { restart: ['doveadm', 'reload'], status: ['doveadm', 'service', 'status'], flush: ['doveadm', 'auth', 'cache', 'flush', '--', '{users}'] }]));
  const partial = new ServiceControl(readServiceSetup({ commands }, '/etc/casctl/config.json'), store, () => new Date(), dovecot.run);
  await change('OWAEnabled', false, 2);
  await change('PopEnabled', false, 2);

  const reports = await partial.report(SERVICES);
  const owa = reports.find((r) => r.service.Name === 'MSExchangeOWAAppPool');
  assert.equal(owa?.status, 'NotConfigured');
  assert.match(owa?.statusMessage ?? '', /^add "services"\."commands"\."MSExchangeOWAAppPool"/);
  assert.equal(dovecot.of('status').length, 1, 'one status call, for the four services that share it');

  await partial.ensureRunning(SERVICES);
  assert.deepEqual(await partial.restart(SERVICES).then((r) => r.map((s) => s.Name)), four.map((s) => s.Name));
  await change('OWAEnabled', true, 2);
  await change('PopEnabled', true, 2);
  await partial.refresh(SERVICES);
  assert.deepEqual((await partial.report(SERVICES)).map((r) => [r.service.Name, r.pending.length > 0]), SERVICES.map((s) => [s.Name, s.Name === 'MSExchangeOWAAppPool']));
  assert.deepEqual(dovecot.of('reload'), [['doveadm', 'reload']]);
});
