/**
 * Dovecot 2.3 and 2.4 enforce an LDAP store (a real slapd) through the configuration
 * `casctl get-dovecotconfig` writes for it, and casctl refreshes them as on SQLite.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { imapLogin, openImapSession, openPop3Session, pop3Login } from '../helpers/mail-login.js';
import { slapdSkipReason } from '../helpers/slapd.js';

const PASSWORD = 'Tailspin!2026';

for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} enforces an LDAP store`, { skip: slapdSkipReason() || dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let store: string;
    let config: string;
    const run = (args: string[]): Promise<CliResult> => casctl(args, { store, env: { CASCTL_CONFIG: config } });
    const imap = async (user: string, password = PASSWORD): Promise<boolean> => (await imapLogin(dovecot.imapPort, user, password)).ok;
    const pop3 = async (user: string): Promise<boolean> => (await pop3Login(dovecot.pop3Port, user, PASSWORD)).ok;
    const authTest = (protocol: string, user: string): boolean => {
      const result = dovecot.doveadm(['auth', 'test', '-x', `${version === '2.3' ? 'service' : 'protocol'}=${protocol}`, user, PASSWORD]);
      return result.code === 0 && /auth succeeded/.test(result.stdout);
    };

    before(async () => {
      store = await sampleStore('ldap');
      const dir = tempDir();
      config = join(dir, 'casctl.config.json');
      writeFileSync(config, '{}');
      const written = await run(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version]);
      assert.equal(written.code, 0, written.stderr);
      dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
      writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    });
    after(async () => {
      await dovecot?.stop();
    });

    test('logins by any address or the UPN; a wrong password, the Administrator and a disabled protocol are refused', async () => {
      const rand = 'rand.zaher@tailspintoys.com';
      for (const name of [rand, 'rzaher@tailspintoys.com', 'Rand.Zaher@TailspinToys.com']) assert.ok(await imap(name), `${name}\n${dovecot.log()}`);
      assert.ok(await imap('jweber@tailspintoys.com'), 'by UPN');
      assert.ok(await pop3(rand));
      assert.equal(await imap(rand, 'wrong'), false);
      assert.equal(await imap('administrator@tailspintoys.com'), false);
      assert.equal(await pop3('amara.nwosu@tailspintoys.com'), false, 'POP3 off in the sample');
      for (const protocol of ['smtp', 'submission']) assert.ok(authTest(protocol, 'amara.nwosu@tailspintoys.com'), `${protocol} checks only the password`);
    });

    test('set-casmailbox --restart on LDAP: the lost protocol is refused under every name, its session ends, the other protocol stays', async () => {
      const user = 'ebrunner@tailspintoys.com';
      const alias = 'ebru.brunner@tailspintoys.com';
      assert.ok(await pop3(alias), 'cached under the alias');
      const imapSession = await openImapSession(dovecot.imapPort, user, PASSWORD);
      const pop3Session = await openPop3Session(dovecot.pop3Port, user, PASSWORD);
      try {
        const off = await run(['set-casmailbox', user, '--pop-enabled', 'false', '--restart']);
        assert.equal(off.code, 0, off.stderr);
        assert.match(off.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE: 1 mailboxes, 2 logins flushed, 1 sessions ended\./);
        assert.equal(await pop3(alias), false, 'the alias login was flushed too');
        assert.equal(await pop3(user), false);
        assert.ok(await imapSession.alive(), 'the IMAP session stays');
        assert.ok(await imap(alias));
        assert.ok(authTest('smtp', user));
      } finally {
        await imapSession.close();
        await pop3Session.close();
      }
      const on = await run(['set-casmailbox', user, '--pop-enabled', 'true', '--restart']);
      assert.equal(on.code, 0, on.stderr);
      assert.ok(await pop3(alias), 'the negative entry was flushed');
    });
  });
}
