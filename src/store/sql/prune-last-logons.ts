import type { LastLogonTargetOptions } from '../store-driver.js';
import type { SqlPool } from './client.js';
import type { SqlLastLogonServer } from './last-logon-driver.js';
import { explainLastLogonError } from './last-logon-errors.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE } from './last-logon-table.js';
import type { SqlConfigSection } from './server-settings.js';

/**
 * Deletes (with `whatIf`, counts) the logins older than `before`, as casctl's account, which owns
 * the table. One statement: the server locks only the rows it deletes, which no login of the
 * last months writes, so Dovecot's upserts never wait on it.
 */
export async function pruneSqlLastLogons(server: SqlLastLogonServer, options: LastLogonTargetOptions<SqlConfigSection>, before: Date, whatIf: boolean): Promise<number> {
  const cutoff = Math.floor(before.getTime() / 1000);
  const older = `FROM ${LAST_LOGON_TABLE} WHERE ${C.time} < ${server.dialect.placeholder(1)}`;
  let pool: SqlPool | undefined;
  try {
    pool = await server.connect(whatIf, options);
    if (!whatIf) return await pool.execute(`DELETE ${older}`, [cutoff]);
    const [row] = await pool.query<{ n: unknown }>(`SELECT count(*) AS n ${older}`, [cutoff]);
    return server.dialect.readInt(row?.n ?? 0);
  } catch (error) {
    throw explainLastLogonError(error, server.dialect, server.where);
  } finally {
    await pool?.close().catch(() => undefined);
  }
}
