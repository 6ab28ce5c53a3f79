import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { FIXTURES, casctl, json, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { imapLogin, openImapSession, pop3Login } from '../helpers/mail-login.js';

const PASSWORD = 'Tailspin!2026';
const RAND = 'rand.zaher@tailspintoys.com';

/**
 * Dovecot really enforces the store: a private Dovecot reads a copy of the sample directory
 * through the configuration `casctl get-dovecotconfig` writes, and casctl refreshes it through
 * the dovecot service preset.
 */
describe('Dovecot enforces the store', { skip: dovecotSkipReason() }, () => {
  let dovecot: Dovecot;
  let store: string;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[], input?: string): Promise<CliResult> => casctl(args, { env, ...(input === undefined ? {} : { input }) });
  const imap = async (user: string): Promise<boolean> => (await imapLogin(dovecot.imapPort, user, PASSWORD)).ok;
  const pop3 = async (user: string): Promise<boolean> => (await pop3Login(dovecot.pop3Port, user, PASSWORD)).ok;
  const services = async (): Promise<Record<string, unknown>[]> => json(await run(['get-service', '-o', 'json']));

  before(async () => {
    store = await sampleStore();
    const dir = tempDir();
    const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--store', store]);
    assert.equal(written.code, 0, written.stderr);
    dovecot = await startDovecot({ authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
    const config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ store, services: { preset: 'dovecot', config: dovecot.config } }));
    env = { CASCTL_CONFIG: config };
  });

  after(async () => {
    await dovecot?.stop();
  });

  test('Rand Zaher: both protocols off with --restart are refused at once, and back on work again', async () => {
    assert.ok(await imap(RAND), dovecot.log());
    assert.ok(await pop3(RAND));
    const off = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false', '--imap-enabled', 'false', '--restart']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE, MSExchangeIMAP4, MSExchangeIMAP4BE/);
    assert.equal(await imap(RAND), false, 'IMAP refused');
    assert.equal(await pop3(RAND), false, 'POP3 refused');
    const on = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'true', '--imap-enabled', 'true', '--restart']);
    assert.equal(on.code, 0, on.stderr);
    assert.ok(await imap(RAND));
    assert.ok(await pop3(RAND));
  });

  test('only IMAP off: IMAP refused, POP3 still works', async () => {
    const user = 'ebrunner@tailspintoys.com';
    assert.ok(await imap(user));
    assert.equal((await run(['set-casmailbox', user, '--imap-enabled', 'false', '--restart'])).code, 0);
    assert.equal(await imap(user), false);
    assert.ok(await pop3(user));
  });

  test('the OU procedure and the Accounts.txt procedure disable exactly those mailboxes', async () => {
    const finance = json<Record<string, unknown>[]>(
      await run(['get-mailbox', '--organizational-unit', 'North America\\Finance', '--filter', "RecipientTypeDetails -eq 'UserMailbox'", '-o', 'json']),
    ).map((m) => String(m.PrimarySmtpAddress));
    const accounts = ['fapodaca@tailspintoys.com', 'glaureano@tailspintoys.com', 'hrim@tailspintoys.com'];
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

  test('without a refresh the cached login still works and the services show changes pending', async () => {
    const user = 'glaureano@tailspintoys.com';
    await run(['set-casmailbox', user, '--pop-enabled', 'true', '--restart']);
    assert.ok(await pop3(user), 'logs in, and the login is cached');
    const change = await run(['set-casmailbox', user, '--pop-enabled', 'false']);
    assert.equal(change.code, 0, change.stderr);
    assert.match(change.stderr, /refresh-service/);
    assert.ok(await pop3(user), 'the cache is real: the change is not seen yet');
    const pending = await services();
    assert.deepEqual(pending.map((s) => [s.Name, s.Status, s.PendingChanges]), [
      ['MSExchangePOP3', 'Running', true], ['MSExchangePOP3BE', 'Running', true],
      ['MSExchangeIMAP4', 'Running', false], ['MSExchangeIMAP4BE', 'Running', false],
    ]);
    const refresh = await run(['refresh-service', 'pop3', 'MSExchangePOP3BE']);
    assert.equal(refresh.code, 0, refresh.stderr);
    assert.equal(await pop3(user), false, 'seen after the refresh');
    assert.ok((await services()).every((s) => s.PendingChanges === false));
  });

  test('an open IMAP session that loses IMAP is ended; another user\'s survives', async () => {
    const loser = 'zoe.muller@tailspintoys.com';
    const bystander = 'sara.hansen@tailspintoys.com';
    const ended = await openImapSession(dovecot.imapPort, loser, PASSWORD);
    const kept = await openImapSession(dovecot.imapPort, bystander, PASSWORD);
    assert.ok(await ended.alive());
    const set = await run(['set-casmailbox', 'Zoë Müller', '--imap-enabled', 'false', '--restart']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /1 mailboxes' sessions ended/);
    let alive = true;
    for (let attempt = 0; attempt < 20 && alive; attempt++) {
      alive = await ended.alive();
      if (alive) await sleep(100);
    }
    assert.equal(alive, false, 'the session of the mailbox that lost IMAP is gone');
    assert.ok(await kept.alive(), 'the other session survives');
    await kept.close();
    await ended.close();
  });

  // After the session test: a reload ends every open session a few seconds later.
  test('restart-service makes a pending change effective too', async () => {
    const user = 'abigail.dubois@tailspintoys.com';
    assert.ok(await imap(user));
    await run(['set-casmailbox', user, '--imap-enabled', 'false']);
    assert.ok(await imap(user), 'still cached');
    const restart = await run(['Restart-Service', 'MSExchangeIMAP4', 'MSExchangeIMAP4BE', '-o', 'json']);
    assert.equal(restart.code, 0, restart.stderr);
    assert.deepEqual(json<Record<string, unknown>[]>(restart).map((s) => s.PendingChanges), [false, false]);
    let refused = false;
    for (let attempt = 0; attempt < 30 && !refused; attempt++) {
      try {
        refused = !(await imap(user));
      } catch {
        // Dovecot is re-reading its configuration; its listener comes back within moments.
      }
      if (!refused) await sleep(200);
    }
    assert.ok(refused, 'refused after the restart');
    await run(['set-casmailbox', user, '--imap-enabled', 'true', '--restart']);
  });

  test('the Administrator mailbox never logs in, whatever its flags say', async () => {
    const db = new Database(store);
    db.prepare("UPDATE mailboxes SET pop_enabled = 1, imap_enabled = 1 WHERE sam_account_name = 'Administrator'").run();
    db.close();
    await run(['refresh-service']);
    assert.equal(await imap('administrator@tailspintoys.com'), false);
    assert.equal(await pop3('administrator@tailspintoys.com'), false);
    assert.equal(await imap('Administrator@TailspinToys.com'), false);
  });

  test('a failing service command is exit 4 with the command and its error, and changes nothing', async () => {
    const broken = join(tempDir(), 'broken.json');
    writeFileSync(broken, JSON.stringify({ store, services: { preset: 'dovecot', config: '/nonexistent/dovecot.conf' } }));
    const before = json(await run(['get-casmailbox', 'hrim@tailspintoys.com', '-o', 'json']));
    const result = await casctl(['set-casmailbox', 'hrim@tailspintoys.com', '--pop-enabled', 'true', '--restart'], { env: { CASCTL_CONFIG: broken } });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /'doveadm -c \/nonexistent\/dovecot\.conf service status' failed with exit code \d+/);
    assert.deepEqual(json(await run(['get-casmailbox', 'hrim@tailspintoys.com', '-o', 'json'])), before);
    const status = await casctl(['restart-service', 'pop3'], { env: { CASCTL_CONFIG: broken } });
    assert.equal(status.code, 4);
  });
});
