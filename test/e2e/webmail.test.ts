/**
 * OWAEnabled end to end: IMAP logins from the webmail host (127.0.0.2, any 127/8 address being
 * local here) follow OWAEnabled, IMAP logins from elsewhere (127.0.0.1) ImapEnabled, on Dovecot
 * 2.3 and 2.4 reading a SQLite and an LDAP store through the configuration get-dovecotconfig
 * writes from the config's dovecot.webmailNetworks (on SQLite with --reason, so a refusal also
 * says why; LDAP cannot). One Dovecot per version and store.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { casctl, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { WEBMAIL_ADDRESS } from '../helpers/dovecot-evidence.js';
import { imapLogin, openImapSession, type ImapSession } from '../helpers/mail-login.js';
import { slapdSkipReason } from '../helpers/slapd.js';

const PASSWORD = 'Tailspin!2026';
const WEBMAIL = WEBMAIL_ADDRESS;
const ELSEWHERE = '127.0.0.1';

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 30; attempt++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(what);
}

for (const version of DOVECOT_VERSIONS) {
  for (const kind of ['sqlite', 'ldap'] as const) {
    const skip = dovecotSkipReason(version) || (kind === 'ldap' && slapdSkipReason());
    describe(`Dovecot ${version} on ${kind}: IMAP from the webmail host follows OWAEnabled, from elsewhere ImapEnabled`, { skip }, () => {
      let dovecot: Dovecot;
      let store: string;
      let config: string;
      const run = (args: string[]): Promise<CliResult> => casctl(args, { store, env: { CASCTL_CONFIG: config } });
      const imapFrom = async (from: string, user: string): Promise<boolean> => (await imapLogin(dovecot.imapPort, user, PASSWORD, { localAddress: from })).ok;
      const set = async (user: string, ...settings: string[]): Promise<CliResult> => {
        const result = await run(['set-casmailbox', user, ...settings, '--restart']);
        assert.equal(result.code, 0, result.stderr);
        return result;
      };

      before(async () => {
        store = await sampleStore(kind);
        const dir = tempDir();
        config = join(dir, 'casctl.config.json');
        const dovecotSection = { webmailNetworks: [`${WEBMAIL}/32`] };
        writeFileSync(config, JSON.stringify({ dovecot: dovecotSection }));
        const reason = kind === 'sqlite' ? ['--reason'] : [];
        const written = await run(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version, ...reason]);
        assert.equal(written.code, 0, written.stderr);
        assert.doesNotMatch(written.stderr, /not enforced/);
        dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
        writeFileSync(config, JSON.stringify({ dovecot: dovecotSection, services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
      });
      after(async () => {
        await dovecot?.stop();
      });

      test('all four ImapEnabled × OWAEnabled combinations, each change effective at once over a warm cache with --restart', async () => {
        const mailboxes = {
          both: 'rand.zaher@tailspintoys.com',
          webmailOnly: 'priya.raman@tailspintoys.com',
          clientsOnly: 'marcus.oyelaran@tailspintoys.com',
          neither: 'hannah.lindqvist@tailspintoys.com',
        };
        const logins = async (): Promise<Record<string, [boolean, boolean]>> => {
          const seen: Record<string, [boolean, boolean]> = {};
          for (const [name, user] of Object.entries(mailboxes)) seen[name] = [await imapFrom(WEBMAIL, user), await imapFrom(ELSEWHERE, user)];
          return seen;
        };
        const everyone = { both: [true, true], webmailOnly: [true, true], clientsOnly: [true, true], neither: [true, true] };
        // Every login succeeds once: the cache now holds them, from both addresses.
        assert.deepEqual(await logins(), everyone, dovecot.log());

        const imapOff = await set(mailboxes.webmailOnly, '--imap-enabled', 'false');
        assert.match(imapOff.stderr, /Made effective on MSExchangeIMAP4, MSExchangeIMAP4BE: 1 mailboxes, \d+ logins flushed/);
        const owaOff = await set(mailboxes.clientsOnly, '--owa-enabled', 'false');
        assert.match(owaOff.stderr, /Made effective on MSExchangeOWAAppPool: 1 mailboxes, \d+ logins flushed/);
        await set(mailboxes.neither, '-OWAEnabled', '$false', '-ImapEnabled', '$false');
        const expected = { both: [true, true], webmailOnly: [true, false], clientsOnly: [false, true], neither: [false, false] };
        assert.deepEqual(await logins(), expected, dovecot.log());
        // Twice: the refusals come from the cache now, and still by address.
        assert.deepEqual(await logins(), expected);
        if (kind === 'sqlite') {
          const refused = await imapLogin(dovecot.imapPort, mailboxes.clientsOnly, PASSWORD, { localAddress: WEBMAIL });
          assert.match(refused.response, /^NO \[CONTACTADMIN\] OWA \(webmail\) access is disabled for this mailbox/);
          const client = await imapLogin(dovecot.imapPort, mailboxes.webmailOnly, PASSWORD, { localAddress: ELSEWHERE });
          assert.match(client.response, /^NO \[CONTACTADMIN\] imap access is disabled for this mailbox/);
        }

        const table = await run(['get-casmailbox', mailboxes.neither]);
        assert.match(table.stdout, /^Name +PrimarySmtpAddress +OWAEnabled +PopEnabled +ImapEnabled$/m);
        assert.match(table.stdout, /^Hannah Lindqvist +hannah\.lindqvist@tailspintoys\.com +False +True +False$/m);

        for (const user of [mailboxes.webmailOnly, mailboxes.clientsOnly, mailboxes.neither]) await set(user, '--owa-enabled', 'true', '--imap-enabled', 'true');
        assert.deepEqual(await logins(), everyone, 'the refusals were flushed too');
      });

      test('OWAEnabled false ends the webmail IMAP session only, ImapEnabled false the mail client one only', async () => {
        const user = 'tomas.ortega@tailspintoys.com';
        const sessions: ImapSession[] = [];
        const open = async (from: string): Promise<ImapSession> => {
          const session = await openImapSession(dovecot.imapPort, user, PASSWORD, { localAddress: from });
          sessions.push(session);
          return session;
        };
        try {
          const webmail = await open(WEBMAIL);
          const client = await open(ELSEWHERE);
          const owaOff = await set(user, '--owa-enabled', 'false');
          assert.match(owaOff.stderr, /Made effective on MSExchangeOWAAppPool: 1 mailboxes, \d+ logins flushed, 1 sessions ended\./);
          await until(async () => !(await webmail.alive()), `the webmail session ends\n${dovecot.log()}`);
          assert.ok(await client.alive(), 'the mail client session stays');
          assert.equal(await imapFrom(WEBMAIL, user), false);

          await set(user, '--owa-enabled', 'true');
          const webmailAgain = await open(WEBMAIL);
          const imapOff = await set(user, '--imap-enabled', 'false');
          assert.match(imapOff.stderr, /Made effective on MSExchangeIMAP4, MSExchangeIMAP4BE: 1 mailboxes, \d+ logins flushed, 1 sessions ended\./);
          await until(async () => !(await client.alive()), `the mail client session ends\n${dovecot.log()}`);
          assert.ok(await webmailAgain.alive(), 'the webmail session stays');
          assert.equal(await imapFrom(ELSEWHERE, user), false);
          assert.ok(await imapFrom(WEBMAIL, user), 'webmail keeps working without IMAP');
        } finally {
          for (const session of sessions) await session.close();
        }
        await set(user, '--imap-enabled', 'true');
      });
    });
  }
}
