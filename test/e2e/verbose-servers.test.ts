/**
 * --verbose against real servers: the statements sent to PostgreSQL and MariaDB, the operations
 * sent to slapd, on stderr, one marked line each; never a password (the account's, a bind's, or
 * an imported mailbox's, plain or hashed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { casctl, hashedSampleCsv, type CliResult } from '../helpers/cli.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { postgresSkipReason, startPostgres, type Postgres } from '../helpers/postgres.js';
import { slapdSkipReason, startSlapd, type Slapd } from '../helpers/slapd.js';

const SAMPLE_PASSWORD = 'Tailspin!2026';
/** What a stored password looks like: `{SHA512-CRYPT}$6$...`, whoever hashed it. */
const HASH = /\{SHA512-CRYPT\}|\$6\$/;

const traced = (result: CliResult, kind: string): string[] => result.stderr.split('\n').filter((l) => l.startsWith(`casctl: ${kind}: `));

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, result.stderr);
  return result;
}

function noSecrets(results: readonly CliResult[], secrets: readonly string[]): void {
  for (const result of results) {
    const said = result.stdout + result.stderr;
    for (const secret of [...secrets, SAMPLE_PASSWORD]) assert.ok(!said.includes(secret), `a password was shown:\n${result.stderr}`);
    assert.doesNotMatch(result.stderr, HASH, 'a password hash was shown');
  }
}

/** The SQL stores: init --sample, a read and a change, each traced; the same statements both servers get. */
async function sqlStoreTraces(run: (args: string[]) => Promise<CliResult>, secrets: readonly string[]): Promise<CliResult[]> {
  const init = ok(await run(['--verbose', 'init', '--sample']));
  assert.ok(traced(init, 'sql').some((l) => /^casctl: sql: CREATE TABLE /i.test(l)), init.stderr);
  assert.ok(traced(init, 'sql').some((l) => /^casctl: sql: INSERT INTO /i.test(l)), init.stderr);
  const plain = ok(await run(['get-casmailbox', 'rzaher', '-o', 'json']));
  const read = ok(await run(['--verbose', 'get-casmailbox', 'rzaher', '-o', 'json']));
  assert.equal(read.stdout, plain.stdout);
  assert.equal(plain.stderr, '');
  assert.deepEqual(read.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('casctl: sql: ')), [], 'a read says nothing else');
  assert.ok(!traced(read, 'sql').some((l) => l.includes('rzaher')), 'bound values are not shown');
  const set = ok(await run(['--verbose', 'set-casmailbox', 'rzaher', '--imap-enabled', 'false', '--yes']));
  assert.ok(traced(set, 'sql').some((l) => /^casctl: sql: UPDATE /i.test(l)), set.stderr);
  const results = [init, read, set];
  noSecrets(results, secrets);
  return results;
}

describe('--verbose on a real PostgreSQL', { skip: postgresSkipReason() }, () => {
  let server: Postgres;
  let store: string;
  before(async () => {
    server = await startPostgres();
    store = await server.createDatabase();
  });
  after(async () => {
    await server?.stop();
  });

  test('each statement on one line, no bound value, no password', async () => {
    await sqlStoreTraces((args) => casctl(args, { store, env: server.env() }), Object.values(server.passwords));
  });
});

describe('--verbose on a real MariaDB', { skip: mariaDbSkipReason() }, () => {
  let server: MariaDb;
  let store: string;
  before(async () => {
    server = await startMariaDb();
    store = await server.createDatabase();
  });
  after(async () => {
    await server?.stop();
  });

  test("each statement on one line, the session's settings too, no bound value, no password", async () => {
    const [init] = await sqlStoreTraces((args) => casctl(args, { env: { CASCTL_STORE: store, ...server.env('service') } }), Object.values(server.accounts).map((a) => a.password));
    assert.ok(traced(init as CliResult, 'sql').some((l) => l.startsWith("casctl: sql: SET SESSION sql_mode = '")), init?.stderr);
  });
});

describe('--verbose on a real slapd', { skip: slapdSkipReason() }, () => {
  let slapd: Slapd;
  before(async () => {
    slapd = await startSlapd();
  });
  after(async () => {
    await slapd?.stop();
  });

  test('the bind (its DN), each search, add and modify (DNs and attribute names), never a value or a password', async () => {
    const run = (args: string[]): Promise<CliResult> => casctl(args, { env: { CASCTL_STORE: slapd.storeUrl, ...slapd.env('service') } });
    const { dn } = slapd.accounts.service;
    const init = ok(await run(['--verbose', 'init']));
    const imported = ok(await run(['--verbose', 'import', await hashedSampleCsv()]));
    const adds = traced(imported, 'ldap').filter((l) => l.startsWith('casctl: ldap: add '));
    assert.ok(adds.length > 0, imported.stderr);
    assert.ok(adds.some((l) => /^casctl: ldap: add cn=Rand Zaher,.*: .*\buserPassword\b/.test(l)), adds.join('\n'));

    const read = ok(await run(['--verbose', 'get-casmailbox', 'rzaher', '-o', 'json']));
    const operations = traced(read, 'ldap');
    assert.equal(operations[0], `casctl: ldap: connect ${slapd.serverUrl}`);
    assert.equal(operations[1], `casctl: ldap: bind ${dn}`);
    assert.ok(operations.some((l) => l.startsWith(`casctl: ldap: search base="${slapd.suffix}" scope=sub filter=(`) && l.includes(' attributes=')), operations.join('\n'));

    const set = ok(await run(['--verbose', 'set-casmailbox', 'rzaher', '--pop-enabled', 'false', '--yes']));
    const modify = traced(set, 'ldap').find((l) => l.startsWith('casctl: ldap: modify cn=Rand Zaher,'));
    assert.match(modify ?? set.stderr, /^casctl: ldap: modify cn=Rand Zaher,[^:]*: (add|delete|replace) \w+(, (add|delete|replace) \w+)*( \(assert \(.*\)\))?$/, 'operations and attribute names, no value');
    noSecrets([init, imported, read, set], Object.values(slapd.accounts).map((a) => a.password));
  });
});
