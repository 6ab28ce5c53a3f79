import { StoreError } from '../core/errors.js';
import type { StoreDriver } from './store-driver.js';

export type DriverLoader = () => Promise<StoreDriver>;

const loadSqlite: DriverLoader = async () => (await import('./sqlite/driver.js')).sqliteDriver;
const loadLdap: DriverLoader = async () => (await import('./ldap/driver.js')).ldapDriver;
const loadPostgres: DriverLoader = async () => (await import('./postgres/driver.js')).postgresDriver;
const loadMysql: DriverLoader = async () => (await import('./mysql/driver.js')).mysqlDriver;

/** URL scheme → the driver that serves it, loaded on first use. A new store is one driver folder and its schemes here. */
export const STORE_DRIVERS: Readonly<Record<string, DriverLoader>> = Object.freeze({
  sqlite: loadSqlite,
  ldap: loadLdap,
  ldaps: loadLdap,
  postgres: loadPostgres,
  postgresql: loadPostgres,
  mysql: loadMysql,
  mariadb: loadMysql,
});

/** What a URL without a scheme (a file path) names. */
const PLAIN_PATH_SCHEME = 'sqlite';

/** The URL's scheme, lower case; a plain path (`casctl.db`, `/var/lib/x.db`, `C:\x.db`) counts as the plain-path scheme. */
function schemeOf(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme?.[1] === undefined || /^[a-z]:[\\/]/i.test(url)) return PLAIN_PATH_SCHEME;
  return scheme[1].toLowerCase();
}

/** The driver for the URL's scheme, or null when no driver serves it. */
export async function findDriver(url: string): Promise<StoreDriver | null> {
  const scheme = schemeOf(url);
  const load = Object.hasOwn(STORE_DRIVERS, scheme) ? STORE_DRIVERS[scheme] : undefined;
  return load === undefined ? null : load();
}

/** The driver for the URL's scheme; a StoreError that lists the stores there are when none serves it. */
export async function driverFor(url: string): Promise<StoreDriver> {
  const driver = await findDriver(url);
  if (driver !== null) return driver;
  const forms = (await allDrivers()).flatMap((d) => d.urlForms);
  const listed = forms.length > 1 ? `${forms.slice(0, -1).join(', ')} or ${forms.at(-1) ?? ''}` : forms.join('');
  throw new StoreError(`Unsupported store URL '${url}': casctl stores are ${listed}.`);
}

/** Every registered driver once, in registration order. */
export async function allDrivers(): Promise<StoreDriver[]> {
  const loaded = await Promise.all([...new Set(Object.values(STORE_DRIVERS))].map((load) => load()));
  return [...new Set(loaded)];
}
