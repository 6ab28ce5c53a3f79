import { StoreError, UsageError } from '../../core/errors.js';
import type { LastLogonPrepared, LastLogonPrepareOptions } from '../store-driver.js';
import type { SqlPool } from './client.js';
import type { SqlLastLogonServer } from './last-logon-driver.js';
import { explainLastLogonError } from './last-logon-errors.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE, RECORDING_SINCE } from './last-logon-table.js';
import type { SqlConfigSection } from './server-settings.js';

/**
 * The table Dovecot records logins in, on one engine: created by casctl's account (Dovecot's
 * dict creates no tables), written by Dovecot's, which gets SELECT, INSERT and UPDATE on it and
 * nothing else: its dict upserts a row per login and reads it back, and a mail server that may
 * write the logins may still not write the directory.
 */
export interface LastLogonTableSql {
  /** `CREATE TABLE IF NOT EXISTS`: running it again changes nothing. */
  create: string;
  /** The grant to Dovecot's account. */
  grant: string;
  /**
   * casctl's account may run the grant itself: it owns the table it created (PostgreSQL). Not
   * on MariaDB/MySQL, where an account is user@host, the admin's to name, and granting needs
   * GRANT OPTION that casctl's account is not given.
   */
  casctlGrants: boolean;
}

/**
 * get-dovecotconfig --last-logons --write on a SQL server: creates the table when it is missing,
 * as casctl's account, and lets Dovecot's account (`dovecotUser`) write it where casctl may;
 * what is left is a warning with the statement for the admin. When Dovecot writes as casctl's
 * own account, no grant is needed. The store's own database may hold the table: the logins are a
 * table of their own there, and Dovecot's account gets nothing on the directory's.
 */
export async function prepareSqlLastLogons(server: SqlLastLogonServer, options: LastLogonPrepareOptions<SqlConfigSection>, dovecotUser: string): Promise<LastLogonPrepared> {
  const table = server.table(dovecotUser);
  const done: string[] = [];
  const warnings: string[] = [];
  let pool: SqlPool | undefined;
  try {
    pool = await server.connect(false, options);
    const [mode] = await pool.query<{ ro: unknown }>(server.readOnlyQuery);
    if (Number(mode?.ro) === 1) {
      throw new UsageError(
        `${server.where} takes no writes (a standby or a read-only replica): Dovecot's dict must record the logins on the primary, which the mail servers share. Name it in "lastLogons": {"url": ...} in the configuration file (a SQL store's own database is the default only where --store names the primary).`,
      );
    }
    if (!(await hasTable(pool, server))) {
      await pool.execute(table.create);
      done.push(`Created the table ${LAST_LOGON_TABLE} in ${server.where} for Dovecot to record logins in.`);
    }
    await markRecordingSince(pool, server, options.now);
    if (dovecotUser === server.user) {
      warnings.push(`Dovecot records logins as casctl's own account ${server.user}: set CASCTL_DOVECOT_SQL_USER (and CASCTL_DOVECOT_SQL_PASSWORD_FILE) to an account of its own, which gets SELECT, INSERT and UPDATE on ${LAST_LOGON_TABLE} only.`);
    } else if (table.casctlGrants) {
      await pool.execute(table.grant);
      done.push(`Let ${dovecotUser} record logins: SELECT, INSERT and UPDATE on ${LAST_LOGON_TABLE}, nothing else.`);
    } else {
      warnings.push(`Dovecot's account ${dovecotUser} cannot record logins until an admin runs (naming its host instead of '%' where it has one): ${table.grant};`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (server.dialect.classify(error) !== 'readOnly') throw explainLastLogonError(error, server.dialect, server.where);
    throw new StoreError(
      `casctl's account ${server.user} may not create the table ${LAST_LOGON_TABLE} in ${server.where}, or grant Dovecot's account on it (${server.dialect.name}: ${(error as Error).message}). Run as the database's owner, then again with --write:\n${table.create};\n${table.grant};`,
    );
  } finally {
    await pool?.close().catch(() => undefined);
  }
  return { done, warnings };
}

/** Records when recording began (RECORDING_SINCE), once: a later --write keeps the first time; two at once keep one. */
async function markRecordingSince(pool: SqlPool, server: SqlLastLogonServer, now: Date): Promise<void> {
  const p = (n: number): string => server.dialect.placeholder(n);
  const [known] = await pool.query(`SELECT 1 AS present FROM ${LAST_LOGON_TABLE} WHERE ${C.username} = ${p(1)} AND ${C.service} = ${p(2)}`, [RECORDING_SINCE.username, RECORDING_SINCE.service]);
  if (known !== undefined) return;
  try {
    await pool.execute(
      `INSERT INTO ${LAST_LOGON_TABLE} (${C.username}, ${C.service}, ${C.clientAddress}, ${C.time}) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
      [RECORDING_SINCE.username, RECORDING_SINCE.service, RECORDING_SINCE.clientAddress, Math.floor(now.getTime() / 1000)],
    );
  } catch (error) {
    if (server.dialect.classify(error) !== 'unique') throw error;
  }
}

async function hasTable(pool: SqlPool, server: SqlLastLogonServer): Promise<boolean> {
  try {
    await pool.query(`SELECT 1 AS present FROM ${LAST_LOGON_TABLE} WHERE 1 = 0`);
    return true;
  } catch (error) {
    if (server.dialect.classify(error) === 'noSuchTable') return false;
    throw error;
  }
}
