import type { Writable } from 'node:stream';
import { HashPool } from '../input/hash-pool.js';
import { countLineBreaks } from '../input/line-count.js';
import { mailboxCsvBatches, type CsvFindings } from '../input/mailbox-csv.js';
import { spoolBatches, type SpooledBatches } from '../input/spooled-batches.js';
import type { ImportRecord } from '../store/directory-store.js';
import { Progress } from '../output/progress.js';

/**
 * Reads, validates and hashes an import file into a spool (see spoolBatches), passwords on every
 * core. On a terminal a bar counts the rows done against the file's lines; elsewhere nothing.
 *
 * Every plain-text password is hashed, changed or not: the store keeps only a salted crypt, which
 * no store read returns, and checking a plain text against it would cost the same one hash as
 * hashing it anew. Values already hashed ({SCHEME}...) pass as they are.
 */
export async function spoolImportFile(file: string, stderr: Writable & { isTTY?: boolean }, findings: CsvFindings): Promise<SpooledBatches> {
  const lines = stderr.isTTY === true ? await countLineBreaks(file) : undefined;
  const progress = new Progress(stderr, 'Reading', lines === undefined ? undefined : Math.max(1, lines - 1));
  const pool = new HashPool();
  try {
    return await spoolBatches(counted(mailboxCsvBatches(file, pool, findings), progress));
  } finally {
    progress.stop();
    await pool.close();
  }
}

async function* counted(batches: AsyncIterable<ImportRecord[]>, progress: Progress): AsyncGenerator<ImportRecord[]> {
  for await (const batch of batches) {
    progress.tick(batch.length);
    yield batch;
  }
}
