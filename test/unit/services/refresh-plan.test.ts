import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyServer } from '../../helpers/service-setup.js';
import { parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';
import { FLUSH_LINE_BYTES, FULL_FLUSH_ABOVE_BATCHES } from '../../../src/services/flush-batches.js';
import { KILL_BATCH, killCalls, planRefresh, type RefreshTarget } from '../../../src/services/refresh-plan.js';
import { readServiceSetup, type ServiceSetup } from '../../../src/services/service-config.js';
import type { PendingLogin, PendingSince } from '../../../src/services/service-ledger.js';
import { resolveServices, SERVICES } from '../../../src/services/services.js';

const DOVEADM = ['doveadm', '-c', '/etc/dovecot/dovecot.conf'];
const FLUSH = [...DOVEADM, 'auth', 'cache', 'flush', '--'];
const dovecot = readServiceSetup({ preset: 'dovecot', config: '/etc/dovecot/dovecot.conf' }, null);

const imapOff = (address: string, ...aliases: string[]): PendingLogin => ({ PrimarySmtpAddress: address, logins: [address, ...aliases], property: 'ImapEnabled', enabled: false });
const popOn = (address: string): PendingLogin => ({ PrimarySmtpAddress: address, logins: [address], property: 'PopEnabled', enabled: true });
const owaOff = (address: string): PendingLogin => ({ PrimarySmtpAddress: address, logins: [address], property: 'OWAEnabled', enabled: false });
const WHO = [...DOVEADM, '-f', 'tab', 'who', '-1'];
const KILL = ['kill', '-TERM', '{pids}'];

/** Every service (or the named ones), each pending since the same mark. */
function targets(pending: PendingSince, setup: ServiceSetup = dovecot, names: string[] = []): RefreshTarget[] {
  return resolveServices(names).map((service) => ({ service, commands: onlyServer(setup).commands.get(service.Name) ?? assert.fail(service.Name), pending }));
}

test('a refresh is planned as argv lists: each login flushed once, the lost protocol\'s sessions listed for ending, every service marked', () => {
  const plan = planRefresh(targets({ throughChangeId: 42, settings: [imapOff('a@x.org', 'a.alias@x.org'), popOn('b@x.org')] }));
  assert.deepEqual(plan.flushes, [[{ argv: [...FLUSH, 'b@x.org', 'a@x.org', 'a.alias@x.org'], template: [...FLUSH, '{users}'], names: ['b@x.org', 'a@x.org', 'a.alias@x.org'] }]]);
  assert.deepEqual(plan.endings, [{ who: WHO, kill: KILL, lost: { byUser: new Map([['a@x.org', new Map([['imap', 'anywhere']])]]), webmailNetworks: [] } }]);
  assert.deepEqual(plan.kicks, []);
  assert.deepEqual(plan.marks, SERVICES.map((s) => ({ service: s.Name, throughChangeId: 42 })));
  assert.deepEqual([plan.mailboxes, plan.flushedLogins, plan.unsafeNames], [2, 3, []]);
});

test('with webmail networks, IMAP4 ends the IMAP sessions from elsewhere, OWA those from the webmail, both together all; without, OWA ends none', () => {
  const parsed = parseNetwork('127.0.0.2/32');
  const webmail: IpNetwork[] = 'network' in parsed ? [parsed.network] : assert.fail();
  const settings = [imapOff('a@x.org'), owaOff('b@x.org'), imapOff('c@x.org'), owaOff('c@x.org')];
  const plan = planRefresh(targets({ throughChangeId: 5, settings }), webmail);
  const byUser = new Map([
    ['a@x.org', new Map([['imap', 'elsewhere']])],
    ['b@x.org', new Map([['imap', 'webmail']])],
    ['c@x.org', new Map([['imap', 'anywhere']])],
  ]);
  assert.deepEqual(plan.endings, [{ who: WHO, kill: KILL, lost: { byUser, webmailNetworks: webmail } }]);
  // One flush covers the webmail passdbs too: b@x.org is flushed like any changed login.
  assert.deepEqual(plan.flushes.map((calls) => calls.map((c) => c.names)), [[['a@x.org', 'c@x.org', 'b@x.org']]]);
  const none = planRefresh(targets({ throughChangeId: 5, settings }));
  assert.deepEqual(none.endings[0]?.lost.byUser, new Map([['a@x.org', new Map([['imap', 'anywhere']])], ['c@x.org', new Map([['imap', 'anywhere']])]]));
  const owaOnly = planRefresh(targets({ throughChangeId: 5, settings: [owaOff('b@x.org')] }));
  assert.deepEqual([owaOnly.endings, owaOnly.flushes.map((calls) => calls.map((c) => c.names))], [[], [[['b@x.org']]]], 'not enforced: flushed, nothing ended');
});

test('ManageSieve off ends its sessions under both names doveadm who gives them (2.3: sieve, 2.4: managesieve)', () => {
  const sieveOff: PendingLogin = { PrimarySmtpAddress: 'a@x.org', logins: ['a@x.org'], property: 'ManageSieveEnabled', enabled: false };
  const plan = planRefresh(targets({ throughChangeId: 3, settings: [sieveOff] }));
  assert.deepEqual(plan.endings.map((e) => e.lost.byUser), [new Map([['a@x.org', new Map([['sieve', 'anywhere'], ['managesieve', 'anywhere']])]])]);
  assert.equal(plan.mailboxes, 1);
});

test('each service is planned from its own mark and marked through its own pending changes', () => {
  const pop = { throughChangeId: 9, settings: [popOn('b@x.org')] };
  const imap = { throughChangeId: 12, settings: [imapOff('a@x.org'), popOn('c@x.org')] };
  const plan = planRefresh([...targets(pop, dovecot, ['pop3']), ...targets(imap, dovecot, ['imap4'])]);
  assert.deepEqual(plan.marks, [
    { service: 'MSExchangePOP3', throughChangeId: 9 },
    { service: 'MSExchangeIMAP4', throughChangeId: 12 },
  ]);
  // c@x.org's POP3 change is pending on IMAP4's mark too, but it is not IMAP4's to flush.
  assert.deepEqual(plan.flushes.map((calls) => calls.map((c) => c.argv)), [[[...FLUSH, 'b@x.org', 'a@x.org']]]);
  assert.equal(plan.mailboxes, 2);
  const nothing = planRefresh(targets({ throughChangeId: 12, settings: [] }));
  assert.deepEqual([nothing.flushes, nothing.endings, nothing.kicks, nothing.flushedLogins], [[[]], [], [], 0]);
});

test('flushes are batched so that every auth-master line stays within 1,024 bytes', () => {
  const settings = Array.from({ length: 120 }, (_, i) => imapOff(`user.number.${String(i).padStart(3, '0')}@département.example`));
  const plan = planRefresh(targets({ throughChangeId: 1, settings }));
  const calls = plan.flushes[0] ?? [];
  assert.ok(calls.length > 1, `${calls.length} calls`);
  assert.deepEqual(calls.flatMap((c) => c.argv.slice(FLUSH.length)), settings.map((s) => s.PrimarySmtpAddress), 'every name once, in order');
  for (const call of calls) {
    assert.deepEqual(call.argv.slice(0, FLUSH.length), FLUSH);
    // The line doveadm sends: CACHE-FLUSH <id> <name>..., with a 10-digit id.
    assert.ok(Buffer.byteLength(`CACHE-FLUSH\t4294967295\t${call.names.join('\t')}\n`) <= FLUSH_LINE_BYTES);
  }
  assert.equal(plan.flushedLogins, 120);
});

test(`above ${FULL_FLUSH_ABOVE_BATCHES} batches the whole cache is flushed in one call`, () => {
  // 95 bytes a name: 10 names fill a batch.
  const names = (count: number): PendingLogin[] => Array.from({ length: count }, (_, i) => imapOff(`${String(i).padStart(6, '0')}${'x'.repeat(77)}@example.org`));
  const at = planRefresh(targets({ throughChangeId: 1, settings: names(FULL_FLUSH_ABOVE_BATCHES * 10) }));
  assert.equal(at.flushes[0]?.length, FULL_FLUSH_ABOVE_BATCHES);
  assert.equal(at.flushedLogins, FULL_FLUSH_ABOVE_BATCHES * 10);
  const above = planRefresh(targets({ throughChangeId: 1, settings: names(FULL_FLUSH_ABOVE_BATCHES * 10 + 1) }));
  assert.deepEqual(above.flushes, [[{ argv: FLUSH, template: [...FLUSH, '{users}'], names: [] }]]);
  assert.equal(above.flushedLogins, null);
  assert.equal(above.endings[0]?.lost.byUser.size, FULL_FLUSH_ABOVE_BATCHES * 10 + 1, 'sessions still end one by one');
});

test('a name doveadm could read as an option or a mask turns the flush into a full one, and is reported, never passed', () => {
  const plan = planRefresh(targets({ throughChangeId: 1, settings: [imapOff('a@x.org', '-a/tmp/evil.sock@x.org'), imapOff('b@x.org', '*@x.org'), imapOff('c@x.org', 'tab\there@x.org')] }));
  assert.deepEqual(plan.flushes, [[{ argv: FLUSH, template: [...FLUSH, '{users}'], names: [] }]]);
  assert.deepEqual(plan.unsafeNames, ['-a/tmp/evil.sock@x.org', '*@x.org', 'tab\there@x.org']);
  assert.equal(plan.flushedLogins, null);
});

test('where who and kill cannot run, a configured kick ends each mailbox that lost access, unsafe ones excepted', () => {
  const wrapped = readServiceSetup({ preset: 'dovecot', doveadm: ['/usr/local/bin/mail1-admin'] }, null);
  const plan = planRefresh(targets({ throughChangeId: 3, settings: [imapOff('a@x.org'), imapOff('-x@x.org'), popOn('b@x.org')] }, wrapped));
  assert.deepEqual(plan.kicks, [{ argv: ['/usr/local/bin/mail1-admin', 'kick', '--', 'a@x.org'], user: 'a@x.org' }]);
  assert.deepEqual(plan.endings, []);
  assert.deepEqual(plan.flushes, [[{ argv: ['/usr/local/bin/mail1-admin', 'auth', 'cache', 'flush', '--'], template: ['/usr/local/bin/mail1-admin', 'auth', 'cache', 'flush', '--', '{users}'], names: [] }]]);
  assert.deepEqual(plan.unsafeNames, ['-x@x.org', '-x@x.org'], 'once as a login to flush, once as a mailbox to kick');
});

test('the sessions that lost access are killed by process id, a batch of ids per call', () => {
  assert.deepEqual(killCalls(['kill', '-TERM', '{pids}'], [12, 15]), [{ argv: ['kill', '-TERM', '12', '15'], pids: ['12', '15'] }]);
  assert.deepEqual(killCalls(['docker', 'exec', 'mail', 'kill', '-TERM', '{pids}'], []), []);
  const pids = Array.from({ length: KILL_BATCH + 1 }, (_, i) => 100 + i);
  const calls = killCalls(['kill', '-TERM', '{pids}'], pids);
  assert.deepEqual(calls.map((c) => c.argv.length - 2), [KILL_BATCH, 1]);
  assert.deepEqual(calls[1]?.argv, ['kill', '-TERM', String(100 + KILL_BATCH)]);
});
