import { chmodSync, chownSync, closeSync, existsSync, openSync, realpathSync, statSync } from 'node:fs';
import { StoreError, UsageError } from '../../core/errors.js';
import type { Trace } from '../../core/trace.js';
import { configValue } from '../../dovecot/config-value.js';
import type { LastLoginDictConnection } from '../sql/last-login-dict.js';
import type { LastLogonPrepared, LastLogonPrepareOptions } from '../store-driver.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE } from '../sql/last-logon-table.js';
import { LAST_LOGON_TABLE_DDL, RECORDING_SINCE_SQL } from './last-logons.js';
import { sqlitePath } from './path.js';
import { connect, openReadOnly, type Db } from './read-only.js';
import { BUSY_TIMEOUT_MS } from './sqlite-errors.js';
import { systemAccount, unreachableBy } from '../system-account.js';

/**
 * The logins database as a SQLite file that Dovecot's dict process writes and casctl reads. It
 * sits beside the directory store, in a directory Dovecot must not be able to write: whoever may
 * create files there can plant a journal or a WAL beside the store that SQLite would replay into
 * it. So the file and its `-wal` and `-shm` are created here, owned by the dict's user, mode
 * 0660 (the group: the admins, by the directory's setgid), and are never deleted: SQLite deletes
 * the WAL files when the last connection closes, and the dict could not create them again.
 */

const MODE = 0o660;
const WAL_FILES = ['-wal', '-shm'];

/**
 * Runs `work` on a writing connection while a reading one holds the database open: the writer,
 * not being the last to close, leaves the WAL files in place (a reader never deletes them).
 */
function withWriter<T>(path: string, work: (db: Db) => T, trace: Trace | undefined): T {
  const writer = connect(path, { fileMustExist: true }, trace);
  let keeper: Db | undefined;
  try {
    writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    writer.pragma('journal_mode = WAL');
    keeper = openReadOnly(path);
    return work(writer);
  } finally {
    writer.close();
    keeper?.close();
  }
}

/** Refuses the store itself, a file that is not SQLite, and a database with tables of its own. */
function checkExisting(path: string, storePath: string): void {
  if (existsSync(storePath) && realpathSync(path) === realpathSync(storePath)) {
    throw new UsageError(`"lastLogons" names the directory store itself (${storePath}): Dovecot must never write the store. Name a file of its own, or leave "url" out for <store>.last-logons.db beside the store.`);
  }
  let db: Db;
  try {
    db = openReadOnly(path);
  } catch (error) {
    throw new StoreError(`'${path}' is not a logins database casctl can use (${(error as Error).message}); nothing was changed.`);
  }
  try {
    const tables = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
    const others = tables.filter((t) => t !== LAST_LOGON_TABLE);
    if (others.length > 0) throw new StoreError(`'${path}' is not a logins database: it has tables ${others.join(', ')}. Name a file of its own in "lastLogons"; nothing was changed.`);
  } finally {
    db.close();
  }
}

/** Creates the file, its table and its WAL files if missing, owned by the dict's user; says what it did and what is left to the admin. */
export function prepareSqliteLastLogons(url: string, options: LastLogonPrepareOptions<unknown>): LastLogonPrepared {
  const path = sqlitePath(url, options.cwd);
  const account = systemAccount(options.dictUser, "--dict-user, the user Dovecot's dict runs as,");
  const done: string[] = [];
  const warnings: string[] = [];
  if (existsSync(path)) checkExisting(path, sqlitePath(options.storeUrl, options.cwd));
  else {
    try {
      closeSync(openSync(path, 'wx', MODE));
    } catch (error) {
      throw new StoreError(`Cannot create the logins database '${path}': ${(error as Error).message}`);
    }
    done.push(`Created ${path} for Dovecot to record logins in.`);
  }
  // The owner first: SQLite, run by root, gives the WAL files it creates the database's owner and mode.
  const files = [path, ...WAL_FILES.map((suffix) => `${path}${suffix}`)];
  // Only what differs: an admin who is not root may re-run this on files already the dict's.
  const own = (file: string): boolean => {
    try {
      const st = statSync(file);
      if ((st.mode & 0o777) !== MODE) chmodSync(file, MODE);
      if (st.uid !== account.uid) chownSync(file, account.uid, -1);
      return true;
    } catch {
      return false;
    }
  };
  own(path);
  try {
    withWriter(path, (db) => {
      db.exec(LAST_LOGON_TABLE_DDL);
      db.prepare(RECORDING_SINCE_SQL).run(Math.floor(options.now.getTime() / 1000));
    }, options.trace);
  } catch (error) {
    throw new StoreError(`Cannot set up the logins database '${path}': ${(error as Error).message}`);
  }
  // A new file's WAL files go with its last connection: made here, empty, for the dict to use.
  for (const file of files.slice(1)) {
    if (!existsSync(file)) closeSync(openSync(file, 'a', MODE));
  }
  const refused = files.filter((file) => !own(file));
  if (refused.length > 0) {
    warnings.push(`Dovecot's dict cannot write the logins yet: casctl may not hand the files to ${account.name}. As root: chown ${account.uid} ${refused.join(' ')} && chmod 0660 ${refused.join(' ')}`);
  }
  const reach = unreachableBy(path, account, "Dovecot's dict");
  if (reach !== null) warnings.push(reach);
  return { done, warnings };
}

/** Names per statement: each is a short transaction of its own, so Dovecot's dict (busy timeout 1 s) never waits long. */
const PRUNE_BATCH = 5000;

/** Deletes (or counts) the logins older than `before`, a batch at a time. */
export function pruneSqliteLastLogons(url: string, cwd: string, before: Date, whatIf: boolean, trace?: Trace): number {
  const path = sqlitePath(url, cwd);
  if (!existsSync(path)) throw new StoreError(`No logins are recorded in '${path}': the file does not exist. Create it and let Dovecot write it with casctl get-dovecotconfig --last-logons --write.`);
  const cutoff = Math.floor(before.getTime() / 1000);
  try {
    if (whatIf) {
      const db = openReadOnly(path, trace);
      try {
        return db.prepare<[number], number>(`SELECT count(*) FROM ${LAST_LOGON_TABLE} WHERE ${C.time} < ?`).pluck().get(cutoff) ?? 0;
      } finally {
        db.close();
      }
    }
    return withWriter(path, (db) => {
      const key = `${C.username}, ${C.service}, ${C.clientAddress}`;
      const batch = db.prepare(`DELETE FROM ${LAST_LOGON_TABLE} WHERE (${key}) IN (SELECT ${key} FROM ${LAST_LOGON_TABLE} WHERE ${C.time} < ? LIMIT ${PRUNE_BATCH})`);
      let deleted = 0;
      for (;;) {
        const { changes } = batch.run(cutoff);
        deleted += changes;
        if (changes < PRUNE_BATCH) return deleted;
      }
    }, trace);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Cannot prune the logins in '${path}': ${(error as Error).message}`);
  }
}

/** Dovecot's sqlite driver on the file, from the dict process. */
export function sqliteDictConnection(url: string, cwd: string): LastLoginDictConnection {
  const path = configValue('The logins database path', sqlitePath(url, cwd));
  return {
    engine: 'SQLite',
    driver23: 'sqlite',
    connection23: [`connect = ${path}`],
    connection24: ['sql_driver = sqlite', `sqlite_path = ${path}`, 'sqlite_journal_mode = wal'],
  };
}
