import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { casctl } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, type Dovecot } from '../helpers/dovecot.js';
import { imapLogin, pop3Login } from '../helpers/mail-login.js';
import { recordedRows, startRecordingDovecot, type RecordedRow } from '../helpers/recording-dovecot.js';

const PASSWORD = 'Tailspin!2026';
/** Where the webmail logs in from, and a mail client elsewhere. */
const WEBMAIL = '127.0.0.2';
const CLIENT = '127.0.0.14';
/** Mailboxes of the sample directory: one reads mail in the webmail only, one in a mail client only, one both ways. */
const WEBMAIL_USER = 'rand.zaher@tailspintoys.com';
const IMAP_USER = 'priya.raman@tailspintoys.com';
const BOTH = 'marcus.oyelaran@tailspintoys.com';
const SELECTED = [WEBMAIL_USER, IMAP_USER, BOTH];

interface Shown {
  PrimarySmtpAddress: string;
  LastOwaLogonTime: string | null;
  LastImapLogonTime: string | null;
  LastOwaLogonClientAddress: string | null;
  LastImapLogonClientAddress: string | null;
}

interface ImpactJson {
  Impact: { ActiveMailboxes: number; Protocols: { Protocol: string; LosingAccess: number; Active: number; MostRecent: { PrimarySmtpAddress: string }[] }[] } | null;
}

/**
 * Webmail logins are OWA's, not IMAP4's: with webmail networks, the files `get-dovecotconfig
 * --last-logons` writes make a real Dovecot (2.3 and 2.4) record an IMAP login from those
 * networks as `owa`, one from elsewhere as `imap`, and casctl shows and weighs them apart.
 */
for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} records the webmail's IMAP logins as OWA's`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let store: string;
    let logins: string;

    const rows = (): Pick<RecordedRow, 'username' | 'service' | 'client_address'>[] => recordedRows(logins).map(({ username, service, client_address }) => ({ username, service, client_address }));

    before(async () => {
      ({ dovecot, store, logins } = await startRecordingDovecot(version, ['--webmail-network', `${WEBMAIL}/32`]));
      const login = async (user: string, from: string): Promise<void> => {
        assert.ok((await imapLogin(dovecot.imapPort, user, PASSWORD, { localAddress: from })).ok, `${user} from ${from}\n${dovecot.log()}`);
      };
      await login(WEBMAIL_USER, WEBMAIL);
      await login(IMAP_USER, CLIENT);
      await login(BOTH, WEBMAIL);
      await login(BOTH, CLIENT);
      // The filter is IMAP's: POP3 from the webmail's address is still POP3.
      assert.ok((await pop3Login(dovecot.pop3Port, IMAP_USER, PASSWORD, undefined, WEBMAIL)).ok, dovecot.log());
      for (let attempt = 0; attempt < 50 && rows().length < 5; attempt++) await sleep(100);
    });

    after(async () => {
      await dovecot?.stop();
    });

    test('an IMAP login from the webmail network records owa, one from elsewhere imap, POP3 from the webmail address pop3', () => {
      assert.deepEqual(rows(), [
        { username: BOTH, service: 'imap', client_address: CLIENT },
        { username: BOTH, service: 'owa', client_address: WEBMAIL },
        { username: IMAP_USER, service: 'imap', client_address: CLIENT },
        { username: IMAP_USER, service: 'pop3', client_address: WEBMAIL },
        { username: WEBMAIL_USER, service: 'owa', client_address: WEBMAIL },
      ], dovecot.log());
    });

    test('casctl shows LastOwaLogonTime and LastImapLogonTime apart', async () => {
      const properties = 'PrimarySmtpAddress,LastOwaLogonTime,LastOwaLogonClientAddress,LastImapLogonTime,LastImapLogonClientAddress';
      const result = await casctl(['get-casmailbox', ...SELECTED, '--store', store, '--property', properties, '-o', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const by = new Map((JSON.parse(result.stdout) as Shown[]).map((r) => [r.PrimarySmtpAddress, r]));
      const recent = (value: string | null | undefined): boolean => typeof value === 'string' && Date.now() - Date.parse(value) < 10 * 60_000;
      const webmail = by.get(WEBMAIL_USER);
      assert.ok(recent(webmail?.LastOwaLogonTime) && webmail?.LastOwaLogonClientAddress === WEBMAIL && webmail.LastImapLogonTime === null, result.stdout);
      const imap = by.get(IMAP_USER);
      assert.ok(recent(imap?.LastImapLogonTime) && imap?.LastImapLogonClientAddress === CLIENT && imap.LastOwaLogonTime === null, result.stdout);
      const both = by.get(BOTH);
      assert.ok(recent(both?.LastOwaLogonTime) && recent(both?.LastImapLogonTime), result.stdout);
      assert.deepEqual([both?.LastOwaLogonClientAddress, both?.LastImapLogonClientAddress], [WEBMAIL, CLIENT]);

      const filtered = await casctl(['get-casmailbox', ...SELECTED, '--store', store, '--filter', 'LastImapLogonTime -eq $null', '--property', 'PrimarySmtpAddress', '-o', 'json']);
      assert.equal(filtered.code, 0, filtered.stderr);
      assert.deepEqual((JSON.parse(filtered.stdout) as { PrimarySmtpAddress: string }[]).map((r) => r.PrimarySmtpAddress), [WEBMAIL_USER], 'the webmail-only user never used IMAP4');
    });

    test('turning IMAP4 off cuts off the mail-client users only; turning OWA off the webmail users only', async () => {
      const impact = async (option: string): Promise<[string, number, string[]][]> => {
        const plan = await casctl(['set-casmailbox', ...SELECTED, '--store', store, option, 'false', '--what-if', '-o', 'json']);
        assert.equal(plan.code, 0, plan.stderr);
        return ((JSON.parse(plan.stdout) as ImpactJson).Impact?.Protocols ?? []).map((p) => [p.Protocol, p.Active, p.MostRecent.map((m) => m.PrimarySmtpAddress).sort()]);
      };
      assert.deepEqual(await impact('--imap-enabled'), [['IMAP4', 2, [BOTH, IMAP_USER].sort()]]);
      assert.deepEqual(await impact('--owa-enabled'), [['OWA', 2, [BOTH, WEBMAIL_USER].sort()]]);
      const refused = await casctl(['set-casmailbox', IMAP_USER, WEBMAIL_USER, '--store', store, '--owa-enabled', 'false', '--yes', '--max-active', '0']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(WEBMAIL_USER.replace(/\./g, '\\.')));
      assert.doesNotMatch(refused.stderr, new RegExp(IMAP_USER.replace(/\./g, '\\.')));
    });
  });
}
