import { StoreError } from '../core/errors.js';
import type { LastLogonSource } from '../core/last-logons.js';
import { driverFor } from './drivers.js';
import type { LastLogonOpenOptions } from './store-driver.js';

/**
 * Opens the database Dovecot records logins in, by its URL: a SQLite file, or a SQL server the
 * mail servers share. Each driver whose kind of database can hold them serves its own scheme.
 */
export async function openLastLogonSource(url: string, options: Omit<LastLogonOpenOptions<unknown>, 'section'> & { sections: Readonly<Record<string, unknown>> }): Promise<LastLogonSource> {
  const driver = await driverFor(url);
  if (driver.lastLogons === undefined) {
    throw new StoreError(`"lastLogons" names '${url}', a ${driver.name} database, which cannot hold the logins Dovecot records: name a SQLite file or a SQL server.`);
  }
  const section = driver.configSection === undefined ? undefined : options.sections[driver.configSection.name];
  return driver.lastLogons.open(url, { cwd: options.cwd, env: options.env, section, retentionDays: options.retentionDays, now: options.now });
}
