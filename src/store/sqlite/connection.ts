import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import type { Trace } from '../../core/trace.js';
import { connect, openReadOnly, type Db } from './read-only.js';
import { MIGRATIONS } from './schema.js';
import { BUSY_TIMEOUT_MS, explainSqliteError, readOnlyStore } from './sqlite-errors.js';

export type { Db } from './read-only.js';

/** `read`: the command never writes, so a store the user may only read will do. `create`: `casctl init`. */
export type StoreAccess = 'read' | 'write' | 'create';

/** SQLite's private in-memory database: a whole store for unit tests, gone when it is closed. */
export const IN_MEMORY = ':memory:';

/**
 * Opens the SQLite directory store. The file is created in place with mode 0660 and never
 * replaced: Dovecot keeps reading the inode it opened, and shares the WAL with casctl. Its schema
 * is checked on a read-only connection first, so that a file that is not a casctl store is left
 * byte for byte as it was.
 */
export function openDatabase(path: string, access: StoreAccess, trace?: Trace): Db {
  if (path === IN_MEMORY) return openInMemory(trace);
  const exists = existsSync(path);
  if (!exists && access !== 'create') {
    throw new StoreError(
      `No directory store at '${path}'. Create one with 'casctl init' (or 'casctl init --sample' for the sample directory), or name an existing one with --store or CASCTL_STORE.`,
    );
  }
  if (!exists) createFile(path);
  try {
    const reader = withFunctions(inspectable(path, trace));
    let pending: number;
    try {
      pending = pendingMigrations(reader, path, access);
    } catch (error) {
      reader.close();
      throw error;
    }
    if (access === 'read' && pending === 0) return reader;
    reader.close();
    if (!writable(path)) {
      throw access === 'read'
        ? new StoreError(
            `The store ${path} needs upgrading to this casctl's schema (version ${MIGRATIONS.length - pending} of ${MIGRATIONS.length}), and you may only read it: run any changing command (or 'casctl init') once as a user who can write it.`,
          )
        : readOnlyStore(path);
    }
    const db = withFunctions(connect(path, { fileMustExist: true }, trace));
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    if (pending > 0) migrate(db, path);
    return db;
  } catch (error) {
    throw explainSqliteError(error, path);
  }
}

/** No file to check or protect, no WAL to share: only the schema and the settings a store relies on. */
function openInMemory(trace: Trace | undefined): Db {
  const db = withFunctions(connect(IN_MEMORY, {}, trace));
  db.pragma('foreign_keys = ON');
  migrate(db, IN_MEMORY);
  return db;
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

/** The file opened read-only, or, when it is not SQLite's, the reason it is not a store. */
function inspectable(path: string, trace: Trace | undefined): Db {
  try {
    return openReadOnly(path, trace);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_NOTADB') throw error;
    throw notCasctlStore(path, 'it is not an SQLite database, or its header is damaged');
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Filters compare non-ASCII text with the same folding as the in-memory evaluator. */
function withFunctions(db: Db): Db {
  db.function('casctl_fold', { deterministic: true }, (value: unknown) => (value === null ? null : fold(String(value))));
  return db;
}

/**
 * How many migrations this store lacks, after making sure it is a casctl store (or, for
 * `casctl init`, an empty file) that this casctl understands.
 */
function pendingMigrations(db: Db, path: string, access: StoreAccess): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = db
    .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
    .pluck()
    .all();
  if (version === 0 && tables.length > 0) throw notCasctlStore(path, `it has tables: ${listed(tables)}`);
  if (version > 0 && !tables.includes('mailboxes')) {
    throw notCasctlStore(path, tables.length > 0 ? `it has tables: ${listed(tables)}` : `it has schema version ${version} but no tables`);
  }
  if (version > MIGRATIONS.length) {
    throw new StoreError(
      `The directory store '${path}' has schema version ${version}, newer than this casctl understands (${MIGRATIONS.length}). Upgrade casctl.`,
    );
  }
  if (version === 0 && access !== 'create') {
    throw new StoreError(`'${path}' is not a casctl directory store (no schema). Create one with 'casctl init'.`);
  }
  return MIGRATIONS.length - version;
}

function notCasctlStore(path: string, why: string): StoreError {
  return new StoreError(
    `'${path}' is not a casctl store (${why}); casctl init only creates a new store or upgrades its own. Name the right store with --store or CASCTL_STORE; nothing was changed.`,
  );
}

function listed(names: readonly string[]): string {
  const shown = 10;
  return names.length > shown ? `${names.slice(0, shown).join(', ')} and ${names.length - shown} more` : names.join(', ');
}

function migrate(db: Db, path: string): void {
  // Each migration and its version bump commit together, so a crash never leaves half a schema.
  db.exec('BEGIN IMMEDIATE');
  try {
    // Read again under the lock: another casctl may have upgraded it meanwhile.
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let next = current; next < MIGRATIONS.length; next++) {
      db.exec(MIGRATIONS[next] as string);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    const explained = explainSqliteError(error, path);
    if (explained instanceof StoreError) throw explained;
    throw new StoreError(`Cannot upgrade the directory store '${path}': ${(error as Error).message}`);
  }
}
