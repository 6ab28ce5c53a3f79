import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LastLogonSource } from '../core/last-logons.js';
import { findDriver } from '../store/drivers.js';
import { openLastLogonSource } from '../store/last-logons.js';
import { sqlitePath } from '../store/sqlite/path.js';
import type { LastLogonOpenOptions } from '../store/store-driver.js';
import { storeUrl, type CasctlConfig } from './config.js';
import type { CommandContext } from './context.js';
import { configFor, type GlobalOptions } from './open.js';

/** How long logins are kept and shown unless "lastLogons" says otherwise: long enough for an `unusedFor` of months, not forever. */
export const DEFAULT_RETENTION_DAYS = 365;

/** What a command says when it needs recorded logins and there are none to read. */
export const NOT_RECORDED =
  'Logins are not recorded for this store, so casctl cannot tell who uses which protocol. Set Dovecot up to record them with casctl get-dovecotconfig --last-logons, or name the database Dovecot writes them to in "lastLogons" (or CASCTL_LAST_LOGONS).';

/** The database "lastLogons" (or CASCTL_LAST_LOGONS) names; undefined: none. */
function namedUrl(context: CommandContext, config: CasctlConfig): string | undefined {
  const fromEnv = context.env.CASCTL_LAST_LOGONS;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return config.lastLogons?.url;
}

/** `directory.db` → `directory.last-logons.db`, in the store's directory. */
export function defaultLastLogonsPath(storePath: string): string {
  return join(dirname(storePath), `${basename(storePath).replace(/\.(db|sqlite3?)$/i, '')}.last-logons.db`);
}

/**
 * Where the logins are when none is named, by the store's kind: for a SQLite store
 * `<store>.last-logons.db` beside it when that file exists; for an SQL server store its own
 * database when it has the table; for an LDAP store nowhere (a directory holds no logins).
 */
async function besideStore(context: CommandContext, options: GlobalOptions, config: CasctlConfig, open: Omit<LastLogonOpenOptions<unknown>, 'section'>): Promise<LastLogonSource | null> {
  const store = storeUrl(options.store, config, context.env);
  const driver = await findDriver(store);
  if (driver?.name === 'sqlite') {
    const beside = defaultLastLogonsPath(sqlitePath(store, context.cwd));
    return existsSync(beside) ? openLastLogonSource(`sqlite:${beside}`, { ...open, sections: config.sections }) : null;
  }
  if (driver?.lastLogons?.besideStore === undefined) return null;
  const section = driver.configSection === undefined ? undefined : config.sections[driver.configSection.name];
  return driver.lastLogons.besideStore(store, { ...open, section });
}

/**
 * The recorded logins, or null when the store has none (nothing records them yet). A database
 * that is named but cannot be read is a StoreError: an audit must not take "unreadable" for "unused".
 */
export async function openLastLogons(context: CommandContext, options: GlobalOptions): Promise<LastLogonSource | null> {
  const config = await configFor(context, options);
  const retention = config.lastLogons?.retentionDays;
  const open = { cwd: context.cwd, env: context.env, retentionDays: retention === undefined ? DEFAULT_RETENTION_DAYS : retention, now: context.now };
  const url = namedUrl(context, config);
  return url === undefined ? besideStore(context, options, config, open) : openLastLogonSource(url, { ...open, sections: config.sections });
}
