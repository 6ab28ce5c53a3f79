import pg from 'pg';
import { StoreError } from '../../core/errors.js';
import type { Trace } from '../../core/trace.js';
import type { SqlConnection, SqlPool, SqlRow, SqlSession, SqlValue } from '../sql/client.js';
import { tracedSession } from '../sql/traced-session.js';
import type { ServerTarget } from '../sql/server-settings.js';

/** Connections at most: a read may page while a transaction runs beside it. */
const MAX_CONNECTIONS = 4;
const CONNECT_TIMEOUT_MS = 10_000;

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * A client that closes its socket when connecting fails: node-postgres leaves it open after a
 * failed authentication step of its own (no password for a server that asks for one), which kept
 * the command waiting for the server's authentication_timeout (60 s) before it could exit.
 */
class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
  override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
    const close = (): void => void this.end().catch(() => undefined);
    if (callback === undefined) {
      return super.connect().catch((error: unknown) => {
        close();
        throw error;
      });
    }
    super.connect((error: Error | null, client?: pg.Client) => {
      if (error) close();
      (callback as (err: Error | null, c?: pg.Client) => void)(error, client);
    });
  }
}

/** Asked for only when the server wants a password and none was given: said so, not node-postgres's SASL message. */
const noPassword = (target: ServerTarget) => (): never => {
  throw new StoreError(
    `The PostgreSQL server asks for a password for ${target.user} (the store ${target.printable}): set CASCTL_SQL_PASSWORD_FILE (or CASCTL_SQL_PASSWORD), or "passwordFile" in the "postgres" section of the configuration file.`,
  );
};

function session(target: Queryable) {
  return {
    async query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
      return (await target.query<R>(sql, params as unknown[])).rows;
    },
    async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      return (await target.query(sql, params as unknown[])).rowCount ?? 0;
    },
    async insertId(sql: string, params: readonly SqlValue[] = []): Promise<number> {
      const { rows } = await target.query<{ id: unknown }>(`${sql} RETURNING id`, params as unknown[]);
      return Number(rows[0]?.id);
    },
  };
}

/**
 * The client seam over node-postgres: a small pool. A read-only store's connections default to
 * read-only transactions (default_transaction_read_only), so an audit works with an account that
 * may only SELECT, and nothing it runs can write.
 */
export function postgresPool(target: ServerTarget, password: string | null, readOnly: boolean, trace?: Trace): SqlPool {
  const traced = <S extends SqlSession>(s: S): S => (trace === undefined ? s : tracedSession(s, trace));
  const pool = new pg.Pool({
    host: target.host,
    port: target.port ?? undefined,
    user: target.user,
    database: target.database,
    password: password ?? noPassword(target),
    Client: ClosingClient,
    max: MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'casctl',
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection the server closes (a restart) must not crash the command: the next query reconnects.
  pool.on('error', () => undefined);
  return {
    ...traced(session(pool)),
    async connect(): Promise<SqlConnection> {
      const client = await pool.connect();
      return traced({ ...session(client), release: (broken?: boolean) => client.release(broken === true) });
    },
    close: () => pool.end(),
  };
}
