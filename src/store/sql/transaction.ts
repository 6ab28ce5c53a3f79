import type { SqlPool, SqlSession } from './client.js';
import type { SqlDialect } from './dialect.js';
import { WRITER_WAIT_MS, storeBusy } from './errors.js';

export interface TransactionOptions {
  /** Take the store's writer lock first (every change does). */
  write: boolean;
  /** False: work inside the transaction, then roll it back (--what-if). */
  commit?: boolean;
  /**
   * Run the work again when the server picks this transaction as a deadlock victim or fails it
   * for serialization; false where the work cannot be repeated (an import reads a stream once).
   */
  retry?: boolean;
  /** Told once when the writer lock is held by another writer. */
  onWait?: (message: string) => void;
  /** The store's printable URL, for the busy message. */
  url: string;
}

/** How long a writer waits quietly before it says that it is waiting. */
const FIRST_WAIT_MS = 1000;
const ATTEMPTS = 5;

/**
 * Runs `work` in one transaction on a connection of its own: committed whole, or rolled back
 * whole when anything throws. A change takes the writer lock before it reads anything, so two
 * admins' changes queue: the second compares and sets against what the first committed.
 */
export async function inTransaction<T>(pool: SqlPool, dialect: SqlDialect, options: TransactionOptions, work: (session: SqlSession) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const connection = await pool.connect();
    let broken = false;
    try {
      await connection.execute(dialect.begin(false));
      if (options.write) await lockWriters(connection, dialect, options);
      const result = await work(connection);
      await connection.execute(options.commit === false ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      try {
        await connection.execute('ROLLBACK');
      } catch {
        broken = true;
      }
      const kind = dialect.classify(error);
      if (options.retry !== false && attempt < ATTEMPTS && (kind === 'deadlock' || kind === 'serialization')) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt * Math.random()));
        continue;
      }
      throw error;
    } finally {
      if (options.write && !broken) await dialect.unlockWriters(connection).catch(() => undefined);
      connection.release(broken);
    }
  }
}

async function lockWriters(session: SqlSession, dialect: SqlDialect, options: TransactionOptions): Promise<void> {
  if (await dialect.lockWriters(session, FIRST_WAIT_MS)) return;
  options.onWait?.(`The store ${options.url} is busy: another casctl is changing it. Waiting up to ${WRITER_WAIT_MS / 1000} s for it to finish...`);
  if (await dialect.lockWriters(session, WRITER_WAIT_MS - FIRST_WAIT_MS)) return;
  throw storeBusy(options.url);
}
