import type { LastLogonTargetOptions } from '../store-driver.js';
import type { SqlPool } from './client.js';
import type { SqlLastLogonServer } from './last-logon-driver.js';
import { explainLastLogonError } from './last-logon-errors.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE } from './last-logon-table.js';
import type { SqlConfigSection } from './server-settings.js';

/** Rows per statement: each is a short transaction of its own, so a login that writes one of its rows waits a moment at most. */
const PRUNE_BATCH = 5000;

/** Deletes (with `whatIf`, counts) the logins older than `before`, as casctl's account, which owns the table. */
export async function pruneSqlLastLogons(server: SqlLastLogonServer, options: LastLogonTargetOptions<SqlConfigSection>, before: Date, whatIf: boolean): Promise<number> {
  const cutoff = Math.floor(before.getTime() / 1000);
  let pool: SqlPool | undefined;
  try {
    pool = await server.connect(whatIf, options);
    if (!whatIf) {
      const batch = server.pruneBatch(PRUNE_BATCH);
      let deleted = 0;
      for (;;) {
        const changed = await pool.execute(batch, [cutoff]);
        deleted += changed;
        if (changed < PRUNE_BATCH) return deleted;
      }
    }
    const [row] = await pool.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${LAST_LOGON_TABLE} WHERE ${C.time} < ${server.dialect.placeholder(1)}`, [cutoff]);
    return server.dialect.readInt(row?.n ?? 0);
  } catch (error) {
    throw explainLastLogonError(error, server.dialect, server.where);
  } finally {
    await pool?.close().catch(() => undefined);
  }
}
