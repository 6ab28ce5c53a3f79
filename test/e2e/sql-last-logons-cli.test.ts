/**
 * Where a command finds the recorded logins on a SQL server (cli/last-logons.ts openLastLogons),
 * on a real PostgreSQL and MariaDB: "lastLogons" (or CASCTL_LAST_LOGONS) names the database the
 * mail servers share, read with the credentials the SQL stores take, for any store, an LDAP one
 * included; without it, a SQL server store's own database when it has the table, and nothing
 * (null: not recorded) otherwise; a named database that cannot be read is an error, never "no logins".
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { CommandContext } from '../../src/cli/context.js';
import { openLastLogons } from '../../src/cli/last-logons.js';
import type { LastLogonSource } from '../../src/core/last-logons.js';
import { driverFor } from '../../src/store/drivers.js';
import { casctl, tempDir } from '../helpers/cli.js';
import { NO_TERMINAL } from '../helpers/fake-terminal.js';
import { LAST_LOGON_ENGINES, type LastLogonServer } from '../helpers/last-logon-servers.js';

const now = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

function contextIn(cwd: string, env: NodeJS.ProcessEnv): CommandContext {
  return {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env,
    cwd,
    now: () => now,
    argv: [],
    actor: { osUser: 'casadmin', sudoUser: null, host: 'admin1.example.org' },
    terminal: NO_TERMINAL,
  };
}

/** The logins of the users, read through the source a command would open; the source is closed. */
async function read(source: LastLogonSource | null, users: string[]): Promise<Record<string, unknown> | null> {
  if (source === null) return null;
  try {
    return Object.fromEntries(await source.lastLogons(users));
  } finally {
    await source.close();
  }
}

