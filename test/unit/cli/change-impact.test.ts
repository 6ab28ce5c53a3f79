import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enforceMaxActive, impactLimits, noteUncounted, reportImpact } from '../../../src/cli/change-impact.js';
import { NOT_RECORDED } from '../../../src/cli/last-logons.js';
import type { ChangeImpact, ProtocolImpact } from '../../../src/core/change-impact.js';
import { LAST_LOGON_PROTOCOLS, type LastLogonProtocol } from '../../../src/core/last-logons.js';
import { ExitCode, StoreError, UsageError } from '../../../src/core/errors.js';
import { impactLines, impactRecord } from '../../../src/output/change-impact.js';
import { Messages } from '../../../src/output/messages.js';
import { capture } from '../../helpers/capture.js';

const [POP3, IMAP4] = LAST_LOGON_PROTOCOLS as [LastLogonProtocol, LastLogonProtocol];
const since = new Date('2026-11-01T12:00:00Z');

function impact(protocols: ProtocolImpact[], overrides: Partial<ChangeImpact> = {}): ChangeImpact {
  return { activeDays: 30, since, recorded: true, retentionDays: 365, losingAccess: 340, activeMailboxes: 12, protocols, ...overrides };
}

const pop: ProtocolImpact = {
  protocol: POP3,
  losingAccess: 340,
  active: 12,
  mostRecent: [
    { user: 'ann@example.com', logon: { time: new Date('2026-12-01T09:14:59Z'), clientAddress: '192.0.2.7' } },
    { user: 'bob\u001b[2J@example.com', logon: { time: new Date('2026-11-30T18:02:00Z'), clientAddress: null } },
  ],
};

test('in words: how many of those losing access used it lately, the latest of them, to the minute in UTC, names escaped', () => {
  assert.deepEqual(impactLines(impact([pop, { protocol: IMAP4, losingAccess: 1, active: 0, mostRecent: [] }]), NOT_RECORDED), [
    'POP3: 12 of 340 mailboxes losing access logged in over POP3 in the last 30 days; most recent: ann@example.com 2026-12-01 09:14 UTC from 192.0.2.7, bob\\x1b[2J@example.com 2026-11-30 18:02 UTC, and 10 more.',
    'IMAP4: none of the 1 mailbox losing access logged in over IMAP4 in the last 30 days.',
  ]);
  assert.deepEqual(impactLines(impact([{ ...pop, active: 2 }], { activeDays: 1, retentionDays: null }), NOT_RECORDED), [
    'POP3: 2 of 340 mailboxes losing access logged in over POP3 in the last 1 day; most recent: ann@example.com 2026-12-01 09:14 UTC from 192.0.2.7, bob\\x1b[2J@example.com 2026-11-30 18:02 UTC.',
  ]);
});

test('a window longer than logins are kept says so: older logins are gone, not absent', () => {
  const [line] = impactLines(impact([{ protocol: POP3, losingAccess: 3, active: 0, mostRecent: [] }], { activeDays: 90, retentionDays: 60 }), NOT_RECORDED);
  assert.equal(line, 'POP3: none of the 3 mailboxes losing access logged in over POP3 in the last 90 days (logins are kept only 60 days).');
});

test('not recorded: one line, what is turned off for how many, and why who is unknown', () => {
  const unknown = impact([{ protocol: POP3, losingAccess: 340, active: null, mostRecent: [] }, { protocol: IMAP4, losingAccess: 1, active: null, mostRecent: [] }], { recorded: false, activeMailboxes: null, retentionDays: null });
  assert.deepEqual(impactLines(unknown, NOT_RECORDED), [`Who would lose access is unknown (this turns off POP3 for 340 mailboxes, IMAP4 for 1 mailbox): ${NOT_RECORDED}`]);
  assert.deepEqual(impactRecord(unknown), {
    ActiveDays: 30,
    Since: '2026-11-01T12:00:00.000Z',
    Recorded: false,
    RetentionDays: null,
    LosingAccess: 340,
    ActiveMailboxes: null,
    Protocols: [
      { Protocol: 'POP3', Property: 'PopEnabled', LastLogonProperty: 'LastPopLogonTime', LosingAccess: 340, Active: null, MostRecent: [] },
      { Protocol: 'IMAP4', Property: 'ImapEnabled', LastLogonProperty: 'LastImapLogonTime', LosingAccess: 1, Active: null, MostRecent: [] },
    ],
  });
});

