/**
 * The organisation default at the size admins run it: set-transportconfig turns SMTP AUTH off and
 * on for thousands of mailboxes that follow it ($null), with --restart, against a real Dovecot
 * whose auth cache holds every one of them; mailboxes with a value of their own keep it. Logins
 * are checked through Dovecot's auth-client socket with service smtp (what Postfix's SASL client
 * sends), as test/e2e/bulk-refresh.test.ts does for IMAP and POP3.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { authenticate } from '../helpers/auth-client.js';
import { casctl, tempDir, type CliResult } from '../helpers/cli.js';
import { enforcingDovecot, storeFromCsv } from '../helpers/bulk-setup.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, type Dovecot } from '../helpers/dovecot.js';

const PASSWORD = 'bulk-Pa55';
/** Mailboxes 0..FOLLOWING-1 follow the organisation default; the rest set $false themselves. */
const FOLLOWING = 5000;
const TOTAL = 5200;

const address = (i: number): string => `smtp.user${i}@bulk.example`;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

async function bulkStore(dir: string): Promise<string> {
  // An empty cell gives no value: the built-in plan's $null, so the mailbox follows the organisation.
  const lines = ['Name,PrimarySmtpAddress,OrganizationalUnit,SmtpClientAuthenticationDisabled,Password'];
  for (let i = 0; i < TOTAL; i++) lines.push(`Smtp User ${i},${address(i)},bulk.example/Region ${i % 7},${i < FOLLOWING ? '' : 'false'},{PLAIN}${PASSWORD}`);
  return storeFromCsv(dir, lines);
}

for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version}: set-transportconfig over ${FOLLOWING} following mailboxes with --restart and a warm cache`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let env: NodeJS.ProcessEnv;
    let store: string;
    const run = async (args: string[]): Promise<CliResult> => {
      const result = await casctl(args, { env });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result;
    };
    /** How many of `users` Dovecot admits for SMTP AUTH (through its cache). */
    const admitted = async (users: readonly string[]): Promise<number> => {
      // As bulk-refresh: 2.3 answers failures on a timer, 2.4 drops lookups beyond its busy workers.
      const inFlight = version === '2.3' ? 1000 : 24;
      const replies = await authenticate(join(dovecot.base, 'run', 'auth-client'), users.map((user) => ({ user, password: PASSWORD, service: 'smtp' })), { inFlight });
      return replies.filter((r) => r.ok).length;
    };

    before(async () => {
      const dir = tempDir();
      store = await bulkStore(dir);
      ({ dovecot, env } = await enforcingDovecot(version, dir, store));
    });
    after(async () => {
      await dovecot?.stop();
    });

    test('true refuses every follower at once, false admits them again; the mailboxes with their own $false are untouched', async (t) => {
      const followers = range(0, FOLLOWING).map(address);
      const own = range(FOLLOWING, TOTAL).map(address);
      assert.equal(await admitted([...followers, ...own]), TOTAL, 'every mailbox allowed (and now cached)');
      // The cache is real: a change behind casctl's back is not seen.
      const db = new Database(store);
      db.pragma('busy_timeout = 5000');
      const flag = db.prepare('UPDATE mailboxes SET smtp_enabled = ? WHERE primary_smtp_address = ?');
      flag.run(0, address(0));
      assert.equal(await admitted([address(0)]), 1, 'served from the warm cache');
      flag.run(1, address(0));
      db.close();
      for (const [value, expected] of [['true', 0], ['false', FOLLOWING]] as const) {
        const started = Date.now();
        const set = await run(['set-transportconfig', '--smtp-client-authentication-disabled', value, '--yes', '--restart']);
        const took = Date.now() - started;
        assert.match(set.stderr, new RegExp(`Made effective on MSExchangeFrontEndTransport: ${FOLLOWING} mailboxes`));
        t.diagnostic(`Dovecot ${version}: set-transportconfig --smtp-client-authentication-disabled ${value} --restart over ${FOLLOWING} followers: ${took} ms in all`);
        assert.equal(await admitted(followers), expected, `after ${value}`);
        assert.equal(await admitted(own), TOTAL - FOLLOWING, 'an explicit $false stays allowed');
      }
    });
  });
}
