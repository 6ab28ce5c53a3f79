import type { SqlSession } from './client.js';

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

/** What creating the table did, and what is left for the admin. */
export interface LastLogonTableResult {
  /** The grant for the admin to run, when casctl could not. */
  grantToRun: string | null;
}

/**
 * Creates the table when it is missing and, where casctl may, lets Dovecot's account write it.
 * `dovecotUser` null: Dovecot writes as casctl's own account, which needs no grant.
 */
export async function createLastLogonTable(session: SqlSession, table: LastLogonTableSql, dovecotUser: string | null): Promise<LastLogonTableResult> {
  await session.execute(table.create);
  if (dovecotUser === null) return { grantToRun: null };
  if (!table.casctlGrants) return { grantToRun: table.grant };
  await session.execute(table.grant);
  return { grantToRun: null };
}
