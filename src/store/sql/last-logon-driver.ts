import { dovecotLookupAccount, dovecotSqlUser, type DovecotLookupAccount } from './dovecot-lookup.js';
import type { LastLogonDriver, LastLogonTargetOptions } from '../store-driver.js';
import type { SqlPool } from './client.js';
import type { LastLogonTableSql } from './create-last-logon-table.js';
import type { SqlDialect } from './dialect.js';
import type { LastLoginDictConnection } from './last-login-dict.js';
import type { SqlConfigSection } from './server-settings.js';

/** A SQL server's database as the place logins are recorded: how to reach it, from its URL alone (credentials are read when connecting). */
export interface SqlLastLogonServer {
  /**
   * Connects as the URL's user, with the credentials a store of the kind takes (read from the
   * options' environment and section): read-only to read, as casctl never writes the recorded
   * logins, read-write to create the table and to prune it.
   */
  connect(readOnly: boolean, options: LastLogonTargetOptions<SqlConfigSection>): Promise<SqlPool>;
  /** The URL's user: casctl's account on that server. */
  user: string;
  dialect: SqlDialect;
  /** The database as messages name it (no password). */
  where: string;
  /** The table on this engine, with the grant for Dovecot's account. */
  table(dovecotUser: string): LastLogonTableSql;
  /** How Dovecot's SQL dict connects to the database, as its account. */
  dict(account: DovecotLookupAccount): LastLoginDictConnection;
  /** A query whose one row's `ro` is true on a server that takes no writes (a standby, a read-only replica). */
  readOnlyQuery: string;
  /** A DELETE of at most `limit` of the rows older than the time bound to placeholder 1 (engines limit a DELETE each their own way). */
  pruneBatch(limit: number): string;
}

/**
 * The recorded logins on a SQL server, for a driver that says how to reach its engine: a
 * database named by "lastLogons", or by default the store's own. Dovecot writes as its own
 * account (CASCTL_DOVECOT_SQL_USER, CASCTL_DOVECOT_SQL_PASSWORD_FILE), as its passdb reads a SQL
 * store. Light, as the drivers are: the rest loads when a database is used.
 */
export function sqlLastLogonDriver(server: (url: string) => Promise<SqlLastLogonServer>): LastLogonDriver<SqlConfigSection> {
  const reader = () => import('./last-logons.js');
  return {
    async open(url, options) {
      const [how, { openSqlLastLogons }] = await Promise.all([server(url), reader()]);
      return openSqlLastLogons(how, options);
    },
    async openIfRecorded(url, options) {
      const [how, { sqlLastLogonsIfRecorded }] = await Promise.all([server(url), reader()]);
      return sqlLastLogonsIfRecorded(how, options);
    },
    async dictConnection(url, options) {
      const how = await server(url);
      return how.dict(dovecotLookupAccount(options.env, options.cwd, how.user));
    },
    async prepare(url, options) {
      const [how, { prepareSqlLastLogons }] = await Promise.all([server(url), import('./create-last-logon-table.js')]);
      return prepareSqlLastLogons(how, options, dovecotSqlUser(options.env, how.user));
    },
    async prune(url, options, before, whatIf) {
      const [how, { pruneSqlLastLogons }] = await Promise.all([server(url), import('./prune-last-logons.js')]);
      return pruneSqlLastLogons(how, options, before, whatIf);
    },
  };
}
