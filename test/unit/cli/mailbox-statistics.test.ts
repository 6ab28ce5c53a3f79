import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOVEADM_BATCH, DOVEADM_IN_FLIGHT, statisticsRecords, type StatisticsSink } from '../../../src/cli/mailbox-statistics.js';
import type { MailboxLastLogons } from '../../../src/core/last-logons.js';
import type { SelectedMailbox } from '../../../src/core/select.js';
import { MailboxStatisticsReader } from '../../../src/services/mailbox-statistics.js';
import type { CommandRunner } from '../../../src/services/run-command.js';
import { readServiceSetup } from '../../../src/services/service-config.js';
import type { OutputRecord } from '../../../src/output/values.js';

const address = (i: number): string => `user${i}@x.test`;

async function* selected(sizes: readonly number[], logons?: (i: number) => MailboxLastLogons): AsyncGenerator<SelectedMailbox<{ PrimarySmtpAddress: string }>[]> {
  let next = 0;
  for (const size of sizes) {
    yield Array.from({ length: size }, () => {
      const i = next++;
      return { mailbox: { PrimarySmtpAddress: address(i) }, ...(logons === undefined ? {} : { logons: logons(i) }) };
    });
  }
}

interface Seen {
  calls: string[][];
  most: number;
  sink: string[];
}

/**
 * doveadm as a runner: each user has i messages of 100 bytes, except those `unknown` names (not
 * in its userdb) and those `broken` names (an error of their own); calls finish out of order.
 */
function doveadm(seen: Seen, unknown: ReadonlySet<string> = new Set(), broken: ReadonlySet<string> = new Set()): CommandRunner {
  let inFlight = 0;
  return async (_argv, _timeout, input) => {
    const users = (input ?? '').split('\n').filter(Boolean);
    seen.calls.push(users);
    inFlight++;
    seen.most = Math.max(seen.most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, (seen.calls.length % 3) * 5));
    inFlight--;
    const rows = users.filter((u) => !unknown.has(u)).map((u) => `${u}\t${Number(/\d+/.exec(u)?.[0])}\t${Number(/\d+/.exec(u)?.[0]) * 100}\n`);
    const errors = users.filter((u) => broken.has(u)).map((u) => `doveadm(${u}): Error: Mailbox INBOX: corrupted\n`);
    return { exitCode: errors.length > 0 ? 75 : 0, stdout: `Username\tmessages\tvsize\n${rows.join('')}`, stderr: errors.join('') };
  };
}

const sinkInto = (lines: string[]): StatisticsSink => ({
  batchFailed: (count, first, last, why) => lines.push(`batch ${count} ${first}..${last}: ${why}`),
  mailboxFailed: (user, why) => lines.push(`failed ${user}: ${why}`),
  unknown: (user) => lines.push(`unknown ${user}`),
});

const setup = readServiceSetup({ preset: 'dovecot', config: '/etc/dovecot/dovecot.conf' }, '/etc/casctl/config.json');

async function collect(batches: AsyncIterable<OutputRecord[]>): Promise<OutputRecord[][]> {
  const out: OutputRecord[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

test('every selected batch is cut into doveadm calls of DOVEADM_BATCH users, a few in flight, and the records come back in selection order', async () => {
  const seen: Seen = { calls: [], most: 0, sink: [] };
  const reader = new MailboxStatisticsReader(setup, doveadm(seen), () => undefined);
  const total = 2000 + 650 + 50;
  const out = await collect(statisticsRecords(selected([2000, 650, 50]), reader, (m) => ({ PrimarySmtpAddress: m.PrimarySmtpAddress }), sinkInto(seen.sink)));
  assert.equal(DOVEADM_BATCH, 100);
  assert.deepEqual(seen.calls.map((c) => c.length), [...Array(26).fill(100), 50, 50]);
  assert.ok(seen.most <= DOVEADM_IN_FLIGHT && seen.most > 1, `${seen.most} in flight`);
  const records = out.flat();
  assert.equal(records.length, total);
  assert.deepEqual(records.map((r) => r.PrimarySmtpAddress), Array.from({ length: total }, (_, i) => address(i)));
  assert.deepEqual(records[7], {
    PrimarySmtpAddress: address(7), ItemCount: 7, TotalItemSize: 700, LastLogonTime: null, ServerName: null,
  });
  assert.deepEqual(seen.sink, []);
});

test('a mailbox doveadm does not know shows empty counts and is reported; one it failed is left out and reported', async () => {
  const seen: Seen = { calls: [], most: 0, sink: [] };
  const reader = new MailboxStatisticsReader(setup, doveadm(seen, new Set([address(1)]), new Set([address(2)])), () => undefined);
  const records = (await collect(statisticsRecords(selected([4]), reader, (m) => ({ PrimarySmtpAddress: m.PrimarySmtpAddress }), sinkInto(seen.sink)))).flat();
  assert.deepEqual(records.map((r) => [r.PrimarySmtpAddress, r.ItemCount, r.TotalItemSize]), [[address(0), 0, 0], [address(1), null, null], [address(3), 3, 300]]);
  assert.deepEqual(seen.sink, [`unknown ${address(1)}`, `failed ${address(2)}: Mailbox INBOX: corrupted`]);
});

test('a batch no server can read is reported with its first and last mailbox, and no new batch starts after it', async () => {
  const seen: Seen = { calls: [], most: 0, sink: [] };
  const fails: CommandRunner = async (_argv, _timeout, input) => {
    seen.calls.push((input ?? '').split('\n').filter(Boolean));
    return { exitCode: 89, stdout: '', stderr: 'doveadm: Fatal: Error reading configuration\n' };
  };
  const reader = new MailboxStatisticsReader(setup, fails, () => undefined);
  const records = (await collect(statisticsRecords(selected([2000, 2000]), reader, (m) => m, sinkInto(seen.sink)))).flat();
  assert.deepEqual(records, []);
  // The first failure is known once its turn comes: the calls already in flight finish, no more start.
  assert.ok(seen.calls.length <= DOVEADM_IN_FLIGHT + 1, `${seen.calls.length} calls`);
  assert.match(seen.sink[0] ?? '', new RegExp(`^batch 100 ${address(0)}\\.\\.${address(99)}: .*exit code 89`));
});

test('LastLogonTime is the latest login of any recorded protocol; the per-protocol ones are the mailbox record\'s (toRecord gets the joined logins)', async () => {
  const seen: Seen = { calls: [], most: 0, sink: [] };
  const reader = new MailboxStatisticsReader(setup, doveadm(seen), () => undefined);
  const pop = new Date('2026-11-30T08:15:00Z');
  const imap = new Date('2026-12-01T17:45:00Z');
  const logons = (i: number): MailboxLastLogons => (i === 0 ? { pop3: { time: pop, clientAddress: null }, imap: { time: imap, clientAddress: '192.0.2.8' } } : i === 1 ? { pop3: { time: pop, clientAddress: null } } : {});
  const given: (MailboxLastLogons | undefined)[] = [];
  const records = (await collect(statisticsRecords(selected([3], logons), reader, (m, l) => (given.push(l), { PrimarySmtpAddress: m.PrimarySmtpAddress }), sinkInto(seen.sink)))).flat();
  assert.deepEqual(records.map((r) => r.LastLogonTime), [imap.toISOString(), pop.toISOString(), null]);
  assert.deepEqual(given, [0, 1, 2].map(logons));
});
