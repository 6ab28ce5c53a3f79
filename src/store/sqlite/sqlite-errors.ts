import { StoreError } from '../../core/errors.js';

/** Long enough to ride out another admin's bulk change; writes are short transactions. */
export const BUSY_TIMEOUT_MS = 30_000;

/** Another writer held the store's write lock for the whole busy timeout. */
export function storeBusy(path: string): StoreError {
  return new StoreError(
    `The store is busy: another casctl or Dovecot holds its write lock on ${path} (waited ${BUSY_TIMEOUT_MS / 1000} s). Nothing was changed; try again when it is done.`,
  );
}

/**
 * What SQLite reports about the store file itself (busy, full, damaged, unreadable) is a store
 * problem, exit 3, explained with what to do; anything else passes through (a bug: exit 70).
 * Every write runs in one transaction that SQLite rolls back when it fails, so each message can
 * promise that nothing was changed.
 */
export function explainSqliteError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const sqlite = `SQLite: ${(error as Error).message}, ${code}`;
  // The primary code: SQLITE_IOERR_WRITE and SQLITE_IOERR_FSYNC say the same to an admin.
  switch (code.split('_').slice(0, 2).join('_')) {
    case 'SQLITE_BUSY':
      return storeBusy(path);
    case 'SQLITE_FULL':
      return new StoreError(
        `The disk holding the store ${path} is full: nothing was changed (the transaction was rolled back). Free space on that filesystem (a change needs room for its write-ahead log, ${path}-wal, beside the store) and try again.`,
      );
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new StoreError(
        `The store ${path} is damaged (${sqlite}). Nothing was changed. Restore it from a backup; \`sqlite3 ${path} .recover\` may save its data into a new file.`,
      );
    case 'SQLITE_IOERR':
      return new StoreError(
        `Reading or writing the store ${path} failed (${sqlite}): nothing was changed (the transaction was rolled back). Check the disk and its filesystem (dmesg), then try again.`,
      );
    case 'SQLITE_READONLY':
      return readOnlyStore(path, ` (${sqlite})`);
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
      return new StoreError(
        `Cannot open the store ${path} (${sqlite}): check that the file and its directory exist and that you may read them (and, to change it, write them).`,
      );
    case 'SQLITE_ERROR':
      if (/^no such (table|column)/.test((error as Error).message)) {
        return new StoreError(
          `The store ${path} lacks part of casctl's schema (${sqlite}): it was altered by hand, or it is not a casctl store. Nothing was changed. Restore it from a backup, or create a new store with 'casctl init' and import the directory into it.`,
        );
      }
      return error;
    default:
      return error;
  }
}

/** A changing command on a store the user may only read: said before it plans anything. */
export function readOnlyStore(path: string, detail = ''): StoreError {
  return new StoreError(
    `The store ${path} is read-only for you${detail}: nothing was changed. A change needs write access to the store and to its directory (SQLite keeps ${path}-wal and ${path}-shm beside it); run it as a user who can write them. Commands that only read (get-*, audit without --fix) work as they are.`,
  );
}
