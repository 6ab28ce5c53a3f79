import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type DatabaseConstructor from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import type { Trace } from '../../core/trace.js';
import { BUSY_TIMEOUT_MS } from './sqlite-errors.js';
import { tracedDatabase } from './traced-database.js';

const require = createRequire(import.meta.url);
// Required, not imported: Node would first parse the CommonJS package for its export names, a
// few milliseconds of every start that opens a SQLite store.
const Database = require('better-sqlite3') as typeof DatabaseConstructor;

// Where npm builds or downloads better-sqlite3's addon. Named, it is loaded directly; else
// better-sqlite3 looks for it through the bindings package, which tries path after path.
const ADDON = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
let addon: { nativeBinding?: string } | undefined;

export type Db = DatabaseConstructor.Database;

/**
 * Every connection is made here. better-sqlite3 reads SQLITE_USE_URI once, when the first
 * connection loads its addon, and a URI is the only way to ask SQLite for `immutable` (see
 * openReadOnly). casctl opens absolute paths only, so no store path is taken for a URI.
 * `trace` (--verbose): every statement the connection runs is shown.
 */
export function connect(filename: string, options: DatabaseConstructor.Options, trace?: Trace): Db {
  const given = process.env.SQLITE_USE_URI;
  process.env.SQLITE_USE_URI = '1';
  try {
    addon ??= existsSync(ADDON) ? { nativeBinding: ADDON } : {};
    const db = new Database(filename, { ...addon, ...options });
    return trace === undefined ? db : tracedDatabase(db, trace);
  } finally {
    if (given === undefined) delete process.env.SQLITE_USE_URI;
    else process.env.SQLITE_USE_URI = given;
  }
}

/**
 * A connection that cannot write, for commands that only read and for checking a file before
 * anything writes to it. A WAL store is read through its shared-memory index, `<store>-shm`,
 * which SQLite creates beside the store when no other process has it open: in a directory the
 * user may not write (a store owned by root, read by an auditor), that fails. Then, as long
 * as there is no `<store>-wal` (no process has it open and every change is in the file itself),
 * the file is read as immutable, without the index.
 */
export function openReadOnly(path: string, trace?: Trace): Db {
  const db = connect(path, { readonly: true, fileMustExist: true }, trace);
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // The first read is when SQLite opens the WAL index, so failing to is seen here.
    db.pragma('schema_version');
    return db;
  } catch (error) {
    db.close();
    if (!cannotOpenIndex(error)) throw error;
  }
  if (walSize(path) > 0) {
    throw new StoreError(
      `Cannot read the store ${path}: SQLite needs ${path}-shm to read the changes in ${path}-wal, and cannot create it, as you may not write the store's directory. Run the command as a user who can write that directory (or once, as such a user, any casctl command, which folds those changes into the store).`,
    );
  }
  return connect(`${pathToFileURL(path).href}?immutable=1`, { readonly: true, fileMustExist: true }, trace);
}

function cannotOpenIndex(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT';
}

function walSize(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
