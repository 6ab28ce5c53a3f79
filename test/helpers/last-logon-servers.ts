/**
 * The SQL servers Dovecot may record logins in, for the tests of casctl's readers: a real
 * PostgreSQL or MariaDB, a database casctl's account may use, and Dovecot's own account
 * (`dovecot`), which only the grants casctl creates or prints let near the table.
 *
 *   const server = await LAST_LOGON_ENGINES[0].start();
 *   const url = await server.database();     // postgres://casctl@127.0.0.1:PORT/casctl_1
 *   await server.asDovecot(url, 'INSERT ...');
 *   await server.stop();
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedLogon } from './last-logons.js';
import { mariaDbSkipReason, startMariaDb } from './mariadb.js';
import { postgresSkipReason, startPostgres } from './postgres.js';
import { recordLogonsMysql, recordLogonsPostgres } from './sql-last-logons.js';

export interface LastLogonServer {
  /** casctl's password: CASCTL_SQL_PASSWORD. */
  env(): NodeJS.ProcessEnv;
  password: string;
  dovecotPassword: string;
  /** A new database casctl's account may create tables in; its URL as casctl's account. */
  database(): Promise<string>;
  /** Writes logins as Dovecot's dict does, as the server's administrator (the table must exist). */
  record(url: string, logons: readonly RecordedLogon[]): Promise<void>;
  /** Runs a statement as Dovecot's account: rejects when the account may not. */
  asDovecot(url: string, sql: string): Promise<unknown[]>;
  /** Runs a statement as the server's administrator. */
  asAdmin(url: string, sql: string): Promise<unknown[]>;
  /**
   * Rows the server has read by scanning tables, and its index lookups, with the reads of every
   * connection that ended counted (and some lookups since `since`): what tells a scan from lookups by key.
   */
  readCounters(url: string, since?: ReadCounters): Promise<ReadCounters>;
  /** From now on the server logs every statement it runs; the function reads that log so far. */
  logStatements(): Promise<() => string>;
  /** The port, for messages. */
  port: number;
  stop(): Promise<void>;
}

export interface ReadCounters {
  scanned: number;
  lookups: number;
}

export interface LastLogonEngine {
  name: 'PostgreSQL' | 'MariaDB';
  skip: string | false;
  start(): Promise<LastLogonServer>;
}

const databaseOf = (url: string): string => new URL(url).pathname.slice(1);
const readText = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

const postgres: LastLogonEngine = {
  name: 'PostgreSQL',
  skip: postgresSkipReason(),
  async start() {
    const server = await startPostgres();
    const as = async (url: string, account: 'postgres' | 'dovecot', sql: string): Promise<unknown[]> => {
      const client = await server.client(databaseOf(url), account);
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    return {
      env: () => server.env(),
      password: server.passwords.casctl,
      dovecotPassword: server.passwords.dovecot,
      database: () => server.createDatabase(),
      async record(url, logons) {
        const client = await server.client(databaseOf(url));
        try {
          await recordLogonsPostgres(client, logons);
        } finally {
          await client.end();
        }
      },
      asDovecot: (url, sql) => as(url, 'dovecot', sql),
      asAdmin: (url, sql) => as(url, 'postgres', sql),
      async readCounters(url, since) {
        const read = async (): Promise<ReadCounters> => {
          const [row] = (await as(url, 'postgres', 'SELECT coalesce(sum(seq_tup_read), 0)::bigint AS scanned, coalesce(sum(idx_scan), 0)::bigint AS lookups FROM pg_stat_user_tables')) as {
            scanned: string;
            lookups: string;
          }[];
          return { scanned: Number(row?.scanned), lookups: Number(row?.lookups) };
        };
        // A backend flushes its counters shortly after it ends: wait until they stop moving.
        let last = await read();
        for (let tries = 0; tries < 50; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          const next = await read();
          if (next.scanned === last.scanned && next.lookups === last.lookups && (since === undefined || next.lookups > since.lookups)) return next;
          last = next;
        }
        return last;
      },
      async logStatements() {
        await as(server.storeUrl('postgres'), 'postgres', "ALTER SYSTEM SET log_statement = 'all'");
        await as(server.storeUrl('postgres'), 'postgres', 'SELECT pg_reload_conf()');
        return () => readText(join(server.dir, 'postgres.log'));
      },
      port: server.port,
      stop: () => server.stop(),
    };
  },
};

const mariadb: LastLogonEngine = {
  name: 'MariaDB',
  skip: mariaDbSkipReason(),
  async start() {
    const server = await startMariaDb();
    const dovecotPassword = `dovecot-${randomBytes(12).toString('base64url')}`;
    const admin = await server.connect();
    try {
      // As a deployment would: Dovecot's own account, bound to where the mail servers connect from.
      await admin.query(`CREATE USER 'dovecot'@'127.0.0.1' IDENTIFIED BY '${dovecotPassword}'`);
    } finally {
      await admin.end();
    }
    const as = async (url: string, account: 'admin' | 'dovecot', sql: string): Promise<unknown[]> => {
      const { createConnection } = await import('mysql2/promise');
      const connection =
        account === 'admin'
          ? await server.connect(databaseOf(url))
          : await createConnection({ host: '127.0.0.1', port: server.port, user: 'dovecot', password: dovecotPassword, database: databaseOf(url) });
      try {
        const [rows] = await connection.query(sql);
        return Array.isArray(rows) ? rows : [];
      } finally {
        await connection.end();
      }
    };
    return {
      env: () => server.env(),
      password: server.accounts.service.password,
      dovecotPassword,
      database: () => server.createDatabase(),
      async record(url, logons) {
        const connection = await server.connect(databaseOf(url));
        try {
          await recordLogonsMysql(connection, logons);
        } finally {
          await connection.end();
        }
      },
      asDovecot: (url, sql) => as(url, 'dovecot', sql),
      asAdmin: (url, sql) => as(url, 'admin', sql),
      // MariaDB's global counters include every session's as they go.
      async readCounters(url) {
        const rows = (await as(url, 'admin', "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_rnd_next', 'Handler_read_key')")) as { Variable_name: string; Value: string }[];
        const value = (name: string): number => Number(rows.find((r) => r.Variable_name === name)?.Value);
        return { scanned: value('Handler_read_rnd_next'), lookups: value('Handler_read_key') };
      },
      async logStatements() {
        const log = join(server.dir, 'general.log');
        await as(server.url('mysql'), 'admin', `SET GLOBAL general_log_file = '${log}'`);
        await as(server.url('mysql'), 'admin', 'SET GLOBAL general_log = ON');
        return () => readText(log);
      },
      port: server.port,
      stop: () => server.stop(),
    };
  },
};

export const LAST_LOGON_ENGINES: readonly LastLogonEngine[] = [postgres, mariadb];
