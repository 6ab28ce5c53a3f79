import { existsSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { configValue } from '../../dovecot/config-value.js';
import type { StoreDriver } from '../store-driver.js';
import { sqlitePath } from './path.js';

/** A SQLite file: `sqlite:<path>` or a plain path. It has no configuration section. */
export const sqliteDriver: StoreDriver = {
  name: 'sqlite',
  schemes: ['sqlite'],
  urlForms: ["'sqlite:<path>' (or a plain file path)"],
  resolveUrl: (url, directory) => `sqlite:${sqlitePath(url, directory)}`,
  async open(url, options) {
    // One file has no replica to read from: a read URL would be a second store, silently.
    if (options.readUrl !== undefined) throw new UsageError(`A SQLite store has no replicas: remove "readStore" (${options.readUrl}) from the configuration.`);
    if (options.profile !== undefined) throw new UsageError(`--profile maps an existing directory; a SQLite store is always casctl's own schema.`);
    const path = sqlitePath(url, options.cwd);
    const { SqliteStore } = await import('./sqlite-store.js');
    return SqliteStore.open(`sqlite:${path}`, path, options);
  },
  async dovecotConfig(request) {
    if (request.servers !== undefined || request.lookupAccount !== undefined) {
      throw new UsageError('--ldap-uri and --ldap-bind-dn are for an LDAP store: Dovecot reads a SQLite store from its file.');
    }
    const databasePath = configValue('The store path', sqlitePath(request.url, request.cwd));
    const { sqlAuthFiles } = await import('./sql-auth-config.js');
    return sqlAuthFiles({ version: request.version, databasePath, directory: request.directory, reason: request.reason, webmailNetworks: request.webmailNetworks });
  },
  lastLogons: {
    async open(url, options) {
      const { openSqliteLastLogons } = await import('./last-logons.js');
      return openSqliteLastLogons(url, options);
    },
    async openIfRecorded(url, options) {
      // No file yet: Dovecot records nothing beside this store.
      if (!existsSync(sqlitePath(url, options.cwd))) return null;
      const { openSqliteLastLogons } = await import('./last-logons.js');
      return openSqliteLastLogons(url, options);
    },
    async dictConnection(url, options) {
      const { sqliteDictConnection } = await import('./last-logons-file.js');
      return sqliteDictConnection(url, options.cwd);
    },
    async prepare(url, options) {
      const { prepareSqliteLastLogons } = await import('./last-logons-file.js');
      return prepareSqliteLastLogons(url, options);
    },
    async prune(url, options, before, whatIf) {
      const { pruneSqliteLastLogons } = await import('./last-logons-file.js');
      return pruneSqliteLastLogons(url, options.cwd, before, whatIf, options.trace);
    },
  },
};
