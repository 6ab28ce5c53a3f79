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
