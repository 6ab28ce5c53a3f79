/**
 * ManageSieve follows ManageSieveEnabled: a real Dovecot (2.3 and 2.4, with dovecot-managesieved)
 * reads the SQLite store and an LDAP store through the configuration casctl writes, and a
 * ManageSieve client (RFC 5804, test/helpers/sieve-login.ts) logs in before and after a change.
 * One Dovecot per version and store; the SQLite one runs the --reason configuration, so a refused
 * client is told why.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { casctl, json, sampleStore, tempDir, type CliResult, type StoreKind } from '../helpers/cli.js';
import { loginsTo, withDovecotEvidence, type DovecotLogins } from '../helpers/dovecot-evidence.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { openSieveSession, sieveLogin } from '../helpers/sieve-login.js';
import { slapdSkipReason } from '../helpers/slapd.js';

const PASSWORD = 'Tailspin!2026';
const STORES: readonly StoreKind[] = ['sqlite', 'ldap'];

async function until(check: () => Promise<boolean>, what: string, attempts = 50): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(what);
}

for (const version of DOVECOT_VERSIONS) {
  for (const kind of STORES) {
    const skip = dovecotSkipReason(version) || (kind === 'ldap' && slapdSkipReason());
    describe(`Dovecot ${version} on the ${kind} store: ManageSieve follows ManageSieveEnabled`, { skip }, () => {
      let dovecot: Dovecot;
      let logins: DovecotLogins;
      let store: string;
      let config: string;
      // The LDAP passdb cannot say why it refuses: --reason is the SQLite store's.
      const reason = kind === 'sqlite';
      const run = (args: string[]): Promise<CliResult> => casctl(args, { store, env: { CASCTL_CONFIG: config } });
      const sieve = (user: string, password = PASSWORD) =>
        withDovecotEvidence(dovecot, `ManageSieve login as ${user}`, () => sieveLogin(dovecot.sievePort ?? 0, user, password));
      /** The rows of `doveadm who` for this user and protocol; its columns by their header (2.4 has more of them, and calls proto protocol). */
      const sessionsOf = (user: string, proto: string): number => {
        const [header = '', ...rows] = dovecot.doveadm(['-f', 'tab', 'who', '-1']).stdout.split('\n');
        const columns = header.split('\t');
        const [name, protocol] = [columns.indexOf('username'), columns.findIndex((c) => c === 'proto' || c === 'protocol' || c === 'service')];
        return rows.map((row) => row.split('\t')).filter((cells) => cells[name] === user && cells[protocol] === proto).length;
      };

      before(async () => {
        store = await sampleStore(kind);
        const dir = tempDir();
        config = join(dir, 'casctl.config.json');
        writeFileSync(config, '{}');
        const written = await run(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version, ...(reason ? ['--reason'] : [])]);
        assert.equal(written.code, 0, written.stderr);
        dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf'), sieve: true });
        logins = loginsTo(dovecot);
        writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
      });

      after(async () => {
        await dovecot?.stop();
      });

      test('off with --restart: refused at once though cached, its open session ended; IMAP and POP3 untouched; on again: admitted', async (t) => {
        const user = 'rand.zaher@tailspintoys.com';
        assert.ok((await sieve(user)).ok, 'admitted before (and now cached)');
        const wrong = await sieve(user, 'not the password');
        assert.equal(wrong.ok, false, 'a wrong password is refused: a refusal is no broken setup');
        assert.doesNotMatch(wrong.response, /access is disabled/, 'a wrong password learns nothing');
        const session = await openSieveSession(dovecot.sievePort ?? 0, user, PASSWORD);
        const imapSession = await logins.openImap(user, PASSWORD);
        try {
          // What casctl must find to end it: 2.3 lists it as sieve, 2.4 as managesieve.
          const listedAs = version === '2.3' ? 'sieve' : 'managesieve';
          assert.equal(sessionsOf(user, listedAs), 1, `doveadm who lists the ManageSieve session as ${listedAs}:\n${dovecot.doveadm(['-f', 'tab', 'who', '-1']).stdout}`);
          const off = await run(['set-casmailbox', 'Rand Zaher', '--manage-sieve-enabled', 'false', '--restart']);
          assert.equal(off.code, 0, off.stderr);
          assert.match(off.stderr, /Made effective on CasctlManageSieve: 1 mailboxes, \d+ logins flushed, 1 sessions ended\./);
          await until(async () => !(await session.alive()), 'the ManageSieve session of the mailbox ended');
          assert.ok(await imapSession.alive(), 'its IMAP session stays');
        } finally {
          await session.close();
          await imapSession.close();
        }
        const refused = await sieve(user);
        assert.equal(refused.ok, false, 'refused at once: the cached entry was flushed');
        assert.match(refused.response, /^NO\b/);
        t.diagnostic(`refused: ${refused.response}`);
        // --reason: Dovecot's nologin reason, which ManageSieve shows as it is (no [CONTACTADMIN] code, unlike IMAP).
        if (reason) assert.equal(refused.response, 'NO "sieve access is disabled for this mailbox"', 'NO carries the reason');
        else assert.doesNotMatch(refused.response, /access is disabled/);
        assert.ok((await logins.imap(user, PASSWORD)).ok, 'IMAP unaffected');
        assert.ok((await logins.pop3(user, PASSWORD)).ok, 'POP3 unaffected');
        const [shown] = json<{ ManageSieveEnabled: boolean; PopEnabled: boolean }[]>(await run(['get-casmailbox', user, '-o', 'json']));
        assert.deepEqual([shown?.ManageSieveEnabled, shown?.PopEnabled], [false, true]);

        const on = await run(['set-casmailbox', 'Rand Zaher', '-ManageSieveEnabled', '$true', '--restart']);
        assert.equal(on.code, 0, on.stderr);
        assert.ok((await sieve(user)).ok, 'admitted again: the negative cache entry was flushed too');
      });

      test('IMAP off leaves ManageSieve alone; the Administrator, refused IMAP4, may use ManageSieve', async () => {
        const user = 'ebrunner@tailspintoys.com';
        const off = await run(['set-casmailbox', user, '--imap-enabled', 'false', '--restart']);
        assert.equal(off.code, 0, off.stderr);
        assert.equal((await logins.imap(user, PASSWORD)).ok, false);
        assert.ok((await sieve(user)).ok);
        assert.ok((await sieve('administrator@tailspintoys.com')).ok, 'ManageSieve is not under the Administrator rule');
        assert.equal((await logins.imap('administrator@tailspintoys.com', PASSWORD)).ok, false);
      });
    });
  }
}
