import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { FIXTURES, casctl, json, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot, type DovecotVersion } from '../helpers/dovecot.js';
import { loginsTo, type DovecotLogins } from '../helpers/dovecot-evidence.js';
import type { MailSession } from '../helpers/mail-login.js';
import { SERVICES } from '../../src/services/services.js';

/** Every service's name, in registry order; and those of one protocol. */
const NAMES = SERVICES.map((s) => s.Name);
const isPop3 = (service: (typeof SERVICES)[number]): boolean => service.protocol.name === 'pop3';

const PASSWORD = 'Tailspin!2026';
const RAND = 'rand.zaher@tailspintoys.com';

/** `doveadm auth test` for a protocol casctl does not manage: 2.3 names it service=, 2.4 protocol=. */
function authTest(dovecot: Dovecot, protocol: string, user: string): { ok: boolean; output: string } {
  const field = dovecot.version === '2.3' ? `service=${protocol}` : `protocol=${protocol}`;
  const result = dovecot.doveadm(['auth', 'test', '-x', field, user, PASSWORD]);
  return { ok: result.code === 0 && /auth succeeded/.test(result.stdout), output: `${result.stdout}${result.stderr}` };
}

async function until(check: () => Promise<boolean>, what: string, attempts = 30): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(what);
}

