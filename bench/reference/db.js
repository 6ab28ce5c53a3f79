// The reference scripts open the store exactly as casctl does (src/store/sqlite/connection.ts):
// WAL, busy timeout, foreign keys on. The schema itself always comes from `casctl init`.
import Database from 'better-sqlite3';

export function openStore(path) {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 30000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * The writers' one tuning: a 512 MiB page cache (SQLite's default is 2 MiB). A bulk write into a
 * 1M-row store touches the B-trees of ten indexes at random; with the default cache each miss is a
 * pread() of a page the OS already holds, and a 1M-row import spends ~45 s of system time on them
 * (108 s in all, 54 s with the bigger cache, measured here). casctl can set the same pragma.
 */
export function bulkCache(db) {
  db.pragma('cache_size = -524288');
}

/** BEGIN IMMEDIATE ... COMMIT, as casctl's writers do; ROLLBACK on any error. */
export function immediate(db, work) {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
