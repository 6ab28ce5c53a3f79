import { existsSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import type { LastLogonProtocol, LastLogonSource, MailboxLastLogons } from '../../core/last-logons.js';
import { LAST_LOGON_PROTOCOLS } from '../../core/last-logons.js';
import type { LastLogonOpenOptions } from '../store-driver.js';
import { LAST_LOGON_TABLE } from '../sql/last-logon-table.js';
import { sqlitePath } from './path.js';
import { openReadOnly, type Db } from './read-only.js';

/**
 * The table Dovecot's SQL dict writes at each login (the last_login plugin's key
 * `last-login/<service>/<user>/<remote ip>` mapped onto its columns): one row per mailbox, service
 * and client address, the time in seconds since the epoch. The client address is part of the
 * key because Dovecot's dict writes with an upsert on every key field.
 */
export { LAST_LOGON_TABLE };

/** The table as casctl creates it for Dovecot to write (Dovecot's dict creates no tables). */
export const LAST_LOGON_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${LAST_LOGON_TABLE} (
  username TEXT NOT NULL,
  service TEXT NOT NULL,
  client_address TEXT NOT NULL DEFAULT '',
  last_logon INTEGER NOT NULL,
  PRIMARY KEY (username, service, client_address)
) WITHOUT ROWID`;

interface LogonRow {
  user: string;
  service: string;
  time: number;
  address: string;
}

/** Names per query: SQLite's default limit on bound parameters is 32,766. */
const BATCH = 500;

const serviceProtocol = new Map<string, LastLogonProtocol['name']>(LAST_LOGON_PROTOCOLS.flatMap((p) => p.dovecotServices.map((service) => [service, p.name] as const)));

/** The logins recorded in a SQLite file of their own, read without writing to it. */
export async function openSqliteLastLogons(url: string, options: LastLogonOpenOptions<unknown>): Promise<LastLogonSource> {
  const path = sqlitePath(url, options.cwd);
  if (!existsSync(path)) {
    throw new StoreError(`No logins are recorded in '${path}': the file does not exist. Create it and let Dovecot write it with casctl get-dovecotconfig --last-logons --write.`);
  }
  let db: Db;
  try {
    db = openReadOnly(path);
    db.prepare(`SELECT 1 FROM ${LAST_LOGON_TABLE} LIMIT 0`).all();
  } catch (error) {
    throw new StoreError(`Cannot read the recorded logins in '${path}': ${(error as Error).message}.`);
  }
  const cutoff = options.retentionDays === null ? 0 : Math.floor(options.now().getTime() / 1000) - options.retentionDays * 86_400;
  const statements = new Map<number, Statement<unknown[], LogonRow>>();
  const statement = (count: number): Statement<unknown[], LogonRow> => {
    let prepared = statements.get(count);
    if (prepared === undefined) {
      // The bare client_address beside max() is SQLite's documented pick: the row holding the maximum.
      prepared = db.prepare<unknown[], LogonRow>(
        `SELECT username AS user, service, max(last_logon) AS time, client_address AS address FROM ${LAST_LOGON_TABLE}` +
          ` WHERE username IN (${Array.from({ length: count }, () => '?').join(',')}) AND last_logon >= ? GROUP BY username, service`,
      );
      statements.set(count, prepared);
    }
    return prepared;
  };
  return {
    where: path,
    retentionDays: options.retentionDays,
    async lastLogons(users) {
      // Dovecot records its canonical user: the stored address as the passdb returned it, or the
      // login lower-cased (auth_username_format %Lu) where a passdb returns none. Both forms are
      // looked up by the table's key, never by a scan, and matched without regard to case here.
      const byKey = new Map<string, string[]>();
      const names = new Set<string>();
      for (const user of users) {
        const key = user.toLowerCase();
        names.add(user).add(key);
        const given = byKey.get(key);
        if (given === undefined) byKey.set(key, [user]);
        else if (!given.includes(user)) given.push(user);
      }
      const found = new Map<string, MailboxLastLogons>();
      const asked = [...names];
      for (let start = 0; start < asked.length; start += BATCH) {
        const chunk = asked.slice(start, start + BATCH);
        const rows = statement(chunk.length).all(...chunk, cutoff);
        for (const row of rows) {
          const protocol = serviceProtocol.get(row.service);
          if (protocol === undefined) continue;
          const logon = { time: new Date(row.time * 1000), clientAddress: row.address === '' ? null : row.address };
          for (const user of byKey.get(row.user.toLowerCase()) ?? []) {
            const logons = found.get(user) ?? {};
            const known = logons[protocol];
            // The same mailbox under both spellings, or two services of one protocol: the later login counts.
            if (known === undefined || known.time < logon.time) logons[protocol] = logon;
            found.set(user, logons);
          }
        }
      }
      return found;
    },
    async close() {
      db.close();
    },
  };
}
