import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { casctl, tempDir } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, type Dovecot } from '../helpers/dovecot.js';
import { imapLogin, pop3Login } from '../helpers/mail-login.js';
import { recordedRows, startRecordingDovecot } from '../helpers/recording-dovecot.js';

const PASSWORD = 'Tailspin!2026';
/** Four mailboxes of the sample directory with POP3 and IMAP4 on: two log in for real, two never do. */
const POP_USER = 'rand.zaher@tailspintoys.com';
const IMAP_USER = 'priya.raman@tailspintoys.com';
const IDLE = ['marcus.oyelaran@tailspintoys.com', 'hannah.lindqvist@tailspintoys.com'] as const;
const SELECTED = [POP_USER, IMAP_USER, ...IDLE];

interface ImpactJson {
  Impact: { Recorded: boolean; ActiveMailboxes: number; Protocols: { Protocol: string; LosingAccess: number; Active: number; MostRecent: { PrimarySmtpAddress: string; ClientAddress: string | null }[] }[] } | null;
}

/**
 * The "done when", on real logins: Dovecot (2.3 and 2.4) records them with the files
 * `get-dovecotconfig --last-logons --write` writes, and casctl decides on them. A change turning
 * POP3 off names who used it minutes ago and `--max-active 0` refuses it; an `unusedFor` audit
 * reports, and `--fix` turns off, exactly the protocols nobody used.
 */
