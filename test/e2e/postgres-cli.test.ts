/**
 * casctl's commands on a postgres:// store, through the CLI as an admin runs them: the password
 * from the environment, from a file, from the configuration's "postgres" section, never from the
 * URL; init creates the schema (once, however many run at once) and nothing else is taken for a
 * store; a read-only account audits; two admins at once both get their change.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { postgresSkipReason, startPostgres, type Postgres } from '../helpers/postgres.js';

interface CasRow {
  Name: string;
  PopEnabled: boolean;
  ImapEnabled: boolean;
}

const FINANCE = "OrganizationalUnit -like 'tailspintoys.com/North America/Finance*'";

describe('casctl on a real PostgreSQL', { skip: postgresSkipReason() }, () => {
  let server: Postgres;
  let store: string;
  const run = (args: string[], env: NodeJS.ProcessEnv = server.env()): Promise<CliResult> => casctl(args, { store, env });

  before(async () => {
    server = await startPostgres();
    store = await server.createDatabase();
    const init = await run(['init', '--sample']);
    assert.equal(init.code, 0, init.stderr);
  });
  after(async () => {
    await server?.stop();
  });

  test('get, set, filter, undo and the history, with the password from CASCTL_SQL_PASSWORD', async () => {
    const set = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false', '--imap-enabled', 'false']);
    assert.equal(set.code, 0, set.stderr);
    const [rand] = json<CasRow[]>(await run(['get-casmailbox', 'rzaher', '-o', 'json']));
    assert.deepEqual([rand?.PopEnabled, rand?.ImapEnabled], [false, false]);
    const filtered = json<CasRow[]>(await run(['get-casmailbox', '--filter', "PopEnabled -eq $false -and Name -like 'rand z*'", '-o', 'json']));
    assert.deepEqual(filtered.map((m) => m.Name), ['Rand Zaher']);
    const [record] = json<{ Id: number; Changes: unknown[] }[]>(await run(['get-changelog', '-o', 'json'])).slice(-1);
    assert.equal(record?.Changes.length, 2);
    const undo = await run(['undo', String(record?.Id), '--yes']);
    assert.equal(undo.code, 0, undo.stderr);
    const [back] = json<CasRow[]>(await run(['get-casmailbox', 'rzaher', '-o', 'json']));
    assert.deepEqual([back?.PopEnabled, back?.ImapEnabled], [true, true]);
    assert.doesNotMatch(set.stdout + set.stderr + undo.stdout + undo.stderr, new RegExp(server.passwords.casctl));
  });

  test('--file and a filter change many mailboxes in one change; the password from CASCTL_SQL_PASSWORD_FILE and from the configuration', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pg.secret'), `${server.passwords.casctl}\n`, { mode: 0o600 });
    const fromFile = { CASCTL_SQL_PASSWORD_FILE: join(dir, 'pg.secret') };
    writeFileSync(join(dir, 'ids.txt'), 'rzaher\nchris.green@tailspintoys.com\nDmitri Volkov\n');
    const bulk = await run(['set-casmailbox', '--file', join(dir, 'ids.txt'), '--pop-enabled', 'false', '--yes', '-o', 'json'], fromFile);
    assert.equal(bulk.code, 0, bulk.stderr);
    const config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ postgres: { passwordFile: 'pg.secret' } }), { mode: 0o600 });
    const filter = await run(['set-casmailbox', '--filter', FINANCE, '--imap-enabled', 'false', '--yes', '--config', config], {});
    assert.equal(filter.code, 0, filter.stderr);
    const finance = json<CasRow[]>(await run(['get-casmailbox', '--filter', FINANCE, '-o', 'json'], fromFile));
    assert.ok(finance.length > 5 && finance.every((m) => !m.ImapEnabled));
    const named = json<CasRow[]>(await run(['get-casmailbox', '--file', join(dir, 'ids.txt'), '-o', 'json'], fromFile));
    assert.deepEqual(named.map((m) => [m.Name, m.PopEnabled]).sort(), [['Chris Green', false], ['Dmitri Volkov', false], ['Rand Zaher', false]]);
    const none = await run(['get-casmailbox', 'rzaher'], {});
    assert.equal(none.code, 3);
    assert.match(none.stderr, /asks for a password for casctl .*CASCTL_SQL_PASSWORD_FILE/);
  });

  test('"readStore": commands that only read go to the read URL, changes to the store URL', async () => {
    // A second database of the same server stands for a standby: what each command reads shows where it went.
    const standby = await server.createDatabase();
    const seeded = await casctl(['init', '--sample'], { store: standby, env: server.env() });
    assert.equal(seeded.code, 0, seeded.stderr);
    const dir = tempDir();
    const config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ store, readStore: standby }), { mode: 0o600 });
    const viaConfig = (args: string[]): Promise<CliResult> => casctl(args, { env: { ...server.env(), CASCTL_CONFIG: config } });
    const changed = await viaConfig(['set-casmailbox', 'chris.green@tailspintoys.com', '--manage-sieve-enabled', 'false']);
    assert.equal(changed.code, 0, changed.stderr);
    const [fromStandby] = json<{ ManageSieveEnabled: boolean }[]>(await viaConfig(['get-casmailbox', 'chris.green@tailspintoys.com', '-o', 'json']));
    assert.equal(fromStandby?.ManageSieveEnabled, true, 'a get reads the read URL, which has not got the change');
    const [fromPrimary] = json<{ ManageSieveEnabled: boolean }[]>(await run(['get-casmailbox', 'chris.green@tailspintoys.com', '-o', 'json']));
    assert.equal(fromPrimary?.ManageSieveEnabled, false);
  });

  test('a password in the URL is refused, without repeating it', async () => {
    const url = store.replace('casctl@', `casctl:${server.passwords.casctl}@`);
    const result = await casctl(['get-casmailbox', 'rzaher'], { store: url, env: server.env() });
    assert.equal(result.code, 3);
    assert.match(result.stderr, /URL holds a password: casctl refuses it there/);
    assert.match(result.stderr, /CASCTL_SQL_PASSWORD_FILE/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(server.passwords.casctl));
  });

  test('a database that is not a casctl store is refused, and left as it was; an empty one until init', async () => {
    const other = await server.createDatabase();
    const name = other.split('/').pop() as string;
    const empty = await casctl(['get-casmailbox', 'rzaher'], { store: other, env: server.env() });
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /is not a casctl store \(no schema\)\. Create one with 'casctl init'/);
    const client = await server.client(name, 'casctl');
    try {
      await client.query('CREATE TABLE users (id int)');
      for (const args of [['get-casmailbox', 'rzaher'], ['init']]) {
        const refused = await casctl(args, { store: other, env: server.env() });
        assert.equal(refused.code, 3, refused.stderr);
        assert.match(refused.stderr, /is not a casctl store \(it has tables: users, but no casctl_schema_migrations\)/);
      }
      const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      assert.deepEqual(tables.rows.map((r: { table_name: string }) => r.table_name), ['users']);
    } finally {
      await client.end();
    }
  });

  test('two inits at once create the schema once', async () => {
    const fresh = await server.createDatabase();
    const results = await Promise.all([1, 2, 3].map(() => casctl(['init'], { store: fresh, env: server.env() })));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const client = await server.client(fresh.split('/').pop() as string);
    try {
      const versions = await client.query('SELECT version FROM casctl_schema_migrations ORDER BY version');
      assert.deepEqual(versions.rows.map((r: { version: number }) => r.version), [1]);
    } finally {
      await client.end();
    }
  });

  test('a read-only account audits (its session is read-only too), and a change through it is refused', async () => {
    await server.grantReader(store.split('/').pop() as string);
    const reader = server.storeUrl(store.split('/').pop() as string, 'casreader');
    const policy = join(tempDir(), 'policy.yml');
    writeFileSync(policy, 'rules:\n  - name: Finance has no IMAP4\n    organizationalUnit: North America/Finance\n    expect: { ImapEnabled: false }\n');
    const audit = await casctl(['audit', policy, '-o', 'json'], { store: reader, env: server.env('casreader') });
    assert.equal(audit.code, 0, audit.stderr);
    const change = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'true'], { store: reader, env: server.env('casreader') });
    assert.equal(change.code, 3, change.stderr);
    assert.match(change.stderr, /read-only for this account/);
  });

  test('two admins at once: both changes are applied and recorded, with distinct ids in order', async () => {
    const before = json<{ Id: number }[]>(await run(['get-changelog', '-o', 'json'])).length;
    const [a, b] = await Promise.all([
      run(['set-casmailbox', 'chris.green@tailspintoys.com', '--owa-enabled', 'false', '--yes']),
      run(['set-casmailbox', 'Dmitri Volkov', '--owa-enabled', 'false', '--yes']),
    ]);
    assert.equal(a?.code, 0, a?.stderr);
    assert.equal(b?.code, 0, b?.stderr);
    const records = json<{ Id: number }[]>(await run(['get-changelog', '-o', 'json']));
    assert.equal(records.length, before + 2);
    const ids = records.map((r) => r.Id);
    assert.deepEqual(ids, [...new Set(ids)].sort((x, y) => x - y));
    const rows = json<{ OWAEnabled: boolean }[]>(await run(['get-casmailbox', 'chris.green@tailspintoys.com', 'Dmitri Volkov', '-o', 'json']));
    assert.deepEqual(rows.map((m) => m.OWAEnabled), [false, false]);
  });
});
