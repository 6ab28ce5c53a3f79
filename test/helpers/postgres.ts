/**
 * A private, real PostgreSQL 15 for the SQL store's tests: `initdb` into a temp dir, `pg_ctl`
 * on 127.0.0.1 and a port the OS hands out, run as an unprivileged user (PostgreSQL refuses
 * root: as root, the system user `casctl-test` is created if missing and owns the dir), password
 * (SCRAM) authentication over TCP so the credential path casctl reads is exercised.
 *
 *   const pg = await startPostgres();
 *   const url = await pg.createDatabase();            // an empty database owned by `casctl`
 *   const store = await openStore(url, ROOT, { create: true, env: pg.env() });
 *   ...
 *   await pg.stop();                                  // by the postmaster's PID
 *
 * Accounts, random passwords per instance (tests grep output for them): `postgres` the
 * superuser (seeding, inspecting), `casctl` casctl's service account (owns the databases it
 * gets), `casreader` (may only read what it is granted: grantReader), `dovecot` (the same).
 *
 * Tests skip when PostgreSQL is missing only on a developer's machine: with CI set, a missing
 * server fails (startPostgres throws), so a CI run never goes green by skipping everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './dovecot.js';
import { running, trackDaemon, which } from './daemon.js';

export type PostgresAccount = 'postgres' | 'casctl' | 'casreader' | 'dovecot';

export interface Postgres {
  dir: string;
  host: '127.0.0.1';
  port: number;
  pid: number;
  passwords: Record<PostgresAccount, string>;
  /** `postgres://casctl@127.0.0.1:PORT/<database>`: a casctl store URL (no password, as casctl wants it). */
  storeUrl(database: string, account?: PostgresAccount): string;
  /** A new, empty database owned by `casctl`; its store URL. */
  createDatabase(name?: string): Promise<string>;
  /** CASCTL_SQL_PASSWORD for an account (default casctl). */
  env(account?: PostgresAccount): NodeJS.ProcessEnv;
  /** Lets an account (casreader, dovecot) read every table casctl created in a database. */
  grantReader(database: string, account?: PostgresAccount): Promise<void>;
  /** A connected client as an account (default the superuser) to a database, for seeding and inspecting; end() it. */
  client(database?: string, account?: PostgresAccount): Promise<pg.Client>;
  /** Fast shutdown (SIGINT) of the postmaster by PID, SIGKILL after a few seconds; removes the temp dir. */
  stop(): Promise<void>;
}

/** The unprivileged user the server runs as when the tests run as root. */
const SERVER_USER = 'casctl-test';

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  const preferred = versions.includes('15') ? '15' : versions[0];
  if (preferred !== undefined) return join(root, preferred, 'bin');
  const initdb = which('initdb');
  return initdb === undefined ? undefined : join(initdb, '..');
}

export function postgresAvailable(): boolean {
  const bin = binDir();
  return bin !== undefined && existsSync(join(bin, 'pg_ctl'));
}

/** For `describe(..., { skip: postgresSkipReason() })`: skip only on a developer's machine without PostgreSQL. */
export function postgresSkipReason(): string | false {
  if (postgresAvailable()) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return 'PostgreSQL is not installed (apt-get install postgresql); skipped because CI is not set';
}

