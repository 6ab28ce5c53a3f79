import type { LastLogonDriver } from '../store-driver.js';
import type { SqlLastLogonServer } from './last-logons.js';
import type { SqlConfigSection } from './server-settings.js';

/**
 * The recorded logins on an SQL server, for a driver that says how to reach its engine (`server`:
 * from the URL alone; the credentials are read when connecting): a database named by
 * "lastLogons", or by default the store's own. Light, as the drivers are: the reader loads when
 * a database is opened.
 */
export function sqlLastLogonDriver(server: (url: string) => Promise<SqlLastLogonServer>): LastLogonDriver<SqlConfigSection> {
  const reader = () => import('./last-logons.js');
  return {
    async open(url, options) {
      const [how, { openSqlLastLogons }] = await Promise.all([server(url), reader()]);
      return openSqlLastLogons(how, options);
    },
    async besideStore(url, options) {
      const [how, { sqlLastLogonsIfPresent }] = await Promise.all([server(url), reader()]);
      return sqlLastLogonsIfPresent(how, options);
    },
    table: {
      statements: async (url, dovecotUser) => (await server(url)).table(dovecotUser),
      async create(url, options, dovecotUser) {
        const [how, { createSqlLastLogonTable }] = await Promise.all([server(url), reader()]);
        return createSqlLastLogonTable(how, options, dovecotUser);
      },
    },
  };
}
