/**
 * The casctl CLI on a MySQL store (a real MariaDB): init and its migrations, get/set/filter/--file/
 * undo/audit with the password from the environment and from a file, what it refuses (a password
 * in the URL, a database that is not casctl's, a write through a SELECT-only account), and what
 * MariaDB does differently (accent-insensitive collations, a non-strict server, DDL outside transactions).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES, casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { freePort } from '../helpers/dovecot.js';
import { checkNonAsciiSelections, juergenCsv } from '../helpers/non-ascii-identities.js';
import { casMailboxRow, checkSampleSelections, withoutSecrets } from '../helpers/store-cli-checks.js';
import { mysqlMigrations } from '../../src/store/mysql/schema.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb, type MariaDbAccountName } from '../helpers/mariadb.js';

describe('the casctl CLI on a MariaDB store', { skip: mariaDbSkipReason() }, () => {
  let mariadb: MariaDb;
  let url: string;
  const secrets = (): string[] => Object.values(mariadb.accounts).map((a) => a.password);
  const run = async (args: string[], options: { account?: MariaDbAccountName; env?: NodeJS.ProcessEnv; store?: string } = {}): Promise<CliResult> => {
    const result = await casctl(args, { env: { CASCTL_STORE: options.store ?? url, ...mariadb.env(options.account ?? 'service'), ...options.env } });
    return withoutSecrets(result, secrets(), args);
  };
  const casMailbox = (identity: string): Promise<Record<string, unknown>> => casMailboxRow((args) => run(args), identity);
  const tables = async (database: string): Promise<string[]> => {
    const admin = await mariadb.connect();
    try {
      const [rows] = await admin.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [database]);
      return (rows as { name: string }[]).map((r) => r.name);
    } finally {
      await admin.end();
    }
  };

  before(async () => {
    mariadb = await startMariaDb();
    url = await mariadb.createDatabase();
  });
  after(async () => {
    await mariadb?.stop();
  });

  test('two `casctl init --sample` at once: one creates the schema and loads the sample, the other waits and finds it there', async () => {
    const [first, second] = await Promise.all([run(['init', '--sample']), run(['init'])]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    assert.match(`${first.stderr}${second.stderr}`, /Directory store ready: mysql:\/\/casctl@127\.0\.0\.1:\d+\/casctl_1/);
    assert.ok((await tables('casctl_1')).includes('casctl_schema_migrations'));
    const again = await run(['init']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(json(await run(['get-mailbox', '-o', 'json', '--property', 'Name'])).length, 232);
  });

  test('an init cut short (MySQL commits each DDL statement at once) is resumed by the next one, not refused', async () => {
    const partial = await mariadb.createDatabase();
    const database = partial.split('/').pop() as string;
    const admin = await mariadb.connect(database);
    try {
      // What a first init had done when it was killed: the migrations table and one table, no version recorded.
      await admin.query('CREATE TABLE casctl_schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)');
      await admin.query(mysqlMigrations('MariaDB')[0]?.[0] ?? '');
    } finally {
      await admin.end();
    }
    const resumed = await run(['init'], { store: partial });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok((await tables(database)).includes('mailboxes'));
    const read = await run(['get-mailbox', '-o', 'json'], { store: partial });
    assert.equal(read.code, 0, read.stderr);
  });

  test("get-casmailbox: identities, the article's OU and filter selections, on mysql:// and mariadb://", async () => {
    await checkSampleSelections((args) => run(args));
    await checkSampleSelections((args) => run(args, { store: url.replace(/^mysql:/, 'mariadb:') }));
  });

  test("get-mailbox 'jür*' finds a mailbox by its SamAccountName beyond ASCII, and UPN and address wildcards agree with SQLite", async () => {
    const imported = await run(['import', juergenCsv()]);
    assert.equal(imported.code, 0, imported.stderr);
    await checkNonAsciiSelections((args) => run(args));
  });

  test('set-casmailbox, --file, get-changelog, undo and audit', async () => {
    const set = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false', '--imap-enabled', 'false']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /Recorded as change 1; undo it with: casctl undo 1/);
    assert.deepEqual(await casMailbox('Rand Zaher'), { Name: 'Rand Zaher', PopEnabled: false, ImapEnabled: false });
    const [record] = json(await run(['get-changelog', '-o', 'json']));
    assert.match(String(record?.CommandLine), /set-casmailbox 'Rand Zaher' --pop-enabled false --imap-enabled false/);
    const undo = await run(['undo', '1']);
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stderr, /Recorded as change 2/);
    assert.deepEqual(await casMailbox('Rand Zaher'), { Name: 'Rand Zaher', PopEnabled: true, ImapEnabled: true });

    const file = join(tempDir(), 'accounts.txt');
    writeFileSync(file, 'rzaher@tailspintoys.com\nebrunner@tailspintoys.com\njweber@tailspintoys.com\n');
    const bulk = await run(['set-casmailbox', '--file', file, '--imap-enabled', 'false', '--yes']);
    assert.equal(bulk.code, 0, bulk.stderr);
    assert.match(bulk.stderr, /Recorded as change 3/);
    const off = json(await run(['get-casmailbox', '--filter', 'ImapEnabled -eq $false', '-o', 'json', '--property', 'PrimarySmtpAddress']));
    assert.ok(off.length >= 3);

    const audit = await run(['audit', join(FIXTURES, 'policies', 'sample-policy.yml'), '-o', 'json']);
    assert.equal(audit.code, 5, audit.stderr);
    assert.deepEqual(json<{ Summary: { Rules: number } }>(audit).Summary.Rules, 4);
    const undoBulk = await run(['undo', '3', '--yes']);
    assert.equal(undoBulk.code, 0, undoBulk.stderr);
  });

  test('two admins at once: both changes are applied and recorded, with distinct ids in order (the GET_LOCK writer lock)', async () => {
    const before = json<{ Id: number }[]>(await run(['get-changelog', '-o', 'json'])).length;
    const [a, b] = await Promise.all([
      run(['set-casmailbox', 'ebrunner@tailspintoys.com', '--owa-enabled', 'false', '--yes']),
      run(['set-casmailbox', 'jweber@tailspintoys.com', '--owa-enabled', 'false', '--yes']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const ids = json<{ Id: number }[]>(await run(['get-changelog', '-o', 'json'])).map((r) => r.Id);
    assert.equal(ids.length, before + 2);
    assert.deepEqual(ids, [...new Set(ids)].sort((x, y) => x - y));
    const rows = json<{ OWAEnabled: boolean }[]>(await run(['get-casmailbox', 'ebrunner@tailspintoys.com', 'jweber@tailspintoys.com', '-o', 'json']));
    assert.deepEqual(rows.map((m) => m.OWAEnabled), [false, false]);
  });

  test('the password from CASCTL_SQL_PASSWORD_FILE and from the configuration\'s "mysql.passwordFile"; a stale one is refused', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mysql.secret'), `${mariadb.accounts.service.password}\n`, { mode: 0o600 });
    const fromEnvFile = await casctl(['get-casmailbox', 'rzaher', '-o', 'json', '--property', 'Name'], { env: { CASCTL_STORE: url, CASCTL_SQL_PASSWORD_FILE: join(dir, 'mysql.secret') } });
    assert.equal(fromEnvFile.code, 0, fromEnvFile.stderr);
    assert.deepEqual(json(fromEnvFile), [{ Name: 'Rand Zaher' }]);
    const config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ store: url, mysql: { passwordFile: 'mysql.secret' } }));
    const fromConfig = await casctl(['get-casmailbox', 'rzaher', '-o', 'json', '--property', 'Name'], { env: { CASCTL_CONFIG: config } });
    assert.equal(fromConfig.code, 0, fromConfig.stderr);
    assert.deepEqual(json(fromConfig), [{ Name: 'Rand Zaher' }]);
    writeFileSync(join(dir, 'mysql.secret'), 'stale-password\n');
    const stale = await casctl(['get-casmailbox', 'rzaher'], { env: { CASCTL_CONFIG: config } });
    assert.equal(stale.code, 3);
    assert.match(stale.stderr, /refused casctl's credentials .*Access denied for user 'casctl'@'127\.0\.0\.1' \(using password: YES\)/);
    assert.ok(!stale.stderr.includes('stale-password'));
    const none = await casctl(['get-casmailbox', 'rzaher'], { env: { CASCTL_STORE: url } });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /\(using password: NO\).*CASCTL_SQL_PASSWORD_FILE/);
  });

  test('refused: a password in the URL, an unreachable server, a database that is not casctl\'s (left untouched)', async () => {
    const password = mariadb.accounts.service.password;
    const inUrl = await casctl(['get-casmailbox', '--store', url.replace('casctl@', `casctl:${password}@`)], { env: {} });
    assert.equal(inUrl.code, 3);
    assert.match(inUrl.stderr, /holds a password/);
    assert.ok(!inUrl.stderr.includes(password));

    const unreachable = await run(['get-casmailbox', 'Rand Zaher'], { store: `mysql://casctl@127.0.0.1:${await freePort()}/casctl_1` });
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /Cannot connect to the MySQL server .*ECONNREFUSED/);

    const admin = await mariadb.connect();
    try {
      await admin.query('CREATE DATABASE casctl_foreign');
      await admin.query('CREATE TABLE casctl_foreign.users (email VARCHAR(100) PRIMARY KEY)');
    } finally {
      await admin.end();
    }
    const foreign = mariadb.url('casctl_foreign');
    for (const args of [['init'], ['get-mailbox']]) {
      const refused = await run(args, { store: foreign });
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stderr, /is not a casctl store \(it has tables: users, but no casctl_schema_migrations\)/);
    }
    assert.deepEqual(await tables('casctl_foreign'), ['users']);
    const missing = await run(['get-mailbox'], { store: mariadb.url('casctl_missing') });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /does not exist|may not use/);
  });

  test('a SELECT-only account reads (in READ ONLY transactions) and cannot write: exit 3, nothing changed', async () => {
    const read = await run(['get-casmailbox', 'Rand Zaher', '-o', 'json'], { account: 'reader', store: mariadb.url('casctl_1', 'reader') });
    assert.equal(read.code, 0, read.stderr);
    const write = await run(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false'], { account: 'reader', store: mariadb.url('casctl_1', 'reader') });
    assert.equal(write.code, 3, write.stderr);
    assert.match(write.stderr, /read-only for this account/);
    assert.deepEqual(await casMailbox('Rand Zaher'), { Name: 'Rand Zaher', PopEnabled: true, ImapEnabled: true });
  });

  test('addresses that differ only by an accent are two mailboxes (the collation ignores accents, the keys do not); case still folds', async () => {
    const csv = join(tempDir(), 'accents.csv');
    writeFileSync(csv, ['Name,PrimarySmtpAddress,OrganizationalUnit', 'Jose Alvarez,jose@tailspintoys.com,tailspintoys.com/Accents', 'José Álvarez,josé@tailspintoys.com,tailspintoys.com/Accents', ''].join('\n'));
    const imported = await run(['import', csv]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(json(await run(['get-mailbox', 'jose@tailspintoys.com', '-o', 'json', '--property', 'Name'])), [{ Name: 'Jose Alvarez' }]);
    assert.deepEqual(json(await run(['get-mailbox', 'JOSÉ@TailspinToys.com', '-o', 'json', '--property', 'Name'])), [{ Name: 'José Álvarez' }]);
    const upper = join(tempDir(), 'upper.csv');
    writeFileSync(upper, ['Name,PrimarySmtpAddress,EmailAddresses,OrganizationalUnit', 'Other Jose,other@tailspintoys.com,SMTP:other@tailspintoys.com;smtp:JOSE@tailspintoys.com,tailspintoys.com/Accents', ''].join('\n'));
    const refused = await run(['import', upper]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /an address of it already belongs to another mailbox/);
  });

  test('strict on a server that is not: a value too long for its column is an error, not silently cut', async () => {
    const admin = await mariadb.connect();
    try {
      await admin.query("SET GLOBAL sql_mode = ''");
    } finally {
      await admin.end();
    }
    const csv = join(tempDir(), 'long.csv');
    writeFileSync(csv, ['Name,PrimarySmtpAddress,OrganizationalUnit,Department', `Long Department,long@tailspintoys.com,tailspintoys.com/Long,${'d'.repeat(300)}`, ''].join('\n'));
    const imported = await run(['import', csv]);
    assert.notEqual(imported.code, 0);
    assert.match(imported.stderr, /Data too long for column 'department'/);
    assert.deepEqual(json(await run(['get-mailbox', '--filter', "Name -eq 'Long Department'", '-o', 'json'])), []);
  });
});