/** The uid/gid the server runs as: ours, or as root the system user SERVER_USER (created when missing). */
function serverUser(): { uid: number; gid: number; name: string } | null {
  if (userInfo().uid !== 0) return null;
  const lookup = (): { uid: number; gid: number } | undefined => {
    const id = spawnSync('id', ['-u', SERVER_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', SERVER_USER], { encoding: 'utf8' });
    return id.status === 0 && gid.status === 0 ? { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  let found = lookup();
  if (found === undefined) {
    const added = spawnSync(which('useradd') ?? 'useradd', ['-r', '-M', '-s', '/usr/sbin/nologin', SERVER_USER], { encoding: 'utf8' });
    found = lookup();
    if (found === undefined) throw new Error(`useradd -r ${SERVER_USER} failed (exit ${added.status}): ${added.stderr}`);
  }
  return { ...found, name: SERVER_USER };
}

function run(program: string, args: string[], user: { name: string } | null): Promise<{ code: number; output: string }> {
  const [command, argv] = user === null ? [program, args] : [which('runuser') ?? '/usr/sbin/runuser', ['-u', user.name, '--', program, ...args]];
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    // pg_ctl leaves the postmaster holding the pipes: wait for 'exit', never for 'close'.
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function stopPostmaster(pid: number, dir: string): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGINT');
  const killAt = Date.now() + 10_000;
  let killed = false;
  while (running(pid)) {
    if (!killed && Date.now() > killAt) {
      killed = true;
      signal('SIGKILL');
    }
    if (killed && Date.now() > killAt + 5000) throw new Error(`postgres (pid ${pid}) survived SIGKILL`);
    await sleep(20);
  }
  rmSync(dir, { recursive: true, force: true });
}

export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  if (bin === undefined || !existsSync(join(bin, 'pg_ctl'))) {
    throw new Error(`PostgreSQL is not installed (no initdb/pg_ctl): apt-get install postgresql${process.env.CI ? ' (CI is set, so the PostgreSQL tests fail instead of skipping)' : ''}`);
  }
  const secret = (): string => randomBytes(12).toString('base64url');
  const passwords: Record<PostgresAccount, string> = { postgres: `pg-${secret()}`, casctl: `casctl-${secret()}`, casreader: `reader-${secret()}`, dovecot: `dovecot-${secret()}` };
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'casctl-postgres-'));
  for (const sub of ['run']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'pwfile'), `${passwords.postgres}\n`, { mode: 0o600 });
  if (user !== null) {
    for (const path of [dir, join(dir, 'run'), join(dir, 'pwfile')]) chownSync(path, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const init = await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', `--pwfile=${join(dir, 'pwfile')}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], user);
  if (init.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);
  }
  let lastFailure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    // Test data is thrown away: no fsync; a shutdown is fast.
    const options = `-h 127.0.0.1 -p ${port} -k ${join(dir, 'run')} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
    const started = await run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', '-o', options, 'start'], user);
    const pid = readPid(data);
    if (pid !== undefined) trackDaemon(dir, pid);
    if (started.code !== 0 || pid === undefined) {
      const log = existsSync(join(dir, 'postgres.log')) ? readFileSync(join(dir, 'postgres.log'), 'utf8') : '';
      lastFailure = `pg_ctl start failed (exit ${started.code}):\n${started.output}\n${log}`;
      if (pid !== undefined) await stopPostmaster(pid, join(dir, 'unused')).catch(() => undefined);
      if (/in use|could not bind/i.test(lastFailure)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(lastFailure);
    }
    const connect = async (database = 'postgres', account: PostgresAccount = 'postgres'): Promise<pg.Client> => {
      const client = new pg.Client({ host: '127.0.0.1', port, user: account, password: passwords[account], database });
      await client.connect();
      return client;
    };
    const admin = await connect();
    try {
      for (const account of ['casctl', 'casreader', 'dovecot'] as const) {
        await admin.query(`CREATE ROLE ${account} LOGIN PASSWORD '${passwords[account]}'`);
      }
    } finally {
      await admin.end();
    }
    let databases = 0;
    let stopped: Promise<void> | undefined;
    const storeUrl = (database: string, account: PostgresAccount = 'casctl'): string => `postgres://${account}@127.0.0.1:${port}/${database}`;
    return {
      dir,
      host: '127.0.0.1',
      port,
      pid,
      passwords,
      storeUrl,
      async createDatabase(name = `casctl_${++databases}`) {
        const client = await connect();
        try {
          await client.query(`CREATE DATABASE ${name} OWNER casctl`);
        } finally {
          await client.end();
        }
        return storeUrl(name);
      },
      env: (account = 'casctl') => ({ CASCTL_SQL_PASSWORD: passwords[account] }),
      async grantReader(database, account = 'casreader') {
        const client = await connect(database, 'casctl');
        try {
          await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${account}`);
          await client.query(`GRANT USAGE ON SCHEMA public TO ${account}`);
          await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${account}`);
        } finally {
          await client.end();
        }
      },
      client: connect,
      stop: () => (stopped ??= stopPostmaster(pid, dir)),
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`PostgreSQL could not bind a port after 3 attempts:\n${lastFailure}`);
}

/** The postmaster's PID: the first line of postmaster.pid. */
function readPid(data: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
