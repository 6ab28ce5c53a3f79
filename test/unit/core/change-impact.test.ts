import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { IMPACT_BATCH, LosingAccess, MOST_RECENT, measureImpact, recordedTurnedOff } from '../../../src/core/change-impact.js';
import type { LastLogonSource } from '../../../src/core/last-logons.js';
import { planFor, type PlannedMailbox } from '../../../src/core/plan.js';
import { openSqliteLastLogons } from '../../../src/store/sqlite/last-logons.js';
import { recordLogons, type RecordedLogon } from '../../helpers/last-logons.js';
import { ProgressRecorder } from '../../helpers/progress-recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'casctl-impact-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

function mailbox(address: string, settings: Partial<PlannedMailbox> = {}): PlannedMailbox {
  return {
    Guid: `guid-${address}`,
    Name: address,
    PrimarySmtpAddress: address,
    IsAdministrator: false,
    PopEnabled: true,
    ImapEnabled: true,
    OWAEnabled: true,
    SmtpClientAuthenticationDisabled: null,
    ManageSieveEnabled: true,
    ...settings,
  };
}

/** The real SQLite reader over `logons`, counting how often and for how many it is asked. */
async function source(name: string, logons: readonly RecordedLogon[], retentionDays: number | null = 365): Promise<LastLogonSource & { calls: number[] }> {
  const path = join(dir, `${name}.last-logons.db`);
  recordLogons(path, logons);
  const real = await openSqliteLastLogons(`sqlite:${path}`, { cwd: dir, env: {}, section: undefined, retentionDays, now: () => now });
  const calls: number[] = [];
  after(() => real.close());
  return {
    where: real.where,
    retentionDays: real.retentionDays,
    recordingSince: real.recordingSince,
    calls,
    lastLogons: (users) => {
      calls.push(users.length);
      return real.lastLogons(users);
    },
    close: () => real.close(),
  };
}

test('only a recorded protocol that admitted logins before and refuses them after is turned off', () => {
  const names = (changes: Parameters<typeof recordedTurnedOff>[0]): string[] => recordedTurnedOff(changes).map((p) => p.name);
  assert.deepEqual(names([{ property: 'PopEnabled', before: true, after: false }]), ['pop3']);
  assert.deepEqual(names([{ property: 'ImapEnabled', before: true, after: false }, { property: 'PopEnabled', before: true, after: false }]), ['pop3', 'imap']);
  assert.deepEqual(names([{ property: 'PopEnabled', before: false, after: true }]), [], 'an enable cuts nobody off');
  // SMTP AUTH (the inverted SmtpClientAuthenticationDisabled) and ManageSieve logins are not recorded; OWA's are (the webmail's IMAP).
  assert.deepEqual(names([{ property: 'SmtpClientAuthenticationDisabled', before: false, after: true }, { property: 'ManageSieveEnabled', before: true, after: false }]), []);
  assert.deepEqual(names([{ property: 'SmtpClientAuthenticationDisabled', before: false, after: true }, { property: 'OWAEnabled', before: true, after: false }]), ['owa']);
  assert.equal(recordedTurnedOff([{ property: 'PopEnabled', before: true, after: false }]), recordedTurnedOff([{ property: 'PopEnabled', before: true, after: false }]), 'one shared list per answer');
});

test('the Administrator mailbox, which reads disabled for POP3, loses nothing when POP3 is turned off', () => {
  const losing = new LosingAccess();
  const administrator = planFor(mailbox('administrator@example.com', { IsAdministrator: true, PopEnabled: false, ImapEnabled: false }), { PopEnabled: false }, undefined);
  losing.add(administrator);
  losing.add(planFor(mailbox('ann@example.com'), { PopEnabled: true }, undefined));
  losing.add({ ...planFor(mailbox('bob@example.com'), { PopEnabled: false }, undefined), status: 'conflict' });
  assert.equal(losing.size, 0);
});

