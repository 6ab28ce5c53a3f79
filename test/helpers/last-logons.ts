import Database from 'better-sqlite3';
import { LAST_LOGON_TABLE, LAST_LOGON_TABLE_DDL } from '../../src/store/sqlite/last-logons.js';

/** A login as Dovecot's dict writes it: the canonical user, the Dovecot service, the client's address and when. */
export interface RecordedLogon {
  user: string;
  service: string;
  clientAddress?: string;
  time: Date;
}

/** Writes logins into a SQLite last-logons file (creating it and its table), as Dovecot's last_login plugin would. */
export function recordLogons(path: string, logons: readonly RecordedLogon[]): void {
  const db = new Database(path);
  try {
    db.exec(LAST_LOGON_TABLE_DDL);
    const upsert = db.prepare(
      `INSERT INTO ${LAST_LOGON_TABLE} (username, service, client_address, last_logon) VALUES (?, ?, ?, ?)` +
        ' ON CONFLICT (username, service, client_address) DO UPDATE SET last_logon = excluded.last_logon',
    );
    db.transaction(() => {
      for (const logon of logons) upsert.run(logon.user, logon.service, logon.clientAddress ?? '', Math.floor(logon.time.getTime() / 1000));
    })();
  } finally {
    db.close();
  }
}