test('the JSON record keeps the exact addresses and ISO times; no impact is null', () => {
  assert.deepEqual((impactRecord(impact([pop])) as { Protocols: { MostRecent: unknown }[] }).Protocols[0]?.MostRecent, [
    { PrimarySmtpAddress: 'ann@example.com', LastLogonTime: '2026-12-01T09:14:59.000Z', ClientAddress: '192.0.2.7' },
    { PrimarySmtpAddress: 'bob\u001b[2J@example.com', LastLogonTime: '2026-11-30T18:02:00.000Z', ClientAddress: null },
  ]);
  assert.equal(impactRecord(null), null);
});

test('on stderr: a warning when someone active (or nobody knows who) loses access, else information', () => {
  const said = (value: ChangeImpact): string => {
    const stderr = capture();
    reportImpact(new Messages(stderr, false), value);
    return stderr.text();
  };
  assert.match(said(impact([pop])), /^WARNING: POP3: 12 of 340/);
  assert.match(said(impact([{ ...pop, active: 0, mostRecent: [] }], { activeMailboxes: 0 })), /^POP3: none of the 340/);
  assert.match(said(impact([{ ...pop, active: null, mostRecent: [] }], { recorded: false, activeMailboxes: null })), /^WARNING: Who would lose access is unknown/);
});

test('--active-days and --max-active are whole numbers, checked before anything is planned', () => {
  assert.deepEqual(impactLimits({}), { activeDays: 30, maxActive: undefined });
  assert.deepEqual(impactLimits({ activeDays: '7', maxActive: '0' }), { activeDays: 7, maxActive: 0 });
  assert.throws(() => impactLimits({ activeDays: '0' }), /--active-days must be a whole number from 1 to 36500, not '0'/);
  assert.throws(() => impactLimits({ activeDays: '1000000000' }), /--active-days must be a whole number from 1 to 36500/);
  assert.equal(impactLimits({ activeDays: '36500' }).activeDays, 36_500);
  assert.throws(() => impactLimits({ maxActive: '-1' }), (e: unknown) => e instanceof UsageError && /--max-active must be a whole number, not '-1'/.test(e.message));
  assert.throws(() => impactLimits({ maxActive: '2.5' }), UsageError);
});

test('--max-active: more active mailboxes than allowed is a usage error naming them; as many passes; uncountable is exit 3', () => {
  const limits = (maxActive: number): { activeDays: number; maxActive: number } => ({ activeDays: 30, maxActive });
  assert.throws(
    () => enforceMaxActive(impact([pop]), limits(11)),
    (e: unknown) =>
      e instanceof UsageError &&
      e.exitCode === ExitCode.Usage &&
      e.message.startsWith('Refused by --max-active 11: 12 of the 340 mailboxes losing access logged in over a protocol they would lose in the last 30 days. Nothing was changed.\n  POP3: 12 of 340') &&
      e.message.includes('ann@example.com 2026-12-01 09:14 UTC'),
  );
  enforceMaxActive(impact([pop]), limits(12));
  enforceMaxActive(impact([pop]), { activeDays: 30, maxActive: undefined });
  enforceMaxActive(null, limits(0));
  assert.throws(
    () => enforceMaxActive(impact([{ ...pop, active: null }], { recorded: false, activeMailboxes: null }), limits(1000)),
    (e: unknown) => e instanceof StoreError && e.exitCode === ExitCode.StoreUnavailable && e.message === `--max-active 1000 cannot be checked: ${NOT_RECORDED} Nothing was changed.`,
  );
});

test('with --max-active, a change of a protocol whose logins are not recorded says the limit does not weigh it', () => {
  const said = (changed: Parameters<typeof noteUncounted>[1], maxActive: number | undefined, webmail = false): string => {
    const stderr = capture();
    noteUncounted(new Messages(stderr, false), changed, { activeDays: 30, maxActive }, webmail);
    return stderr.text();
  };
  // Without webmail networks the webmail's logins are recorded as IMAP4's: OWA's are not recorded.
  assert.equal(said(new Set(['PopEnabled', 'OWAEnabled', 'SmtpClientAuthenticationDisabled']), 0), '--max-active weighs the recorded POP3 and IMAP4 logins only: logins over OWA or SMTP AUTH are not recorded.\n');
  assert.equal(said(new Set(['PopEnabled', 'OWAEnabled', 'SmtpClientAuthenticationDisabled']), 0, true), '--max-active weighs the recorded POP3, IMAP4 and OWA logins only: logins over SMTP AUTH are not recorded.\n');
  assert.equal(said(new Set(['OWAEnabled']), 0, true), '', 'with webmail networks, OWA is weighed');
  assert.equal(said(new Set(['PopEnabled', 'ImapEnabled']), 0), '');
  assert.equal(said(new Set(['OWAEnabled']), undefined), '', 'no limit, nothing to say');
});