/** Starts a Dovecot of `version` reading `store` through the configuration casctl writes; returns it and the env that reaches it. */
async function enforcing(version: DovecotVersion, store: string, extra: string[] = []): Promise<{ dovecot: Dovecot; env: NodeJS.ProcessEnv }> {
  const dir = tempDir();
  const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--store', store, '--dovecot-version', version, ...extra]);
  assert.equal(written.code, 0, written.stderr);
  const dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
  const config = join(dir, 'casctl.config.json');
  writeFileSync(config, JSON.stringify({ store, services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
  return { dovecot, env: { CASCTL_CONFIG: config } };
}

/**
 * Dovecot really enforces the store: a private Dovecot (2.3 and 2.4) reads a copy of the sample
 * directory through the configuration `casctl get-dovecotconfig` writes, and casctl refreshes it
 * through the dovecot service preset.
 */
for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} enforces the store`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let logins: DovecotLogins;
    let store: string;
    let env: NodeJS.ProcessEnv;

    const run = (args: string[], input?: string): Promise<CliResult> => casctl(args, { env, ...(input === undefined ? {} : { input }) });
    const imap = async (user: string): Promise<boolean> => (await logins.imap(user, PASSWORD)).ok;
    const pop3 = async (user: string): Promise<boolean> => (await logins.pop3(user, PASSWORD)).ok;
    const services = async (): Promise<Record<string, unknown>[]> => json(await run(['get-service', '-o', 'json']));

    before(async () => {
      store = await sampleStore();
      ({ dovecot, env } = await enforcing(version, store));
      logins = loginsTo(dovecot);
    });

    after(async () => {
      await dovecot?.stop();
    });

    test('get-dovecotconfig detects the version of the Dovecot the services reach', async () => {
      const printed = await run(['get-dovecotconfig']);
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stderr, new RegExp(`Dovecot ${version.replace('.', '\\.')} syntax: '.*dovecot --version' says ${version.replace('.', '\\.')}\\.`));
      if (version === '2.4') assert.match(printed.stdout, /passdb sql \{/);
      else assert.match(printed.stdout, /password_query = /);
    });

    test('Rand Zaher: both protocols off with --restart are refused at once, and back on work again', async () => {
      assert.ok(await imap(RAND), dovecot.log());
      assert.ok(await pop3(RAND));
      const off = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false', '--imap-enabled', 'false', '--restart']);
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE, MSExchangeIMAP4, MSExchangeIMAP4BE: 1 mailboxes, 2 logins flushed, 0 sessions ended\./);
      assert.equal(await imap(RAND), false, 'IMAP refused');
      assert.equal(await pop3(RAND), false, 'POP3 refused');
      const on = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'true', '--imap-enabled', 'true', '--restart']);
      assert.equal(on.code, 0, on.stderr);
      assert.ok(await imap(RAND), 'the negative cache entry was flushed too');
      assert.ok(await pop3(RAND));
    });

    test('a mailbox logs in by any of its addresses and its UPN, and a change reaches every name it is cached under', async () => {
      const names = ['jack.weber@tailspintoys.com', 'jweber@tailspintoys.com', 'Jack.Weber@TailspinToys.com'];
      for (const name of names) assert.ok(await imap(name), `${name} logs in (and is cached)`);
      const secondary = ['rand.zaher@tailspintoys.com', 'rzaher@tailspintoys.com'];
      for (const name of secondary) assert.ok(await pop3(name), `${name} logs in over POP3`);
      const user = await logins.openImap('jweber@tailspintoys.com', PASSWORD);
      const off = await run(['set-casmailbox', 'jack.weber@tailspintoys.com', '--imap-enabled', 'false', '--restart']);
      assert.equal(off.code, 0, off.stderr);
      // The UPN login is one session of the canonical user: it ends.
      assert.match(off.stderr, /1 sessions ended/);
      await until(async () => !(await user.alive()), 'the session opened by UPN ended');
      await user.close();
      for (const name of names) assert.equal(await imap(name), false, `${name} is refused after the change`);
      assert.ok(await pop3('jweber@tailspintoys.com'), 'POP3 by UPN still works');
      assert.equal(authTest(dovecot, 'imap', 'nobody@tailspintoys.com').ok, false);
      await run(['set-casmailbox', 'jack.weber@tailspintoys.com', '--imap-enabled', 'true', '--restart']);
      for (const name of names) assert.ok(await imap(name), `${name} logs in again`);
    });

    test('only IMAP off: the IMAP session ends, the same user\'s POP3 session and another user\'s IMAP session stay', async () => {
      const user = 'ebrunner@tailspintoys.com';
      const imapSession = await logins.openImap(user, PASSWORD);
      const pop3Session = await logins.openPop3(user, PASSWORD);
      const other = await logins.openImap('sara.hansen@tailspintoys.com', PASSWORD);
      const sessions: MailSession[] = [imapSession, pop3Session, other];
      try {
        const set = await run(['set-casmailbox', user, '--imap-enabled', 'false', '--restart']);
        assert.equal(set.code, 0, set.stderr);
        assert.match(set.stderr, /Made effective on MSExchangeIMAP4, MSExchangeIMAP4BE: 1 mailboxes, 2 logins flushed, 1 sessions ended\./);
        await until(async () => !(await imapSession.alive()), 'the IMAP session of the mailbox that lost IMAP ended');
        assert.ok(await pop3Session.alive(), 'its POP3 session is still open');
        assert.ok(await other.alive(), "another user's IMAP session is still open");
        assert.equal(await imap(user), false);
        assert.ok(await pop3(user));
      } finally {
        for (const session of sessions) await session.close();
      }
    });

    test('services casctl does not manage (lmtp, one it has never heard of) check only the password', async () => {
      const user = 'glaureano@tailspintoys.com';
      const off = await run(['set-casmailbox', user, '--pop-enabled', 'false', '--imap-enabled', 'false', '--smtp-client-authentication-disabled', 'true', '--restart']);
      assert.equal(off.code, 0, off.stderr);
      assert.equal(authTest(dovecot, 'imap', user).ok, false);
      assert.equal(authTest(dovecot, 'pop3', user).ok, false);
      assert.equal(authTest(dovecot, 'smtp', user).ok, false);
      for (const protocol of ['lmtp', 'casctl-unmanaged']) {
        const result = authTest(dovecot, protocol, user);
        assert.ok(result.ok, `${protocol}: ${result.output}`);
      }
      const wrong = dovecot.doveadm(['auth', 'test', '-x', version === '2.3' ? 'service=lmtp' : 'protocol=lmtp', user, 'wrong']);
      assert.notEqual(wrong.code, 0, 'a wrong password is still refused');
      // The Administrator rule is about IMAP4 and POP3: Exchange lets the Administrator use SMTP AUTH.
      assert.ok(authTest(dovecot, 'smtp', 'administrator@tailspintoys.com').ok);
      assert.equal(authTest(dovecot, 'imap', 'administrator@tailspintoys.com').ok, false);
    });

    test('SMTP AUTH: $true refuses smtp and submission at once with a warm cache; $null follows the organisation default', async () => {
      const user = 'priya.raman@tailspintoys.com';
      for (const service of ['smtp', 'submission']) assert.ok(authTest(dovecot, service, user).ok, `${service} allowed before (and cached)`);
      const off = await run(['set-casmailbox', user, '-SmtpClientAuthenticationDisabled', '$true', '--restart']);
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stderr, /Made effective on MSExchangeFrontEndTransport: 1 mailboxes/);
      for (const service of ['smtp', 'submission']) assert.equal(authTest(dovecot, service, user).ok, false, `${service} refused`);
      const follows = await run(['set-casmailbox', user, '--smtp-client-authentication-disabled', '$null', '--restart']);
      assert.equal(follows.code, 0, follows.stderr);
      assert.ok(authTest(dovecot, 'smtp', user).ok, 'the built-in default allows it');
      const orgOff = await run(['Set-TransportConfig', '-SmtpClientAuthenticationDisabled', '$true', '--restart', '--yes']);
      assert.equal(orgOff.code, 0, orgOff.stderr);
      assert.equal(authTest(dovecot, 'smtp', user).ok, false, 'follows the organisation: refused');
      assert.ok(authTest(dovecot, 'smtp', 'glaureano@tailspintoys.com').ok === false, 'an explicit $true stays refused');
      const shown = json<Record<string, unknown>>(await run(['get-transportconfig', '-o', 'json']));
      assert.equal(shown.SmtpClientAuthenticationDisabled, true);
      const orgOn = await run(['set-transportconfig', '--smtp-client-authentication-disabled', 'false', '--restart', '--yes']);
      assert.equal(orgOn.code, 0, orgOn.stderr);
      assert.ok(authTest(dovecot, 'smtp', user).ok, 'allowed again');
    });

    test('the OU procedure and the Accounts.txt procedure disable exactly those mailboxes', async () => {
      const finance = json<Record<string, unknown>[]>(
        await run(['get-mailbox', '--organizational-unit', 'North America\\Finance', '--filter', "RecipientTypeDetails -eq 'UserMailbox'", '-o', 'json']),
      ).map((m) => String(m.PrimarySmtpAddress));
      const accounts = ['fapodaca@tailspintoys.com', 'hrim@tailspintoys.com'];
      const bystanders = ['abigail.dubois@tailspintoys.com', 'finance-team@tailspintoys.com'];
      for (const user of [...accounts, ...bystanders]) assert.ok(await imap(user), `${user} logs in before`);
      const ids = await run(['get-mailbox', '--organizational-unit', 'North America\\Finance', '--filter', "RecipientTypeDetails -eq 'UserMailbox'", '-o', 'id']);
      const ou = await run(['set-casmailbox', '-', '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes', '--restart'], ids.stdout);
      assert.equal(ou.code, 0, ou.stderr);
      const file = await run(['set-casmailbox', '--file', join(FIXTURES, 'Accounts.txt'), '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes', '--restart']);
      assert.equal(file.code, 0, file.stderr);
      for (const user of [...finance, ...accounts]) {
        assert.equal(await imap(user), false, `${user} IMAP`);
        assert.equal(await pop3(user), false, `${user} POP3`);
      }
      for (const user of bystanders) assert.ok(await imap(user), `${user} is not in either selection`);
    });

    test('without a refresh the cached login still works; each service refreshes from its own mark', async () => {
      const user = 'glaureano@tailspintoys.com';
      await run(['set-casmailbox', user, '--pop-enabled', 'true', '--restart']);
      assert.ok(await pop3(user), 'logs in, and the login is cached');
      const change = await run(['set-casmailbox', user, '--pop-enabled', 'false']);
      assert.equal(change.code, 0, change.stderr);
      assert.match(change.stderr, /refresh-service/);
      assert.ok(await pop3(user), 'the cache is real: the change is not seen yet');
      const pending = await services();
      assert.deepEqual(pending.map((s) => [s.Name, s.Status, s.PendingChanges]), SERVICES.map((s) => [s.Name, 'Running', isPop3(s)]));
      const refresh = await run(['refresh-service', 'pop3', 'MSExchangePOP3BE']);
      assert.equal(refresh.code, 0, refresh.stderr);
      assert.match(refresh.stderr, /Refreshed MSExchangePOP3, MSExchangePOP3BE: 1 mailboxes, 2 logins flushed/);
      assert.equal(await pop3(user), false, 'seen after the refresh');
      assert.ok((await services()).every((s) => s.PendingChanges === false));
      // The IMAP services were refreshed long after the POP3 ones changed: nothing of that is redone.
      const again = await run(['refresh-service']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /: 0 mailboxes, 0 logins flushed, 0 sessions ended\./);
    });

    test('an open IMAP session that loses IMAP is ended; another user\'s survives', async () => {
      const loser = 'zoe.muller@tailspintoys.com';
      const bystander = 'sara.hansen@tailspintoys.com';
      const ended = await logins.openImap(loser, PASSWORD);
      const kept = await logins.openImap(bystander, PASSWORD);
      assert.ok(await ended.alive());
      const set = await run(['set-casmailbox', 'Zoë Müller', '--imap-enabled', 'false', '--restart']);
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stderr, /1 sessions ended/);
      await until(async () => !(await ended.alive()), 'the session of the mailbox that lost IMAP is gone');
      assert.ok(await kept.alive(), 'the other session survives');
      await kept.close();
      await ended.close();
    });

    // After the session tests: a reload ends every open session a few seconds later.
    test('restart-service of one service restarts and reports every service the reload restarts', async () => {
      const user = 'abigail.dubois@tailspintoys.com';
      assert.ok(await imap(user));
      await run(['set-casmailbox', user, '--imap-enabled', 'false', '--pop-enabled', 'false']);
      assert.ok(await imap(user), 'still cached');
      const restart = await run(['Restart-Service', 'MSExchangeIMAP4', '-o', 'json']);
      assert.equal(restart.code, 0, restart.stderr);
      assert.ok(restart.stderr.includes(`Restarted ${NAMES.join(', ')} (the same command restarts ${NAMES.filter((n) => n !== 'MSExchangeIMAP4').join(', ')} too)`), restart.stderr);
      assert.deepEqual(json<Record<string, unknown>[]>(restart).map((s) => [s.Name, s.PendingChanges]), NAMES.map((name) => [name, false]));
      await until(async () => {
        try {
          return !(await imap(user)) && !(await pop3(user));
        } catch {
          // Dovecot is re-reading its configuration; its listener comes back within moments.
          return false;
        }
      }, 'refused on both protocols after the restart', 50);
      await run(['set-casmailbox', user, '--imap-enabled', 'true', '--pop-enabled', 'true', '--restart']);
    });

    test('the Administrator mailbox never logs in over IMAP4 or POP3, whatever its flags say', async () => {
      const db = new Database(store);
      db.prepare("UPDATE mailboxes SET pop_enabled = 1, imap_enabled = 1 WHERE sam_account_name = 'Administrator'").run();
      db.close();
      await run(['refresh-service']);
      await until(async () => {
        try {
          return (await imap('administrator@tailspintoys.com')) === false;
        } catch {
          return false;
        }
      }, 'Dovecot answers again after the reload', 50);
      assert.equal(await pop3('administrator@tailspintoys.com'), false);
      assert.equal(await imap('Administrator@TailspinToys.com'), false);
    });

    test('a failing service command is exit 4 with the command and its error, and changes nothing; get-service says why', async () => {
      const broken = join(tempDir(), 'broken.json');
      writeFileSync(broken, JSON.stringify({ store, services: { preset: 'dovecot', config: '/nonexistent/dovecot.conf', doveadm: dovecot.doveadmPrefix } }));
      const before = json(await run(['get-casmailbox', 'hrim@tailspintoys.com', '-o', 'json']));
      const result = await casctl(['set-casmailbox', 'hrim@tailspintoys.com', '--pop-enabled', 'true', '--restart'], { env: { CASCTL_CONFIG: broken } });
      assert.equal(result.code, 4);
      assert.match(result.stderr, /doveadm -c \/nonexistent\/dovecot\.conf service status' failed with exit code \d+/);
      assert.deepEqual(json(await run(['get-casmailbox', 'hrim@tailspintoys.com', '-o', 'json'])), before);
      const status = await casctl(['restart-service', 'pop3'], { env: { CASCTL_CONFIG: broken } });
      assert.equal(status.code, 4);
      const shown = await casctl(['get-service', '-o', 'json'], { env: { CASCTL_CONFIG: broken } });
      assert.equal(shown.code, 0, shown.stderr);
      const rows = json<Record<string, unknown>[]>(shown);
      assert.ok(rows.every((r) => r.Status === 'Stopped' && /service status' failed with exit code \d+:\n .*nonexistent/s.test(String(r.StatusMessage))), shown.stdout);
      assert.ok(shown.stderr.includes(`WARNING: ${NAMES.join(', ')} are not running: '`), shown.stderr);
      assert.match(shown.stderr, /are not running: '.*doveadm -c \/nonexistent\/dovecot\.conf service status' failed/);
    });

    test('a refresh that fails after the change committed says so, names what is pending, and dumps no argv', async () => {
      const dir = tempDir();
      const stopped = join(dir, 'stopped.json');
      // Status answers, the flush does not: the change commits, making it effective fails.
      writeFileSync(stopped, JSON.stringify({
        store,
        services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix,
          commands: Object.fromEntries(NAMES.map((name) => [name, { flush: [...dovecot.doveadmPrefix, '-c', '/nonexistent/dovecot.conf', 'auth', 'cache', 'flush', '{users}'] }])) },
      }));
      const ids = await casctl(['get-mailbox', '--organizational-unit', 'Europe', '-o', 'id'], { env });
      const result = await casctl(['set-casmailbox', '-', '--pop-enabled', 'false', '--yes', '--restart'], { env: { CASCTL_CONFIG: stopped }, input: ids.stdout });
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /Change \d+ is committed, but making it effective failed\. Flushing the login cache failed: '.*auth cache flush [^ ]+ [^ ]+' \(and \d+ more\) failed with exit code \d+/);
      assert.match(result.stderr, /Still pending on MSExchangePOP3, MSExchangePOP3BE: once Dovecot answers, run 'casctl refresh-service MSExchangePOP3 MSExchangePOP3BE'/);
      assert.ok(result.stderr.length < 3000, `no argv dump:\n${result.stderr}`);
      const pending = await services();
      assert.deepEqual(pending.map((s) => s.PendingChanges), SERVICES.map(isPop3));
      const fixed = await run(['refresh-service']);
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.ok((await services()).every((s) => s.PendingChanges === false));
    });
  });

  describe(`Dovecot ${version}: --reason tells a refused client why`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let logins: DovecotLogins;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      const store = await sampleStore();
      ({ dovecot, env } = await enforcing(version, store, ['--reason']));
      logins = loginsTo(dovecot);
    });
    after(async () => {
      await dovecot?.stop();
    });

    test('IMAP and POP3 each name the protocol, once, after a correct password only', async () => {
      const off = await casctl(['set-casmailbox', RAND, '--pop-enabled', 'false', '--imap-enabled', 'false', '--restart'], { env });
      assert.equal(off.code, 0, off.stderr);
      const imap = await logins.imap(RAND, PASSWORD);
      assert.equal(imap.ok, false);
      assert.equal(imap.response, 'NO [CONTACTADMIN] imap access is disabled for this mailbox');
      const pop3 = await logins.pop3(RAND, PASSWORD);
      assert.equal(pop3.ok, false);
      assert.equal(pop3.response, '-ERR [AUTH] pop3 access is disabled for this mailbox');
      assert.doesNotMatch(`${imap.response}${pop3.response}`, /CONTACTADMIN\].*CONTACTADMIN/);
      const wrong = await logins.imap(RAND, 'not the password');
      assert.doesNotMatch(wrong.response, /access is disabled/, 'a wrong password learns nothing');
      // Postfix takes Dovecot's OK-with-nologin for a success: with --reason, smtp is still refused outright.
      const smtpOff = await casctl(['set-casmailbox', RAND, '--smtp-client-authentication-disabled', 'true', '--restart'], { env });
      assert.equal(smtpOff.code, 0, smtpOff.stderr);
      const smtp = authTest(dovecot, 'smtp', RAND);
      assert.equal(smtp.ok, false, smtp.output);
      assert.doesNotMatch(smtp.output, /nologin/);
      assert.match(authTest(dovecot, 'submission', RAND).output, /nologin|auth failed/, 'submission-login honours nologin');
      assert.ok((await logins.imap('sara.hansen@tailspintoys.com', PASSWORD)).ok);
    });
  });
}
