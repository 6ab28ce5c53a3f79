/**
 * The recorded logins on a real PostgreSQL and MariaDB: the table casctl creates and the grant
 * that lets Dovecot's account write it (and nothing else), and the reader: the latest login per
 * protocol by either spelling of a user, within the retention, by the table's key in batches,
 * never a scan; a missing table or a refused password said as what to do, never as "no logins".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { driverFor } from '../../src/store/drivers.js';
import type { LastLogonDriver, LastLogonOpenOptions } from '../../src/store/store-driver.js';
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
    /** The grant casctl prints, run by the admin for the account as it exists (MariaDB: user@host). */
    const grant = async (target: string, statement: string | null): Promise<void> => {
      if (statement !== null) await server.asAdmin(target, statement.replace("@'%'", "@'127.0.0.1'"));
    };

    before(async () => {
      server = await engine.start();
      url = await server.database();
      const created = await (await lastLogonDriver(url)).table?.create(url, options(), 'dovecot');
      assert.ok(created !== undefined);
      assert.equal(created.grantToRun === null, engine.name === 'PostgreSQL', 'PostgreSQL: casctl grants as the table owner; MariaDB: printed for the admin');
      await grant(url, created.grantToRun);
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

    test('creating it again changes nothing; the statements for an admin name the table and the grant', async () => {
      await server.record(url, [{ user: 'kept@example.com', service: 'pop3', time: daysAgo(1) }]);
      const driver = await lastLogonDriver(url);
      assert.deepEqual(await driver.table?.create(url, options(), 'dovecot'), { grantToRun: engine.name === 'PostgreSQL' ? null : (await driver.table?.statements(url, 'dovecot'))?.grant });
      const source = await driver.open(url, options());
      try {
        assert.deepEqual([...(await source.lastLogons(['kept@example.com'])).keys()], ['kept@example.com']);
      } finally {
        await source.close();
      }
      const statements = await driver.table?.statements(url, 'dovecot');
      assert.match(statements?.create ?? '', /^CREATE TABLE IF NOT EXISTS last_logon \(/);
      assert.match(statements?.create ?? '', /PRIMARY KEY \(username, service, client_address\)/);
      assert.match(statements?.grant ?? '', /^GRANT SELECT, INSERT, UPDATE ON \S*last_logon TO /);
      assert.equal(await driver.table?.create(url, options(), new URL(url).username).then((r) => r.grantToRun), null, 'Dovecot writing as casctl: no grant');
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
      await (await lastLogonDriver(many)).table?.create(many, options(), new URL(many).username);
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

    test('a missing table says how to create it; beside a store, it means nothing is recorded there', async () => {
      const empty = await server.database();
      const driver = await lastLogonDriver(empty);
      await assert.rejects(driver.open(empty, options()), /No logins are recorded in .*: it has no table last_logon .*get-dovecotconfig --last-logons --write/);
      assert.equal(await driver.besideStore?.(empty, options()), null);
      const beside = await driver.besideStore?.(url, options());
      try {
        assert.ok(beside !== null && beside !== undefined);
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
      await assert.rejects(driver.besideStore?.(url, options(365, { CASCTL_SQL_PASSWORD: wrong })) ?? Promise.resolve(), /refused casctl's credentials/);
    });
  });
}