for (const engine of LAST_LOGON_ENGINES) {
  const section = engine.name === 'PostgreSQL' ? 'postgres' : 'mysql';
  describe(`a command's recorded logins on ${engine.name}`, { skip: engine.skip }, () => {
    let server: LastLogonServer;
    let shared: string;
    let dir: string;
    const createTable = async (url: string): Promise<void> => {
      await (await driverFor(url)).lastLogons?.prepare(url, { cwd: dir, env: server.env(), section: undefined, storeUrl: url, dictUser: 'dovecot', now: new Date() });
    };
    const config = (name: string, settings: Record<string, unknown>): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(settings), { mode: 0o600 });
      return path;
    };

    before(async () => {
      server = await engine.start();
      dir = tempDir();
      writeFileSync(join(dir, 'sql.secret'), `${server.password}\n`, { mode: 0o600 });
      shared = await server.database();
      await createTable(shared);
      await server.record(shared, [
        { user: 'ann@example.com', service: 'pop3', clientAddress: '192.0.2.1', time: daysAgo(2) },
        { user: 'ann@example.com', service: 'imap', clientAddress: '192.0.2.1', time: daysAgo(60) },
      ]);
    });
    after(async () => {
      await server?.stop();
    });

    test('an LDAP store: nothing is recorded without "lastLogons"; with it, the shared database, the password from the section, the retention applied', async () => {
      const ldap = 'ldap://127.0.0.1:1/dc=tailspintoys,dc=com';
      const none = config('none.json', { store: ldap });
      assert.equal(await openLastLogons(contextIn(dir, {}), { config: none }), null);
      const named = config('named.json', { store: ldap, lastLogons: { url: shared, retentionDays: 30 }, [section]: { passwordFile: 'sql.secret' } });
      const source = await openLastLogons(contextIn(dir, {}), { config: named });
      assert.equal(source?.where, shared);
      assert.equal(source?.retentionDays, 30);
      assert.deepEqual(await read(source, ['Ann@Example.com']), { 'Ann@Example.com': { pop3: { time: daysAgo(2), clientAddress: '192.0.2.1' } } });
    });

    test('CASCTL_LAST_LOGONS names it too, with the password from CASCTL_SQL_PASSWORD_FILE', async () => {
      const env = { CASCTL_LAST_LOGONS: shared, CASCTL_SQL_PASSWORD_FILE: 'sql.secret', CASCTL_STORE: 'ldap://127.0.0.1:1/dc=tailspintoys,dc=com' };
      const source = await openLastLogons(contextIn(dir, env), {});
      assert.deepEqual(Object.keys((await read(source, ['ann@example.com'])) ?? {}), ['ann@example.com']);
    });

    test(`a ${engine.name} store: its own database once get-dovecotconfig --last-logons --write made the table there, nothing recorded before`, async () => {
      const store = await server.database();
      const init = await casctl(['init', '--sample'], { store, env: server.env() });
      assert.equal(init.code, 0, init.stderr);
      const context = (): CommandContext => contextIn(dir, { ...server.env(), CASCTL_STORE: store });
      assert.equal(await openLastLogons(context(), {}), null);
      const written = await casctl(['get-dovecotconfig', '--write', join(dir, `dovecot-${section}`), '--dovecot-version', '2.4', '--last-logons'], { store, env: server.env() });
      assert.equal(written.code, 0, written.stderr);
      assert.match(written.stderr, new RegExp(`Created the table last_logon in ${store.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const conf = readFileSync(join(dir, `dovecot-${section}`, 'casctl-last-logons.conf'), 'utf8');
      assert.match(conf, new RegExp(`dbname = ${new URL(store).pathname.slice(1)}\n`), 'Dovecot records them in the store\'s own database');
      await server.record(store, [{ user: 'rand.zaher@tailspintoys.com', service: 'imap', clientAddress: '198.51.100.4', time: daysAgo(1) }]);
      const source = await openLastLogons(context(), {});
      assert.equal(source?.where, store);
      assert.deepEqual(await read(source, ['Rand.Zaher@tailspintoys.com']), { 'Rand.Zaher@tailspintoys.com': { imap: { time: daysAgo(1), clientAddress: '198.51.100.4' } } });
      const stillWorks = await casctl(['get-casmailbox', 'rzaher', '-o', 'json'], { store, env: server.env() });
      assert.equal(stillWorks.code, 0, `the table beside casctl's leaves the store as it was: ${stillWorks.stderr}`);
    });

    test('prune-lastlogons deletes the logins older than the retention from the named database', async () => {
      const db = await server.database();
      await createTable(db);
      await server.record(db, [
        { user: 'ann@example.com', service: 'pop3', time: new Date(Date.now() - 400 * 86_400_000) },
        { user: 'ann@example.com', service: 'imap', time: new Date(Date.now() - 86_400_000) },
      ]);
      const named = config('prune.json', { store: 'ldap://127.0.0.1:1/dc=x', lastLogons: { url: db, retentionDays: 365 }, [section]: { passwordFile: 'sql.secret' } });
      const pruned = await casctl(['prune-lastlogons', '--config', named, '-o', 'json'], { cwd: dir });
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.equal((JSON.parse(pruned.stdout) as { Deleted: number }).Deleted, 1);
      assert.deepEqual((await server.asAdmin(db, "SELECT service FROM last_logon WHERE username <> ''")).map((r) => (r as { service: string }).service), ['imap']);
    });

    test('a named database without the table, or refusing the password, is an error that says what to do, never "not recorded"', async () => {
      const empty = await server.database();
      const missing = config('missing.json', { store: 'ldap://127.0.0.1:1/dc=x', lastLogons: { url: empty } });
      await assert.rejects(openLastLogons(contextIn(dir, server.env()), { config: missing }), /no table last_logon .*get-dovecotconfig --last-logons --write/);
      const wrong = `not-${server.password}`;
      const refused = config('refused.json', { store: 'ldap://127.0.0.1:1/dc=x', lastLogons: { url: shared } });
      await assert.rejects(openLastLogons(contextIn(dir, { CASCTL_SQL_PASSWORD: wrong }), { config: refused }), (error: Error) => {
        assert.match(error.message, /refused casctl's credentials for the recorded logins/);
        assert.doesNotMatch(error.message, new RegExp(wrong));
        return true;
      });
    });
  });
}
