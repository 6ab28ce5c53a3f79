import { HashPool } from '../input/hash-pool.js';
import { countLineBreaks } from '../input/line-count.js';
import { mailboxCsvBatches, type CsvFindings } from '../input/mailbox-csv.js';
import { spoolBatches, type SpooledBatches } from '../input/spooled-batches.js';
import type { ImportRecord } from '../store/directory-store.js';
import type { Progress } from '../output/progress.js';

/**
 * Reads, validates and hashes an import file into a spool (see spoolBatches), passwords on every
 * core; returns it with the number of records it holds. On a terminal the rows done show against
 * the file's lines ("Reading file", or "Hashing passwords" once plain-text passwords turn up
 * before any row is done: hashing is then what takes the time); elsewhere nothing is counted.
 *
 * Every plain-text password is hashed, changed or not: the store keeps only a salted crypt, which
 * no store read returns, and checking a plain text against it would cost the same one hash as
 * hashing it anew. Values already hashed ({SCHEME}...) pass as they are.
 */
export async function spoolImportFile(file: string, progress: Progress, findings: CsvFindings): Promise<{ spooled: SpooledBatches; records: number }> {
  const lines = progress.onTerminal ? await countLineBreaks(file) : undefined;
  // The header is a line too; a quoted line break in a value makes the total a little high, never low.
  const total = lines === undefined ? undefined : Math.max(1, lines - 1);
  progress.phase('Reading file', 'rows', total);
  const pool = new HashPool();
  let records = 0;
  let hashing = false;
  const hasher = {
    hash: (passwords: readonly string[]): Promise<string[]> => {
      if (!hashing && records === 0) progress.phase('Hashing passwords', 'rows', total);
      hashing = true;
      return pool.hash(passwords);
    },
  };
  async function* counted(batches: AsyncIterable<ImportRecord[]>): AsyncGenerator<ImportRecord[]> {
    for await (const batch of batches) {
      records += batch.length;
      progress.tick(batch.length);
      yield batch;
    }
  }
  try {
    return { spooled: await spoolBatches(counted(mailboxCsvBatches(file, hasher, findings))), records };
  } catch (error) {
    // The error's message needs the bar's line.
    progress.stop();
    throw error;
  } finally {
    await pool.close();
  }
}
