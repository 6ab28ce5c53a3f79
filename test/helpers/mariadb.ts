/**
 * A private, real MariaDB for the MySQL store's tests: a copy of a datadir `mariadb-install-db`
 * made once (installedTemplate), `mariadbd` on 127.0.0.1 and a port the OS hands out, its socket
 * and pidfile in a temp dir, InnoDB kept small and unflushed (the data is thrown away), so it is
 * up in well under a second.
 *
 *   const mariadb = await startMariaDb();
 *   const url = await mariadb.createDatabase();   // mysql://casctl@127.0.0.1:PORT/casctl_1
 *   const store = await openStore(url, ROOT, { create: true, env: mariadb.env() });
 *   ...
 *   await mariadb.stop();
 *
 * Accounts, random passwords per instance (tests grep output for them), all `@127.0.0.1`:
 * - `admin` (casadmin): everything, for seeding and inspecting.
 * - `service` (casctl): all privileges on the databases named `casctl...`, nothing else, as a
 *   deployment would grant casctl's account; it logs in with a password, so the credential path
 *   is exercised (no --skip-grant-tables).
 * - `reader` (casreader): SELECT on the `casctl...` databases.
 * The server's own character set stays the compiled-in latin1: the store must name utf8mb4 and its
 * collation itself, as it must on a server whose defaults nobody chose for casctl.
 *
 * Tests skip when MariaDB is missing only on a developer's machine: with CI set, a missing
 * mariadbd fails (startMariaDb throws), so a CI run never goes green by skipping everything.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { freePort } from './dovecot.js';
import { SBIN, run, running, stopDaemon, trackDaemon, which } from './daemon.js';

export interface MariaDbAccount {
  user: string;
  password: string;
}

export type MariaDbAccountName = 'admin' | 'service' | 'reader';

export interface MariaDb {
  /** The temp dir: data/, mysqld.sock, mysqld.pid, error.log. */
  dir: string;
  port: number;
  socket: string;
  pid: number;
  accounts: Record<MariaDbAccountName, MariaDbAccount>;
  /** How long install-db plus start-up until the first login took, for the report. */
  startMs: number;
  /** `mysql://<user>@127.0.0.1:PORT/<database>`: a store URL without a password, as casctl wants it. */
  url(database: string, account?: MariaDbAccountName, scheme?: 'mysql' | 'mariadb'): string;
  /** A new empty database `casctl_<n>` (the service account may use it), its store URL. */
  createDatabase(): Promise<string>;
  /** CASCTL_SQL_PASSWORD for an account (default: the service account). */
  env(account?: MariaDbAccountName): NodeJS.ProcessEnv;
  /** A connection as an account (default admin), for seeding and inspecting; the caller ends it. */
  connect(database?: string, account?: MariaDbAccountName): Promise<Connection>;
  /** SIGTERM the server, wait until it is gone (SIGKILL after a few seconds), remove the temp dir. */
  stop(): Promise<void>;
}

export interface StartMariaDbOptions {
  /** How long to wait for the first login; default 20 s. */
  startTimeoutMs?: number;
}

function programs(): { server: string; install: string } | undefined {
  const server = which('mariadbd') ?? which('mysqld');
  const install = which('mariadb-install-db') ?? which('mysql_install_db');
  return server === undefined || install === undefined ? undefined : { server, install };
}

/** For `describe(..., { skip: mariaDbSkipReason() })`: skip only on a developer's machine without MariaDB. */
export function mariaDbSkipReason(): string | false {
  if (programs() !== undefined) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return 'MariaDB is not installed (apt-get install mariadb-server); skipped because CI is not set';
}

/** Small and unsynced: start-up time is dominated by InnoDB's buffer pool and redo log sizes. */
const SERVER_OPTIONS = [
  '--skip-name-resolve',
  '--performance-schema=OFF',
  '--innodb-buffer-pool-size=16M',
  '--innodb-log-file-size=8M',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--sync-frm=0',
  '--skip-log-bin',
  '--max-connections=200',
];

/** Run once at start-up by the server itself, so no password passes through a command line. */
function accountsSql(accounts: Record<MariaDbAccountName, MariaDbAccount>): string {
  const user = (account: MariaDbAccount): string => `'${account.user}'@'127.0.0.1'`;
  const create = (account: MariaDbAccount): string => `CREATE USER ${user(account)} IDENTIFIED BY '${account.password}';`;
  return [
    create(accounts.admin),
    `GRANT ALL PRIVILEGES ON *.* TO ${user(accounts.admin)} WITH GRANT OPTION;`,
    create(accounts.service),
    `GRANT ALL PRIVILEGES ON \`casctl%\`.* TO ${user(accounts.service)};`,
    create(accounts.reader),
    `GRANT SELECT ON \`casctl%\`.* TO ${user(accounts.reader)};`,
    '',
  ].join('\n');
}

let template: Promise<string> | undefined;

/**
 * An empty datadir as mariadb-install-db makes it, made once per server binary and user and
 * copied for each server: install-db takes seconds on a loaded machine, a copy of its few MB
 * milliseconds. It holds no account of a test (those come from each server's init file), and a
 * stopped server's datadir may be copied anywhere. Made beside under another name and renamed,
 * so test files starting at once never see half of one.
 */
