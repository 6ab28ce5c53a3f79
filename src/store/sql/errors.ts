import { StoreError } from '../../core/errors.js';
import type { SqlDialect } from './dialect.js';

/** How long a change waits for another writer before it gives up; writes are short transactions. */
export const WRITER_WAIT_MS = 30_000;

export function storeBusy(url: string): StoreError {
  return new StoreError(
    `The store ${url} is busy: another casctl holds its writer lock (waited ${WRITER_WAIT_MS / 1000} s). Nothing was changed; try again when it is done.`,
  );
}

/**
 * What the server reports about the store itself (unreachable, refused credentials, read-only,
 * missing tables) is a store problem, exit 3, said with what to do; anything else passes through
 * (a bug: exit 70). Every write is one transaction the server rolls back when it fails, so each
 * message can promise that nothing was changed.
 */
export function explainSqlError(error: unknown, dialect: SqlDialect, url: string): unknown {
  if (error instanceof StoreError) return error;
  const kind = dialect.classify(error);
  const detail = `${dialect.name}: ${(error as Error).message}`;
  switch (kind) {
    case 'refused':
      return new StoreError(`Cannot connect to the ${dialect.name} server of the store ${url} (${detail}). Check that it runs and that the URL names its host and port.`);
    case 'auth':
      return new StoreError(
        `The ${dialect.name} server refused casctl's credentials for the store ${url} (${detail}). Check the user in the URL and the password in CASCTL_SQL_PASSWORD_FILE (or CASCTL_SQL_PASSWORD).`,
      );
    case 'noSuchDatabase':
      return new StoreError(`The database of the store ${url} does not exist (${detail}). Create it (casctl init creates the schema in an existing, empty database).`);
    case 'readOnly':
      return new StoreError(
        `The store ${url} is read-only for this account (${detail}): nothing was changed. A change needs an account that may write casctl's tables; commands that only read work as they are.`,
      );
    case 'lockTimeout':
      return storeBusy(url);
    case 'noSuchTable':
      return new StoreError(
        `The store ${url} lacks part of casctl's schema (${detail}): it was altered by hand, or it is not a casctl store. Nothing was changed.`,
      );
    default:
      return error;
  }
}
