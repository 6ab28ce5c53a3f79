import { basename, dirname, join } from 'node:path';
import { recordedProtocols, type LastLogonProtocol, type LastLogonSource } from '../core/last-logons.js';
import { driverFor, findDriver } from '../store/drivers.js';
import { openLastLogonSource } from '../store/last-logons.js';
import { sqlitePath } from '../store/sqlite/path.js';
import { storeUrl, type CasctlConfig, type Origin } from './config.js';
import type { CommandContext } from './context.js';
import { configFor, type GlobalOptions } from './open.js';
import { traceFor } from './verbose.js';

/** How long logins are kept and shown unless "lastLogons" says otherwise: long enough for an `unusedFor` of months, not forever. */
export const DEFAULT_RETENTION_DAYS = 365;

/** What a command says when it needs recorded logins and there are none to read. */
export const NOT_RECORDED =
  'Logins are not recorded for this store, so casctl cannot tell who uses which protocol. Set Dovecot up to record them with casctl get-dovecotconfig --last-logons, or name the database Dovecot writes them to in "lastLogons" (or CASCTL_LAST_LOGONS).';

/**
 * Why a decision on a webmail protocol's logins (LastOwaLogonTime, unusedFor OWAEnabled) is
 * refused where no webmail networks are configured: its logins are then recorded as IMAP4's.
 */
export const webmailNotRecorded = (protocol: LastLogonProtocol): string =>
  `No webmail networks are configured, so the webmail's logins are recorded as ${protocol.dovecotServices.join(', ')} and nobody's ${protocol.lastLogonProperty} is known. ` +
  'Add "dovecot": {"webmailNetworks": [...]} to the configuration file and regenerate with get-dovecotconfig --last-logons; nothing was read or changed.';

/** The first of `protocols` whose logins are not recorded apart as the configuration stands (OWA without webmail networks); undefined: none. */
export async function unrecordedWebmail(context: CommandContext, options: GlobalOptions, protocols: readonly LastLogonProtocol[]): Promise<LastLogonProtocol | undefined> {
  if (protocols.length === 0 || (await configFor(context, options)).dovecot.webmailNetworks.length > 0) return undefined;
  const recorded = recordedProtocols(false);
  return protocols.find((p) => !recorded.includes(p));
}

/**
 * Where the logins are to be recorded, whether or not anything records them yet (get-dovecotconfig
 * --last-logons sets it up, prune-lastlogons prunes it): CASCTL_LAST_LOGONS, else the
 * configuration's "lastLogons" url, else by the store's kind (`beside`): for a SQLite store
 * `<store>.last-logons.db` beside it, for a SQL server store its own database (a table beside
 * casctl's, which the mail servers already reach). Undefined: none named, and an LDAP store (a
 * directory server holds no logins).
 */
export async function lastLogonsTarget(context: CommandContext, options: GlobalOptions, config: CasctlConfig): Promise<LastLogonsTarget | undefined> {
  const fromEnv = context.env.CASCTL_LAST_LOGONS;
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, beside: false, origin: { kind: 'environment', variable: 'CASCTL_LAST_LOGONS' } };
  if (config.lastLogons?.url !== undefined && config.path !== null) return { url: config.lastLogons.url, beside: false, origin: { kind: 'file', path: config.path } };
  const store = storeUrl(options.store, config, context.env);
  const driver = await findDriver(store);
  if (driver?.name === 'sqlite') return { url: `sqlite:${defaultLastLogonsPath(sqlitePath(store, context.cwd))}`, beside: true, origin: { kind: 'default' } };
  return driver?.lastLogons === undefined ? undefined : { url: store, beside: true, origin: { kind: 'default' } };
}

export interface LastLogonsTarget {
  url: string;
  /** The default place by the store's kind, not one named. */
  beside: boolean;
  origin: Origin;
}

/** `directory.db` → `directory.last-logons.db`, in the store's directory. */
export function defaultLastLogonsPath(storePath: string): string {
  return join(dirname(storePath), `${basename(storePath).replace(/\.(db|sqlite3?)$/i, '')}.last-logons.db`);
}

/**
 * The recorded logins, or null when the store has none (nothing records them yet: no file
 * beside a SQLite store, no table in a SQL server store's database). A database that is named
 * but cannot be read is a StoreError: an audit must not take "unreadable" for "unused".
 */
export async function openLastLogons(context: CommandContext, options: GlobalOptions): Promise<LastLogonSource | null> {
  const config = await configFor(context, options);
  const target = await lastLogonsTarget(context, options, config);
  if (target === undefined) return null;
  const retention = config.lastLogons?.retentionDays;
  const trace = traceFor(context, options);
  const open = { cwd: context.cwd, env: context.env, retentionDays: retention === undefined ? DEFAULT_RETENTION_DAYS : retention, now: context.now, ...(trace === undefined ? {} : { trace }) };
  if (!target.beside) return openLastLogonSource(target.url, { ...open, sections: config.sections });
  const driver = await driverFor(target.url);
  const section = driver.configSection === undefined ? undefined : config.sections[driver.configSection.name];
  return driver.lastLogons?.openIfRecorded(target.url, { ...open, section }) ?? null;
}
