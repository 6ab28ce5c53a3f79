/**
 * Dovecot 2.3 and 2.4 enforce a PostgreSQL store (a real PostgreSQL 15, Dovecot's pgsql driver)
 * through the configuration `casctl get-dovecotconfig` writes for it, reading as a read-only
 * account of its own whose password casctl writes only because it is given one; casctl's
 * --restart refuses and re-admits real POP3 and IMAP logins past a warm auth cache.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { imapLogin, openImapSession, openPop3Session, pop3Login } from '../helpers/mail-login.js';
import { postgresSkipReason, startPostgres, type Postgres } from '../helpers/postgres.js';

const PASSWORD = 'Tailspin!2026';

for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} enforces a PostgreSQL store`, { skip: postgresSkipReason() || dovecotSkipReason(version) }, () => {
    let server: Postgres;
    let dovecot: Dovecot;
    let store: string;
    let config: string;
    let files: string;
    const run = (args: string[]): Promise<CliResult> => casctl(args, { store, env: { ...server.env(), CASCTL_CONFIG: config } });
    const imap = (user: string, password = PASSWORD): ReturnType<typeof imapLogin> => imapLogin(dovecot.imapPort, user, password);
    const pop3 = (user: string, password = PASSWORD): ReturnType<typeof pop3Login> => pop3Login(dovecot.pop3Port, user, password);

    before(async () => {
      server = await startPostgres();
      store = await server.createDatabase();
      const init = await casctl(['init', '--sample'], { store, env: server.env() });
      assert.equal(init.code, 0, init.stderr);
      await server.grantReader(store.split('/').pop() as string, 'dovecot');
      const dir = tempDir();
      config = join(dir, 'casctl.config.json');
      writeFileSync(config, '{}');
      writeFileSync(join(dir, 'dovecot.secret'), `${server.passwords.dovecot}\n`, { mode: 0o600 });
      files = join(dir, 'dovecot');
      const written = await casctl(['get-dovecotconfig', '--write', files, '--dovecot-version', version, '--reason'], {
        store,
        env: { ...server.env(), CASCTL_CONFIG: config, CASCTL_DOVECOT_SQL_USER: 'dovecot', CASCTL_DOVECOT_SQL_PASSWORD_FILE: join(dir, 'dovecot.secret') },
      });
      assert.equal(written.code, 0, written.stderr);
      dovecot = await startDovecot({ version, authInclude: join(files, 'casctl-auth.conf') });
      writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    });
    after(async () => {
      await dovecot?.stop();
      await server?.stop();
    });

    test("the files name Dovecot's own account, never casctl's password", () => {
      const written = ['casctl-auth.conf', ...(version === '2.3' ? ['casctl-sql.conf.ext'] : [])].map((name) => readFileSync(join(files, name), 'utf8')).join('\n');
      assert.match(written, version === '2.3' ? /^driver = pgsql$/m : /^sql_driver = pgsql$/m);
      assert.match(written, /user ?= ?dovecot/);
      assert.doesNotMatch(written, new RegExp(server.passwords.casctl));
    });

    test('logins by any address, in any case, or the UPN; a wrong password, the Administrator and a disabled protocol are refused, saying why', async () => {
      const rand = 'rand.zaher@tailspintoys.com';
      for (const name of [rand, 'rzaher@tailspintoys.com', 'Rand.Zaher@TailspinToys.com']) assert.ok((await imap(name)).ok, `${name}\n${dovecot.log()}`);
      assert.ok((await imap('jweber@tailspintoys.com')).ok, 'by UPN');
      assert.ok((await pop3(rand)).ok);
      assert.equal((await imap(rand, 'wrong')).ok, false);
      assert.equal((await imap('administrator@tailspintoys.com')).ok, false);
      const refused = await pop3('amara.nwosu@tailspintoys.com');
      assert.equal(refused.ok, false, 'POP3 off in the sample');
      assert.equal(refused.response, '-ERR [AUTH] pop3 access is disabled for this mailbox');
    });

    test('set-casmailbox --restart refuses POP3 and IMAP under every name past a warm cache, ends the sessions, and re-admits them', async () => {
      const user = 'ebrunner@tailspintoys.com';
      const alias = 'ebru.brunner@tailspintoys.com';
      assert.ok((await pop3(alias)).ok, 'cached under the alias');
      assert.ok((await imap(user)).ok, 'cached under the address');
      const imapSession = await openImapSession(dovecot.imapPort, user, PASSWORD);
      const pop3Session = await openPop3Session(dovecot.pop3Port, user, PASSWORD);
      try {
        const off = await run(['set-casmailbox', user, '--pop-enabled', 'false', '--restart']);
        assert.equal(off.code, 0, off.stderr);
        assert.match(off.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE: 1 mailboxes, 2 logins flushed, 1 sessions ended\./);
        assert.equal((await pop3(alias)).ok, false, 'the alias login was flushed too');
        assert.equal((await pop3(user)).ok, false);
        assert.ok(await imapSession.alive(), 'the IMAP session stays');
        assert.ok((await imap(alias)).ok);
        const imapOff = await run(['set-casmailbox', user, '--imap-enabled', 'false', '--restart']);
        assert.equal(imapOff.code, 0, imapOff.stderr);
        const refused = await imap(alias);
        assert.equal(refused.ok, false);
        assert.equal(refused.response, 'NO [CONTACTADMIN] imap access is disabled for this mailbox');
        assert.equal(await imapSession.alive(), false, 'the IMAP session ended');
      } finally {
        await imapSession.close();
        await pop3Session.close();
      }
      const on = await run(['set-casmailbox', user, '--pop-enabled', 'true', '--imap-enabled', 'true', '--restart']);
      assert.equal(on.code, 0, on.stderr);
      assert.ok((await pop3(alias)).ok, 'the negative entry was flushed');
      assert.ok((await imap(user)).ok);
    });
  });
}