for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version}: decisions on the logins it records`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let store: string;
    let logins: string;
    const settings = async (): Promise<Record<string, { PopEnabled: boolean; ImapEnabled: boolean }>> => {
      const result = await casctl(['get-casmailbox', ...SELECTED, '--store', store, '-o', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const rows = JSON.parse(result.stdout) as { PrimarySmtpAddress: string; PopEnabled: boolean; ImapEnabled: boolean }[];
      return Object.fromEntries(rows.map((r) => [r.PrimarySmtpAddress, { PopEnabled: r.PopEnabled, ImapEnabled: r.ImapEnabled }]));
    };
    const recorded = (): number => recordedRows(logins).length;

    before(async () => {
      ({ dovecot, store, logins } = await startRecordingDovecot(version));
      // The sample mailboxes were made moments ago; an `unusedFor` rule spares mailboxes younger
      // than its period, so they are made old, as a real directory's are.
      const db = new Database(store);
      try {
        db.prepare("UPDATE mailboxes SET when_created = '2025-01-01T00:00:00.000Z'").run();
      } finally {
        db.close();
      }
      assert.ok((await pop3Login(dovecot.pop3Port, POP_USER, PASSWORD, undefined, '127.0.0.12')).ok, dovecot.log());
      assert.ok((await imapLogin(dovecot.imapPort, IMAP_USER, PASSWORD, { localAddress: '127.0.0.13' })).ok, dovecot.log());
      for (let attempt = 0; attempt < 50 && recorded() < 2; attempt++) await sleep(100);
      assert.equal(recorded(), 2, dovecot.log());
    });

    after(async () => {
      await dovecot?.stop();
    });

    test('the recorded times show as LastPopLogonTime and LastImapLogonTime of the right mailboxes', async () => {
      const result = await casctl(['get-casmailbox', ...SELECTED, '--store', store, '--property', 'PrimarySmtpAddress,LastPopLogonTime,LastImapLogonTime', '-o', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const rows = JSON.parse(result.stdout) as { PrimarySmtpAddress: string; LastPopLogonTime: string | null; LastImapLogonTime: string | null }[];
      const recent = (value: string | null): boolean => value !== null && Date.now() - Date.parse(value) < 10 * 60_000;
      const by = new Map(rows.map((r) => [r.PrimarySmtpAddress, r]));
      assert.ok(recent(by.get(POP_USER)?.LastPopLogonTime ?? null) && by.get(POP_USER)?.LastImapLogonTime === null, result.stdout);
      assert.ok(recent(by.get(IMAP_USER)?.LastImapLogonTime ?? null) && by.get(IMAP_USER)?.LastPopLogonTime === null, result.stdout);
      for (const idle of IDLE) assert.deepEqual([by.get(idle)?.LastPopLogonTime, by.get(idle)?.LastImapLogonTime], [null, null]);
    });

    test('turning POP3 off names the mailbox that used it minutes ago, in --what-if, and --max-active 0 refuses it', async () => {
      const before = await settings();
      const plan = await casctl(['set-casmailbox', ...SELECTED, '--store', store, '--pop-enabled', 'false', '--what-if', '-o', 'json']);
      assert.equal(plan.code, 0, plan.stderr);
      const impact = (JSON.parse(plan.stdout) as ImpactJson).Impact;
      assert.ok(impact !== null && impact.Recorded);
      assert.equal(impact.ActiveMailboxes, 1);
      const pop = impact.Protocols.find((p) => p.Protocol === 'POP3');
      assert.deepEqual([pop?.LosingAccess, pop?.Active, pop?.MostRecent.map((m) => [m.PrimarySmtpAddress, m.ClientAddress])], [4, 1, [[POP_USER, '127.0.0.12']]]);
      const table = await casctl(['set-casmailbox', ...SELECTED, '--store', store, '--pop-enabled', 'false', '--what-if']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stderr, new RegExp(`POP3: 1 of 4 mailboxes losing access logged in over POP3 in the last 30 days; most recent: ${POP_USER.replace(/\./g, '\\.')} .* from 127\\.0\\.0\\.12`));

      const refused = await casctl(['set-casmailbox', ...SELECTED, '--store', store, '--pop-enabled', 'false', '--yes', '--max-active', '0']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(POP_USER.replace(/\./g, '\\.')));
      assert.deepEqual(await settings(), before, 'nothing changed');
      // Turning IMAP4 off cuts off the IMAP user only, so a limit of 1 lets it through.
      const imap = await casctl(['set-casmailbox', ...SELECTED, '--store', store, '--imap-enabled', 'false', '--what-if', '--max-active', '1', '-o', 'json']);
      assert.equal(imap.code, 0, imap.stderr);
      assert.deepEqual((JSON.parse(imap.stdout) as ImpactJson).Impact?.Protocols.map((p) => [p.Protocol, p.Active, p.MostRecent[0]?.PrimarySmtpAddress]), [['IMAP4', 1, IMAP_USER]]);
    });

    test('an unusedFor audit reports exactly the protocols nobody used, and --fix turns off only those', async () => {
      const policy = join(tempDir(), 'unused.yml');
      writeFileSync(policy, `rules:\n  - name: No idle POP3 or IMAP4\n    identities: [${SELECTED.join(', ')}]\n    unusedFor: { PopEnabled: 90d, ImapEnabled: 90d }\n`);
      // Recording began moments ago (--write said so in the database): nobody has had 90 days to log in on record.
      const early = await casctl(['audit', policy, '--store', store, '-o', 'json']);
      assert.equal(early.code, 0, early.stderr);
      // As if Dovecot had been recording for most of a year.
      const db = new Database(logins);
      try {
        assert.equal(db.prepare("UPDATE last_logon SET last_logon = ? WHERE username = '' AND service = '#recording-since'").run(Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000)).changes, 1);
      } finally {
        db.close();
      }
      const audit = await casctl(['audit', policy, '--store', store, '-o', 'json']);
      assert.equal(audit.code, 5, audit.stderr);
      const fixed = await casctl(['audit', policy, '--store', store, '--fix', '--yes', '-o', 'json']);
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.deepEqual(await settings(), {
        [POP_USER]: { PopEnabled: true, ImapEnabled: false },
        [IMAP_USER]: { PopEnabled: false, ImapEnabled: true },
        [IDLE[0]]: { PopEnabled: false, ImapEnabled: false },
        [IDLE[1]]: { PopEnabled: false, ImapEnabled: false },
      });
      const again = await casctl(['audit', policy, '--store', store]);
      assert.equal(again.code, 0, again.stderr);
      // The protocols the fix left on still admit their users, for real.
      assert.ok((await pop3Login(dovecot.pop3Port, POP_USER, PASSWORD, undefined, '127.0.0.12')).ok, dovecot.log());
      assert.ok((await imapLogin(dovecot.imapPort, IMAP_USER, PASSWORD, { localAddress: '127.0.0.13' })).ok, dovecot.log());
    });
  });
}
