import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImportRecord } from '../store/directory-store.js';

/** Validated records written to a private temp file, to be streamed from there as many times as needed. */
export interface SpooledBatches {
  batches(): AsyncIterable<ImportRecord[]>;
  /** Deletes the temp file. */
  remove(): void;
}

/**
 * Drains `source` (parsing, validating and hashing: the slow part) into a temp file, one JSON
 * batch per line, before the store is written. An import then holds the store's write lock only
 * for its own writes, not for a minute of password hashing, and memory stays flat however big
 * the file. A bad row throws here, before the store is touched. The directory is 0700: the
 * records may hold {PLAIN} passwords.
 */
export async function spoolBatches(source: AsyncIterable<readonly ImportRecord[]>): Promise<SpooledBatches> {
  const dir = mkdtempSync(join(tmpdir(), 'casctl-import-'));
  const path = join(dir, 'records.ndjson');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  async function* lines(): AsyncGenerator<string> {
    for await (const batch of source) yield `${JSON.stringify(batch)}\n`;
  }
  try {
    await pipeline(Readable.from(lines()), createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    remove();
    throw error;
  }
  return {
    async *batches() {
      const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
      for await (const line of lines) yield JSON.parse(line) as ImportRecord[];
    },
    remove,
  };
}
