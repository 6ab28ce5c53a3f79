import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { Trace } from '../../core/trace.js';
import type { SqlConnection, SqlPool, SqlRow, SqlSession, SqlValue } from '../sql/client.js';
import { tracedSession } from '../sql/traced-session.js';
import type { ServerTarget } from '../sql/server-settings.js';

/** Connecting, and waiting for a row lock another transaction holds. */
const TIMEOUT_MS = 30_000;
/** Connections at most: a read may page while a transaction runs beside it. */
const MAX_CONNECTIONS = 4;

/**
 * Strict on every table (STRICT_ALL_TABLES, not only the transactional ones): a value that does
 * not fit is an error, never silently truncated or zeroed. Set per session: a server's global
 * sql_mode is its admin's choice, not casctl's.
 */
export const SQL_MODE = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,ONLY_FULL_GROUP_BY';

/** A mailbox's list of addresses is read back as one GROUP_CONCAT (dialect.ts); the default cuts it at 1 KiB. */
const GROUP_CONCAT_MAX = 64 * 1024 * 1024;

/** The connection's character set: what casctl's tables hold (see the dialect's collations). */
const CHARSET = 'UTF8MB4_UNICODE_520_CI';

/**
 * casctl's pool of mysql2 connections to a MySQL or MariaDB store. Every connection gets the same
 * session settings before its first statement, whatever the server's defaults are.
 */
export class MysqlPool implements SqlPool {
  private readonly prepared = new WeakSet<object>();

  /** `readOnly`: every transaction of every session is READ ONLY, so the server itself refuses a write. */
  private constructor(
    private readonly pool: Pool,
    private readonly readOnly: boolean,
    private readonly trace: Trace | undefined,
  ) {}

  /** Connects once, so that a wrong password or an unreachable server is reported by open, not by the first query. */
  static async open(target: ServerTarget, password: string | null, readOnly: boolean, trace?: Trace): Promise<MysqlPool> {
    const pool = createPool({
      host: target.host,
      port: target.port ?? undefined,
      user: target.user,
      ...(password === null ? {} : { password }),
      database: target.database,
      charset: CHARSET,
      timezone: 'Z',
      connectTimeout: TIMEOUT_MS,
      connectionLimit: MAX_CONNECTIONS,
      maxIdle: MAX_CONNECTIONS,
      // Exact integers for ids and counts; DECIMAL (SUM) as numbers, not strings.
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      multipleStatements: false,
    });
    const opened = new MysqlPool(pool, readOnly, trace);
    try {
      (await opened.connect()).release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return opened;
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.once((session) => session.query<R>(sql, params));
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.once((session) => session.execute(sql, params));
  }

  async insertId(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.once((session) => session.insertId(sql, params));
  }

  async connect(): Promise<SqlConnection> {
    const connection = await this.pool.getConnection();
    try {
      await this.prepare(connection);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    const opened = { ...session(connection), release: (broken = false) => (broken ? connection.destroy() : connection.release()) };
    return this.trace === undefined ? opened : tracedSession(opened, this.trace);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async once<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await work(connection);
    } finally {
      connection.release();
    }
  }

  private async prepare(connection: PoolConnection): Promise<void> {
    // The pool hands out wrappers; the connection underneath is what keeps the session settings.
    const underlying = connection.connection;
    if (this.prepared.has(underlying)) return;
    const lockWait = TIMEOUT_MS / 1000;
    const send = async (sql: string): Promise<void> => {
      this.trace?.('sql', sql);
      await connection.query(sql);
    };
    await send(`SET SESSION sql_mode = '${SQL_MODE}', SESSION time_zone = '+00:00', SESSION innodb_lock_wait_timeout = ${lockWait}, SESSION group_concat_max_len = ${GROUP_CONCAT_MAX}`);
    // READ COMMITTED, as PostgreSQL's default: each statement sees what committed before it; a
    // writer that must not race another takes the store's writer lock rather than relying on a snapshot.
    await send('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    if (this.readOnly) await send('SET SESSION TRANSACTION READ ONLY');
    this.prepared.add(underlying);
  }
}

function session(connection: PoolConnection): SqlSession {
  const values = (params: readonly SqlValue[]): SqlValue[] => [...params];
  return {
    async query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      const [rows] = await connection.query<RowDataPacket[]>(sql, values(params));
      return rows as unknown as R[];
    },
    async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      const [result] = await connection.query<ResultSetHeader>(sql, values(params));
      return result.affectedRows;
    },
    async insertId(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      const [result] = await connection.query<ResultSetHeader>(sql, values(params));
      return result.insertId;
    },
  };
}
