import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

/** Long enough to ride out another admin's bulk change; writes are short transactions. */
const BUSY_TIMEOUT_MS = 30_000;

export interface OpenOptions {
  /** Create the file (and its directory) when missing: `casctl init`. */
  create: boolean;
}

/**
 * Opens the SQLite directory store. The file is created in place with mode 0660 and never
 * replaced: Dovecot keeps reading the inode it opened, and shares the WAL with casctl.
 */
export function openDatabase(path: string, options: OpenOptions): Db {
  const exists = existsSync(path);
  if (!exists && !options.create) {
    throw new StoreError(
      `No directory store at '${path}'. Create one with 'casctl init' (or 'casctl init --sample' for the sample directory), or name an existing one with --store or CASCTL_STORE.`,
    );
  }
  if (!exists) createFile(path);
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new StoreError(`Cannot open the directory store '${path}': ${(error as Error).message}`);
  }
  // Filters compare non-ASCII text with the same folding as the in-memory evaluator.
  db.function('casctl_fold', { deterministic: true }, (value: unknown) => (value === null ? null : fold(String(value))));
  migrate(db, path, options.create);
  return db;
}

/**
 * SQLITE_BUSY after the busy timeout: another writer held the lock all that time. A store
 * problem to report (exit 3), never an internal error; anything else is passed through.
 */
export function busyAsStoreError(error: unknown, store: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_BUSY_SNAPSHOT' && code !== 'SQLITE_BUSY_TIMEOUT') return error;
  return new StoreError(
    `The store is busy: another casctl or Dovecot holds its write lock on ${store} (waited ${BUSY_TIMEOUT_MS / 1000} s). Nothing was changed; try again when it is done.`,
  );
}

function createFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'wx', 0o660));
    // The umask usually strips group write; the admin group and Dovecot need it.
    chmodSync(path, 0o660);
  } catch (error) {
    throw new StoreError(`Cannot create the directory store '${path}': ${(error as Error).message}`);
  }
}

function migrate(db: Db, path: string, allowed: boolean): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StoreError(
      `The directory store '${path}' has schema version ${version}, newer than this casctl understands (${MIGRATIONS.length}). Upgrade casctl.`,
    );
  }
  if (version === MIGRATIONS.length) return;
  if (version > 0 && !allowed && !isCasctlStore(db)) {
    throw new StoreError(`'${path}' is not a casctl directory store.`);
  }
  if (version === 0 && !allowed) {
    throw new StoreError(`'${path}' is not a casctl directory store (no schema). Create one with 'casctl init'.`);
  }
  // Each migration and its version bump commit together, so a crash never leaves half a schema.
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    throw busyAsStoreError(error, path);
  }
  try {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let next = current; next < MIGRATIONS.length; next++) {
      db.exec(MIGRATIONS[next] as string);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw new StoreError(`Cannot upgrade the directory store '${path}': ${(error as Error).message}`);
  }
}

function isCasctlStore(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mailboxes'`).get() !== undefined;
}
