import { resolve } from 'node:path';
import { StoreError } from '../core/errors.js';
import type { DirectoryStore } from './directory-store.js';

export interface OpenStoreOptions {
  /** Create a missing store (only `casctl init` does). */
  create: boolean;
}

/** `sqlite:/var/lib/casctl/directory.db`, `sqlite:directory.db`, `sqlite:///abs.db` or a plain path. */
export function sqlitePath(url: string, cwd: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme === null || /^[a-z]:[\\/]/i.test(url)) return resolve(cwd, url);
  if (scheme[1]?.toLowerCase() !== 'sqlite') return null;
  const rest = url.slice(scheme[0].length);
  return resolve(cwd, rest.startsWith('//') ? rest.slice(2) : rest);
}

/** Loads the driver the URL names, lazily, so commands that never touch a store start fast. */
export async function openStore(url: string, cwd: string, options: OpenStoreOptions): Promise<DirectoryStore> {
  const path = sqlitePath(url, cwd);
  if (path === null) {
    throw new StoreError(`Unsupported store URL '${url}': casctl stores are 'sqlite:<path>' (or a plain file path).`);
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  return SqliteStore.open(`sqlite:${path}`, path, options);
}
