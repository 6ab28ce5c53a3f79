import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRetention, disabling, unusedProtocols, unusedReason, type UnusedCandidate, type UnusedLimit } from '../../../src/audit/unused-for.js';
import { LAST_LOGON_PROTOCOLS, type LastLogonSource, type MailboxLastLogons } from '../../../src/core/last-logons.js';
import { BUILT_IN_DEFAULTS } from '../../../src/core/protocols.js';
import { ExitCode } from '../../../src/core/errors.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);
const [POP3, IMAP4] = LAST_LOGON_PROTOCOLS;
if (POP3 === undefined || IMAP4 === undefined) throw new Error('POP3 and IMAP4 are recorded');
const limit = (protocol: UnusedLimit['protocol'], days: number): UnusedLimit => ({ protocol, days, text: `${days}d` });
const LIMITS = [limit(POP3, 90), limit(IMAP4, 180)];

function mailbox(overrides: Partial<UnusedCandidate> = {}): UnusedCandidate {
  return { PrimarySmtpAddress: 'ann@example.com', IsAdministrator: false, WhenCreated: daysAgo(1000).toISOString(), PopEnabled: true, ImapEnabled: true, OWAEnabled: true, ...overrides };
}

/** Which protocols come out unused, by name. */
function unused(candidate: UnusedCandidate, logons?: MailboxLastLogons, recordingSince: Date | null = null): string[] {
  return unusedProtocols(candidate, logons, LIMITS, BUILT_IN_DEFAULTS, NOW, recordingSince).map((u) => u.limit.protocol.name);
}

test('a protocol is unused when its last login is older than its period, or there is none; each protocol by its own period', () => {
  assert.deepEqual(unused(mailbox()), ['pop3', 'imap'], 'never logged in');
  assert.deepEqual(unused(mailbox(), { pop3: { time: daysAgo(89), clientAddress: null }, imap: { time: daysAgo(179), clientAddress: null } }), []);
  assert.deepEqual(unused(mailbox(), { pop3: { time: daysAgo(91), clientAddress: null }, imap: { time: daysAgo(179), clientAddress: null } }), ['pop3']);
  assert.deepEqual(unused(mailbox(), { pop3: { time: daysAgo(1), clientAddress: null }, imap: { time: daysAgo(181), clientAddress: null } }), ['imap']);
  // An IMAP4 login says nothing about POP3.
  assert.deepEqual(unused(mailbox(), { imap: { time: daysAgo(0), clientAddress: null } }), ['pop3']);
});

test('only an effectively enabled protocol can be unused: a disabled one, and the Administrator (who never uses POP3 or IMAP4), are not', () => {
  assert.deepEqual(unused(mailbox({ PopEnabled: false })), ['imap']);
  assert.deepEqual(unused(mailbox({ PopEnabled: false, ImapEnabled: false })), []);
  assert.deepEqual(unused(mailbox({ IsAdministrator: true })), [], 'stored enabled, refused by the Administrator rule');
});

test('a mailbox younger than the period has not had the time: its creation counts as its last use', () => {
  assert.deepEqual(unused(mailbox({ WhenCreated: daysAgo(30).toISOString() })), [], 'a new starter keeps both');
  assert.deepEqual(unused(mailbox({ WhenCreated: daysAgo(120).toISOString() })), ['pop3'], '120 days: past the POP3 period, not the IMAP4 one');
  // Recreated with an address that logged in long ago: the creation is the later use.
  assert.deepEqual(unused(mailbox({ WhenCreated: daysAgo(10).toISOString() }), { pop3: { time: daysAgo(400), clientAddress: null } }), []);
  assert.deepEqual(unused(mailbox({ WhenCreated: 'not a time' })), ['pop3', 'imap'], 'an unreadable creation time gives no grace');
});

test('before recording began nobody could log in on record: its start counts as a last use, as a creation does', () => {
  assert.deepEqual(unused(mailbox(), undefined, daysAgo(30)), [], 'recording for 30 days: too soon to call anyone unused');
  assert.deepEqual(unused(mailbox(), undefined, daysAgo(120)), ['pop3'], '120 days of recording: past the POP3 period, not the IMAP4 one');
  assert.deepEqual(unused(mailbox(), { pop3: { time: daysAgo(200), clientAddress: null } }, daysAgo(100)), ['pop3'], 'a login before recording began? the later of the two counts');
});

test('the reason names the protocol, the period and the last login (with its address and age), or that none is recorded within the retention', () => {
  const found = unusedProtocols(mailbox(), { imap: { time: new Date('2026-03-01T08:30:00.250Z'), clientAddress: '192.0.2.7' } }, LIMITS, BUILT_IN_DEFAULTS, NOW, null);
  assert.equal(
    unusedReason(found, 365, NOW),
    'POP3 enabled and unused for 90 days: no login recorded in 365 days; IMAP4 enabled and unused for 180 days: last login 2026-03-01T08:30:00Z from 192.0.2.7 (275 days ago)',
  );
  assert.equal(unusedReason(found.slice(0, 1), null, NOW), 'POP3 enabled and unused for 90 days: no login recorded');
  const withoutAddress = unusedProtocols(mailbox({ ImapEnabled: false }), { pop3: { time: daysAgo(100), clientAddress: null } }, LIMITS, BUILT_IN_DEFAULTS, NOW, null);
  assert.match(unusedReason(withoutAddress, 365, NOW), /^POP3 enabled and unused for 90 days: last login \S+Z \(100 days ago\)$/);
  assert.deepEqual(disabling(found), { PopEnabled: false, ImapEnabled: false });
});

function source(retentionDays: number | null): LastLogonSource {
  return { where: '/srv/casctl.last-logons.db', retentionDays, recordingSince: null, lastLogons: () => Promise.resolve(new Map()), close: () => Promise.resolve() };
}

test('a rule longer than the retention is refused (exit 3), naming it, its period and the retention; as long or shorter, or kept for ever, is fine', () => {
  const rules = [{ name: 'short', at: 'p.yml:2:5', unusedFor: [limit(POP3, 30)] }, { name: 'long', at: 'p.yml:5:5', unusedFor: [limit(POP3, 30), limit(IMAP4, 400)] }];
  assert.throws(() => checkRetention(rules, source(365)), (error: Error & { exitCode?: number }) => {
    assert.equal(error.exitCode, ExitCode.StoreUnavailable);
    assert.match(error.message, /^Rule 'long' \(p\.yml:5:5\) asks who left IMAP4 unused for 400 days, but logins are kept only 365 days \(\/srv\/casctl\.last-logons\.db\).*Raise "lastLogons": \{"retentionDays"\} to at least 400/);
    return true;
  });
  checkRetention(rules.slice(0, 1), source(30));
  checkRetention(rules, source(null));
  checkRetention([{ name: 'expect rule' }], source(1));
});
