/**
 * The logins a Dovecot (2.3 or 2.4) enforcing a directory store through casctl's configuration
 * admits and refuses on the sample directory, and set-casmailbox --restart acting on its warm
 * auth cache: one set of tests for every store the end-to-end suites run on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliResult } from './cli.js';
import type { Dovecot, DovecotVersion } from './dovecot.js';
import { imapLogin, openImapSession, openPop3Session, pop3Login } from './mail-login.js';

const PASSWORD = 'Tailspin!2026';

export interface EnforcedStore {
  dovecot: Dovecot;
  /** casctl against the store, with the configuration that names the Dovecot services. */
  run(args: string[]): Promise<CliResult>;
}

/** `reason`: the configuration was written with --reason, so a refused login says why. */
export function testSampleEnforcement(version: DovecotVersion, enforced: () => EnforcedStore, options: { reason?: boolean } = {}): void {
  const imap = async (user: string, password = PASSWORD): Promise<boolean> => (await imapLogin(enforced().dovecot.imapPort, user, password)).ok;
  const pop3 = async (user: string): Promise<boolean> => (await pop3Login(enforced().dovecot.pop3Port, user, PASSWORD)).ok;
  const authTest = (protocol: string, user: string): boolean => {
    const result = enforced().dovecot.doveadm(['auth', 'test', '-x', `${version === '2.3' ? 'service' : 'protocol'}=${protocol}`, user, PASSWORD]);
    return result.code === 0 && /auth succeeded/.test(result.stdout);
  };

  test(`logins by any address or the UPN; a wrong password, the Administrator and a disabled protocol are refused${options.reason === true ? ', saying why' : ''}`, async () => {
    const rand = 'rand.zaher@tailspintoys.com';
    for (const name of [rand, 'rzaher@tailspintoys.com', 'Rand.Zaher@TailspinToys.com']) assert.ok(await imap(name), `${name}\n${enforced().dovecot.log()}`);
    assert.ok(await imap('jweber@tailspintoys.com'), 'by UPN');
    assert.ok(await pop3(rand));
    assert.equal(await imap(rand, 'wrong'), false);
    assert.equal(await imap('administrator@tailspintoys.com'), false);
    const refused = await pop3Login(enforced().dovecot.pop3Port, 'amara.nwosu@tailspintoys.com', PASSWORD);
    assert.equal(refused.ok, false, 'POP3 off in the sample');
    if (options.reason === true) assert.equal(refused.response, '-ERR [AUTH] pop3 access is disabled for this mailbox');
    for (const protocol of ['smtp', 'submission']) assert.ok(authTest(protocol, 'amara.nwosu@tailspintoys.com'), `${protocol} checks only the password`);
  });

  test('set-casmailbox --restart: the lost protocol is refused under every name though cached, its session ends, the other stays; then re-admitted', async () => {
    const { run } = enforced();
    const user = 'ebrunner@tailspintoys.com';
    const alias = 'ebru.brunner@tailspintoys.com';
    assert.ok(await pop3(alias), 'cached under the alias');
    assert.ok(await imap(user), 'cached under the primary address');
    const imapSession = await openImapSession(enforced().dovecot.imapPort, user, PASSWORD);
    const pop3Session = await openPop3Session(enforced().dovecot.pop3Port, user, PASSWORD);
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

    const imapOff = await run(['set-casmailbox', alias, '--imap-enabled', 'false', '--restart']);
    assert.equal(imapOff.code, 0, imapOff.stderr);
    assert.equal(await imap(user), false, 'IMAP refused though its login was cached');
    assert.ok(await pop3(user));
    const imapOn = await run(['set-casmailbox', alias, '--imap-enabled', 'true', '--restart']);
    assert.equal(imapOn.code, 0, imapOn.stderr);
    assert.ok(await imap(user), 're-admitted');
  });
}
