import { StoreError, UsageError } from '../core/errors.js';
import type { LastLogonSource } from '../core/last-logons.js';
import type { IpNetwork } from '../core/ip-networks.js';
import type { Trace } from '../core/trace.js';
import type { DovecotVersion } from '../dovecot/version.js';
import { driverFor } from './drivers.js';
import { lastLoginFiles, type LastLoginFiles } from './sql/last-login-dict.js';
import type { Environment, LastLogonDriver, LastLogonOpenOptions } from './store-driver.js';

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
  const { cwd, env, retentionDays, now, trace } = options;
  return driver.lastLogons.open(url, { cwd, env, section, retentionDays, now, ...(trace === undefined ? {} : { trace }) });
}

/** The logins database of a URL, with what its driver needs to set it up and prune it. */
export interface LastLogonTarget {
  url: string;
  driver: LastLogonDriver<unknown>;
  /** The driver's section of the configuration file (credentials). */
  section: unknown;
  cwd: string;
  env: Environment;
  /** --verbose: where the statements sent to the database are shown. */
  trace?: Trace;
}

/** The driver that serves the logins database `url`; a UsageError for a kind of database Dovecot's SQL dict cannot write. */
export async function lastLogonTarget(url: string, options: { cwd: string; env: Environment; sections: Readonly<Record<string, unknown>>; trace?: Trace | undefined }): Promise<LastLogonTarget> {
  const driver = await driverFor(url);
  if (driver.lastLogons === undefined) {
    throw new UsageError(`"lastLogons" names '${url}', a ${driver.name} database, which Dovecot's SQL dict cannot record logins in: name a SQLite file or a SQL server.`);
  }
  const section = driver.configSection === undefined ? undefined : options.sections[driver.configSection.name];
  const { cwd, env, trace } = options;
  return { url, driver: driver.lastLogons, section, cwd, env, ...(trace === undefined ? {} : { trace }) };
}

/** get-dovecotconfig --last-logons: Dovecot's files that record the logins in the target's database. */
export async function lastLogonDovecotFiles(target: LastLogonTarget, request: { version: DovecotVersion; directory: string; mailUser: string; webmailNetworks: readonly IpNetwork[] }): Promise<LastLoginFiles> {
  const connection = await target.driver.dictConnection(target.url, { cwd: target.cwd, env: target.env, section: target.section });
  return lastLoginFiles({ ...request, connection });
}