test('per protocol: who loses it, who of them used it within the window, the latest few newest first; mailboxes active over either counted once', async () => {
  const logons = await source('window', [
    { user: 'a@example.com', service: 'pop3', clientAddress: '192.0.2.7', time: daysAgo(1) },
    { user: 'a@example.com', service: 'imap', clientAddress: '192.0.2.7', time: daysAgo(2) },
    { user: 'b@example.com', service: 'pop3', time: daysAgo(29.9) },
    { user: 'c@example.com', service: 'pop3', time: daysAgo(30.1) },
    { user: 'd@example.com', service: 'imap', time: daysAgo(0.01) },
    // POP3 is not turned off for e: its POP3 login does not count.
    { user: 'e@example.com', service: 'pop3', time: daysAgo(1) },
  ]);
  const losing = new LosingAccess();
  for (const address of ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']) {
    losing.add(planFor(mailbox(address), { PopEnabled: false, ImapEnabled: false }, undefined));
  }
  losing.add(planFor(mailbox('e@example.com', { PopEnabled: false }), { PopEnabled: false, ImapEnabled: false }, undefined));
  const impact = await measureImpact(losing, logons, { now, activeDays: 30 });
  assert.ok(impact !== null);
  assert.deepEqual([impact.activeDays, impact.since, impact.recorded, impact.retentionDays, impact.losingAccess, impact.activeMailboxes], [30, daysAgo(30), true, 365, 5, 3]);
  const pop = impact.protocols.map((p) => ({ name: p.protocol.name, losing: p.losingAccess, active: p.active, recent: p.mostRecent.map((r) => [r.user, r.logon.clientAddress]) }));
  assert.deepEqual(pop, [
    { name: 'pop3', losing: 4, active: 2, recent: [['a@example.com', '192.0.2.7'], ['b@example.com', null]] },
    { name: 'imap', losing: 5, active: 2, recent: [['d@example.com', null], ['a@example.com', '192.0.2.7']] },
  ]);

  const wider = await measureImpact(losing, logons, { now, activeDays: 31 });
  assert.deepEqual(wider?.protocols.map((p) => p.active), [3, 2], '--active-days 31 takes in c');
});

test('at most MOST_RECENT of the latest logins are kept, the newest first, whatever order they come in', async () => {
  const count = MOST_RECENT * 3;
  const logons = await source('recent', Array.from({ length: count }, (_, i) => ({ user: `u${i}@example.com`, service: 'pop3', time: daysAgo(((i * 7) % count) + 1) })));
  const losing = new LosingAccess();
  for (let i = 0; i < count; i++) losing.add(planFor(mailbox(`u${i}@example.com`), { PopEnabled: false }, undefined));
  const impact = await measureImpact(losing, logons, { now, activeDays: 30 });
  const [pop] = impact?.protocols ?? [];
  assert.equal(pop?.active, count);
  assert.deepEqual(pop?.mostRecent.map((r) => r.logon.time), Array.from({ length: MOST_RECENT }, (_, i) => daysAgo(i + 1)));
});

test('the logins are read a batch of mailboxes at a time, never one by one', async () => {
  const count = IMPACT_BATCH * 2 + 10;
  const logons = await source('batches', [{ user: `u${count - 1}@example.com`, service: 'imap', time: daysAgo(3) }]);
  const losing = new LosingAccess();
  for (let i = 0; i < count; i++) losing.add(planFor(mailbox(`u${i}@example.com`), { ImapEnabled: false }, undefined));
  const progress = new ProgressRecorder();
  const impact = await measureImpact(losing, logons, { now, activeDays: 30 }, progress);
  assert.deepEqual(logons.calls, [IMPACT_BATCH, IMPACT_BATCH, 10]);
  assert.deepEqual(progress.summary(), [`Reading logins ${count}/${count}`]);
  progress.assertTrue();
  assert.deepEqual([impact?.losingAccess, impact?.activeMailboxes, impact?.protocols[0]?.mostRecent[0]?.user], [count, 1, `u${count - 1}@example.com`]);
});

test('not recorded: the mailboxes losing access are counted, who of them is active is unknown (null), never zero', async () => {
  const losing = new LosingAccess();
  losing.add(planFor(mailbox('a@example.com'), { PopEnabled: false }, undefined));
  const progress = new ProgressRecorder();
  const impact = await measureImpact(losing, null, { now, activeDays: 7 }, progress);
  assert.deepEqual(progress.phases, [], 'nothing is read');
  assert.deepEqual(
    { recorded: impact?.recorded, active: impact?.activeMailboxes, protocols: impact?.protocols.map((p) => [p.protocol.name, p.losingAccess, p.active, p.mostRecent.length]) },
    { recorded: false, active: null, protocols: [['pop3', 1, null, 0]] },
  );
});

test('a change that turns no recorded protocol off has no impact, and reads nothing', async () => {
  const logons = await source('none', []);
  const losing = new LosingAccess();
  losing.add(planFor(mailbox('a@example.com', { PopEnabled: false }), { PopEnabled: true }, undefined));
  assert.equal(await measureImpact(losing, logons, { now, activeDays: 30 }), null);
  assert.deepEqual(logons.calls, []);
});
