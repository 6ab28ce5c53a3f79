import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export interface BoundedRead {
  /** The whole file, or null when it holds more than the limit (nothing past the limit is read). */
  bytes: Buffer | null;
  /** Of the descriptor that was read, so a check of owner or mode is about these very bytes. */
  stats: Stats;
}

const CHUNK = 64 * 1024;

/**
 * Reads a file of at most `limit` bytes. readFileSync trusts the size fstat reports, which is 0 for
 * devices and pipes, and then reads to the end: `--config /dev/zero` would read until memory ran out.
 * Open and read errors are thrown as Node gives them; callers word them.
 */
export function readAtMost(path: string, limit: number): BoundedRead {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const read = readSync(fd, chunk, 0, CHUNK, null);
      if (read === 0) return { bytes: Buffer.concat(chunks, total), stats };
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) return { bytes: null, stats };
    }
  } finally {
    closeSync(fd);
  }
}
