/**
 * The recorded logins on a real PostgreSQL and MariaDB: the table casctl creates and the grant
 * that lets Dovecot's account write it (and nothing else), and the reader: the latest login per
 * protocol by either spelling of a user, within the retention, by the table's key in batches,
 * never a scan; a missing table or a refused password said as what to do, never as "no logins".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { driverFor } from '../../src/store/drivers.js';
import type { LastLogonDriver, LastLogonOpenOptions, LastLogonPrepared } from '../../src/store/store-driver.js';
import { LAST_LOGON_ENGINES, type LastLogonServer } from '../helpers/last-logon-servers.js';

const now = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

async function lastLogonDriver(url: string): Promise<LastLogonDriver<unknown>> {
  const driver = (await driverFor(url)).lastLogons;
  assert.ok(driver !== undefined);
  return driver;
}

for (const engine of LAST_LOGON_ENGINES) {
  describe(`recorded logins on ${engine.name}`, { skip: engine.skip }, () => {
    let server: LastLogonServer;
    let url: string;
    const options = (retentionDays: number | null = 365, env: NodeJS.ProcessEnv = server.env()): LastLogonOpenOptions<unknown> => ({
      cwd: '/',
      env,
      section: undefined,
      retentionDays,
      now: () => now,
    });
    /** get-dovecotconfig --last-logons --write's part: the table, and the grant casctl leaves to the admin run as the admin would, for the account as it exists (MariaDB: user@host). */
    const prepare = async (target: string, env: NodeJS.ProcessEnv = { ...server.env(), CASCTL_DOVECOT_SQL_USER: 'dovecot' }): Promise<LastLogonPrepared> => {
      const prepared = await (await lastLogonDriver(target)).prepare(target, { cwd: '/', env, section: undefined, storeUrl: 'ldap://127.0.0.1/dc=x', dictUser: 'dovecot', now: new Date() });
      for (const grant of prepared.warnings.flatMap((w) => /(GRANT .*);$/.exec(w)?.[1] ?? [])) await server.asAdmin(target, grant.replace("@'%'", "@'127.0.0.1'"));
      return prepared;
    };

    before(async () => {
      server = await engine.start();
      url = await server.database();
      const prepared = await prepare(url);
      assert.match(prepared.done.join('\n'), /Created the table last_logon in /);
      if (engine.name === 'PostgreSQL') {
        assert.match(prepared.done.join('\n'), /Let dovecot record logins: SELECT, INSERT and UPDATE on last_logon, nothing else/, 'casctl grants as the table owner');
        assert.deepEqual(prepared.warnings, []);
      } else {
        assert.match(prepared.warnings.join('\n'), /until an admin runs .*GRANT SELECT, INSERT, UPDATE ON `[^`]+`\.last_logon TO 'dovecot'@'%';$/, 'an account is user@host: the admin grants');
      }
    });
    after(async () => {
      await server?.stop();
    });

    test("Dovecot's account upserts its rows, the later write winning, and may touch nothing else", async () => {
      const upsert = (time: number): string =>
        engine.name === 'PostgreSQL'
          ? `INSERT INTO last_logon (username, service, client_address, last_logon) VALUES ('u@example.com', 'imap', '192.0.2.9', ${time}) ON CONFLICT (username, service, client_address) DO UPDATE SET last_logon = excluded.last_logon`
          : `INSERT INTO last_logon (username, service, client_address, last_logon) VALUES ('u@example.com', 'imap', '192.0.2.9', ${time}) ON DUPLICATE KEY UPDATE last_logon = VALUES(last_logon)`;
      await server.asDovecot(url, upsert(1_700_000_000));
      await server.asDovecot(url, upsert(1_600_000_000));
      assert.deepEqual(
        (await server.asDovecot(url, "SELECT last_logon FROM last_logon WHERE username = 'u@example.com'")).map((r) => Number((r as { last_logon: unknown }).last_logon)),
        [1_600_000_000],
      );
      await server.asAdmin(url, "DELETE FROM last_logon WHERE username = 'u@example.com'");
      await assert.rejects(server.asDovecot(url, 'DELETE FROM last_logon'), /denied/);
      await server.asAdmin(url, 'CREATE TABLE directory_entry (id INTEGER)');
      await assert.rejects(server.asDovecot(url, 'INSERT INTO directory_entry VALUES (1)'), /denied/);
      await assert.rejects(server.asDovecot(url, 'SELECT id FROM directory_entry'), /denied/);
    });

    test('preparing it again changes nothing; without an account of its own, Dovecot writes as casctl, and is told so', async () => {
      await server.record(url, [{ user: 'kept@example.com', service: 'pop3', time: daysAgo(1) }]);
      const first = await (await lastLogonDriver(url)).open(url, options());
      const since = first.recordingSince;
      await first.close();
      assert.ok(since !== null && Math.abs(since.getTime() - Date.now()) < 10 * 60_000, `the first preparing said when recording began: ${String(since)}`);
      const again = await prepare(url);
      assert.doesNotMatch(again.done.join('\n'), /Created/);
      const source = await (await lastLogonDriver(url)).open(url, options());
      try {
        assert.deepEqual(source.recordingSince, since, 'preparing again keeps when recording began');
        assert.deepEqual([...(await source.lastLogons(['kept@example.com'])).keys()], ['kept@example.com']);
      } finally {
        await source.close();
      }
      const asCasctl = await prepare(url, server.env());
      assert.match(asCasctl.warnings.join('\n'), /as casctl's own account .*CASCTL_DOVECOT_SQL_USER/);
    });

    test('a server that takes no writes (a standby) is refused: Dovecot must record on the primary', async () => {
      const standby = await server.database();
      const [readOnly, writable] =
        engine.name === 'PostgreSQL'
          ? [`ALTER DATABASE ${new URL(standby).pathname.slice(1)} SET default_transaction_read_only = on`, `ALTER DATABASE ${new URL(standby).pathname.slice(1)} RESET default_transaction_read_only`]
          : ['SET GLOBAL read_only = ON', 'SET GLOBAL read_only = OFF'];
      // Set and reset from another database: a read-only one cannot even be made writable again from inside.
      const elsewhere = url;
      await server.asAdmin(elsewhere, readOnly);
      try {
        await assert.rejects(prepare(standby), (error: Error & { exitCode?: number }) => {
          assert.equal(error.exitCode, 2);
          assert.match(error.message, /takes no writes \(a standby or a read-only replica\): Dovecot's dict must record the logins on the primary.*"lastLogons"/);
          return true;
        });
      } finally {
        await server.asAdmin(elsewhere, writable);
      }
    });

    test('the latest login per protocol, by either spelling of the address, within the retention, the address of the latest row', async () => {
      await server.record(url, [
        { user: 'Ann@Example.com', service: 'pop3', clientAddress: '192.0.2.1', time: daysAgo(3) },
        { user: 'ann@example.com', service: 'pop3', clientAddress: '192.0.2.7', time: daysAgo(1) },
        { user: 'ann@example.com', service: 'pop3', clientAddress: '192.0.2.8', time: daysAgo(2) },
        { user: 'ann@example.com', service: 'imap', clientAddress: '2001:db8::1', time: daysAgo(40) },
        { user: 'ann@example.com', service: 'lmtp', time: daysAgo(0) },
        { user: 'old@example.com', service: 'imap', time: daysAgo(400) },
        { user: 'bo@example.com', service: 'imap', time: daysAgo(5) },
      ]);
      const source = await (await lastLogonDriver(url)).open(url, options());
      try {
        assert.equal(source.where, url);
        assert.equal(source.retentionDays, 365);
        const found = await source.lastLogons(['Ann@Example.com', 'BO@example.com', 'old@example.com', 'nobody@example.com']);
        assert.deepEqual([...found.keys()].sort(), ['Ann@Example.com', 'BO@example.com']);
        assert.deepEqual(found.get('Ann@Example.com'), {
          pop3: { time: daysAgo(1), clientAddress: '192.0.2.7' },
          imap: { time: daysAgo(40), clientAddress: '2001:db8::1' },
        });
        assert.deepEqual(found.get('BO@example.com'), { imap: { time: daysAgo(5), clientAddress: null } });
      } finally {
        await source.close();
      }
      const forever = await (await lastLogonDriver(url)).open(url, options(null));
      try {
        assert.deepEqual((await forever.lastLogons(['old@example.com'])).get('old@example.com'), { imap: { time: daysAgo(400), clientAddress: null } });
      } finally {
        await forever.close();
      }
    });

    test('thousands of users in batches, each looked up by the key: a few rows read out of 20,000, not a scan', async () => {
      const many = await server.database();
      await prepare(many, server.env());
      const users = Array.from({ length: 2500 }, (_, i) => `user${i}@example.com`);
      await server.record(many, [
        ...users.map((user, i) => ({ user, service: i % 2 === 0 ? 'pop3' : 'imap', clientAddress: '198.51.100.1', time: daysAgo(i % 30) })),
        ...Array.from({ length: 17_500 }, (_, i) => ({ user: `other${i}@example.com`, service: 'imap', clientAddress: '198.51.100.2', time: daysAgo(1) })),
      ]);
      if (engine.name === 'PostgreSQL') await server.asAdmin(many, 'ANALYZE last_logon');
      const source = await (await lastLogonDriver(many)).open(many, options());
      let found;
      try {
        found = await source.lastLogons(users.map((u) => u.toUpperCase()));
      } finally {
        await source.close();
      }
      assert.equal(found.size, 2500);
      assert.deepEqual(found.get('USER2499@EXAMPLE.COM'), { imap: { time: daysAgo(2499 % 30), clientAddress: '198.51.100.1' } });
      const before = await server.readCounters(many);
      const probe = await (await lastLogonDriver(many)).open(many, options());
      try {
        assert.equal((await probe.lastLogons(['user7@example.com', 'USER8@example.com'])).size, 2);
      } finally {
        await probe.close();
      }
      const after = await server.readCounters(many, before);
      assert.ok(after.scanned - before.scanned < 20_000, `${after.scanned - before.scanned} rows scanned for two users: the reader scans the table`);
    });

    test('pruning counts with whatIf, then deletes exactly the logins older than the date, in batches', async () => {
      const pruned = await server.database();
      await prepare(pruned, server.env());
      await server.record(pruned, [
        { user: 'a@example.com', service: 'imap', time: daysAgo(400) },
        { user: 'a@example.com', service: 'pop3', time: daysAgo(10) },
        { user: 'b@example.com', service: 'imap', clientAddress: '192.0.2.1', time: daysAgo(366) },
        ...Array.from({ length: 11_000 }, (_, i) => ({ user: `gone${i}@example.com`, service: 'pop3', time: daysAgo(500) })),
      ]);
      const driver = await lastLogonDriver(pruned);
      const target = { cwd: '/', env: server.env(), section: undefined };
      assert.equal(await driver.prune(pruned, target, daysAgo(365), true), 11_002);
      assert.equal(await driver.prune(pruned, target, daysAgo(365), false), 11_002);
      assert.equal(await driver.prune(pruned, target, daysAgo(365), true), 0);
      const source = await driver.open(pruned, options(null));
      try {
        assert.deepEqual(Object.fromEntries(await source.lastLogons(['a@example.com', 'b@example.com'])), { 'a@example.com': { pop3: { time: daysAgo(10), clientAddress: null } } });
      } finally {
        await source.close();
      }
    });

    test('a missing table says how to create it; beside a store, it means nothing is recorded there', async () => {
      const empty = await server.database();
      const driver = await lastLogonDriver(empty);
      await assert.rejects(driver.open(empty, options()), /No logins are recorded in .*: it has no table last_logon .*get-dovecotconfig --last-logons --write/);
      assert.equal(await driver.openIfRecorded(empty, options()), null);
      const beside = await driver.openIfRecorded(url, options());
      try {
        assert.ok(beside !== null);
        assert.equal((await beside.lastLogons(['kept@example.com'])).size, 1);
      } finally {
        await beside?.close();
      }
    });

    test('a refused password, or none, is a store error naming where the password goes, never holding it', async () => {
      const driver = await lastLogonDriver(url);
      const wrong = `wrong-${server.password}`;
      const refused = await driver.open(url, options(365, { CASCTL_SQL_PASSWORD: wrong })).then(
        () => assert.fail('opened with a wrong password'),
        (error: Error & { exitCode?: number }) => error,
      );
      assert.equal(refused.exitCode, 3);
      assert.match(refused.message, /refused casctl's credentials .*CASCTL_SQL_PASSWORD_FILE/);
      assert.doesNotMatch(refused.message, new RegExp(`${wrong}|${server.password}`));
      await assert.rejects(driver.openIfRecorded(url, options(365, { CASCTL_SQL_PASSWORD: wrong })), /refused casctl's credentials/);
    });
  });
}