function installedTemplate(found: { server: string; install: string }, asUser: readonly string[]): Promise<string> {
  template ??= (async () => {
    const key = createHash('sha256').update(`${found.server}\0${statSync(found.server).mtimeMs}\0${SERVER_OPTIONS.join(' ')}\0${process.getuid?.() ?? ''}`).digest('hex').slice(0, 16);
    const path = join(tmpdir(), `casctl-mariadb-template-${key}`);
    if (existsSync(join(path, 'mysql'))) return path;
    const building = `${path}.${process.pid}`;
    // Its bootstrap server would clear the `#sql*` files of running servers from a shared tmpdir too.
    const temporary = `${building}.tmp`;
    mkdirSync(temporary, { recursive: true });
    const installed = await run(found.install, ['--no-defaults', `--datadir=${building}`, `--tmpdir=${temporary}`, ...asUser, '--skip-test-db', '--auth-root-authentication-method=socket', ...SERVER_OPTIONS]);
    rmSync(temporary, { recursive: true, force: true });
    if (installed.code !== 0) {
      rmSync(building, { recursive: true, force: true });
      throw new Error(`mariadb-install-db failed (exit ${installed.code}):\n${installed.output}`);
    }
    try {
      renameSync(building, path);
    } catch {
      // Another test file made it first.
      rmSync(building, { recursive: true, force: true });
    }
    return path;
  })();
  return template;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, 'mysqld.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function errorLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no error log)';
  }
}

export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDb> {
  const found = programs();
  if (found === undefined) {
    throw new Error(
      `MariaDB is not installed (no mariadbd/mariadb-install-db on PATH or in ${SBIN.join(', ')}): apt-get install mariadb-server` +
        (process.env.CI ? ' (CI is set, so the MariaDB tests fail instead of skipping)' : ''),
    );
  }
  const secret = (): string => randomBytes(12).toString('base64url');
  const accounts: Record<MariaDbAccountName, MariaDbAccount> = {
    admin: { user: 'casadmin', password: `casadmin-${secret()}` },
    service: { user: 'casctl', password: `casctl-${secret()}` },
    reader: { user: 'casreader', password: `casreader-${secret()}` },
  };
  // mariadbd refuses to run as root unless told to; as anyone else --user is ignored.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let lastFailure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'casctl-mariadb-'));
    const datadir = join(dir, 'data');
    try {
      cpSync(await installedTemplate(found, asUser), datadir, { recursive: true });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const initFile = join(dir, 'accounts.sql');
    writeFileSync(initFile, accountsSql(accounts));
    chmodSync(initFile, 0o600);
    const port = await freePort();
    const socket = join(dir, 'mysqld.sock');
    // A tmpdir of its own: a starting mariadbd deletes the `#sql*` temporary tables it finds in its
    // tmpdir, so servers sharing /tmp delete each other's in the middle of a statement.
    const temporary = join(dir, 'tmp');
    mkdirSync(temporary);
    const child = spawn(
      found.server,
      ['--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${join(dir, 'error.log')}`, `--init-file=${initFile}`, `--tmpdir=${temporary}`, ...asUser, ...SERVER_OPTIONS],
      { stdio: 'ignore', detached: true },
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${found.server} did not start`);
    trackDaemon(dir, pid);
    const login = (database?: string, account: MariaDbAccountName = 'admin'): Promise<Connection> =>
      createConnection({ host: '127.0.0.1', port, user: accounts[account].user, password: accounts[account].password, ...(database === undefined ? {} : { database }), connectTimeout: 2000 });
    let ready = false;
    while (Date.now() - started < timeoutMs && running(pid)) {
      try {
        await (await login()).end();
        ready = true;
        break;
      } catch {
        await sleep(20);
      }
    }
    if (!ready) {
      const log = errorLog(dir);
      const alive = running(pid);
      await stopDaemon('mariadbd', pid, dir).catch(() => undefined);
      lastFailure = `${alive ? `MariaDB did not accept a login on 127.0.0.1:${port} within ${timeoutMs} ms` : 'mariadbd exited during start-up'}\n--- error log:\n${log}`;
      if (/in use|bind on tcp/i.test(log)) continue;
      throw new Error(lastFailure);
    }
    const startMs = Date.now() - started;
    const url = (database: string, account: MariaDbAccountName = 'service', scheme: 'mysql' | 'mariadb' = 'mysql'): string =>
      `${scheme}://${accounts[account].user}@127.0.0.1:${port}/${database}`;
    let databases = 0;
    let stopped: Promise<void> | undefined;
    return {
      dir,
      port,
      socket,
      pid: readPid(dir) ?? pid,
      accounts,
      startMs,
      url,
      async createDatabase() {
        const name = `casctl_${++databases}`;
        const admin = await login();
        try {
          await admin.query(`CREATE DATABASE \`${name}\``);
        } finally {
          await admin.end();
        }
        return url(name);
      },
      env: (account = 'service') => ({ CASCTL_SQL_PASSWORD: accounts[account].password }),
      connect: login,
      stop: () => (stopped ??= stopDaemon('mariadbd', pid, dir)),
    };
  }
  throw new Error(`mariadbd could not bind a port after 3 attempts:\n${lastFailure}`);
}
