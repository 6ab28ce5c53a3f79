/**
 * How `doveadm auth cache flush USER...` is split: doveadm sends every name on one line of
 * Dovecot's auth-master protocol (`CACHE-FLUSH <id> <user>...`), and the auth process drops a
 * line of more than 1024 bytes ("Master sent us more than 1024 bytes"), in 2.3 and 2.4 alike.
 */
export const FLUSH_LINE_BYTES = 1024;
/** The command word, the request id and the separators, with room to spare. */
const LINE_OVERHEAD = 64;

/**
 * Beyond this many batches one full flush (`auth cache flush` with no names) is cheaper than
 * the batched calls and has the same effect on the changed logins: measured here, one call takes
 * 10–20 ms, so 100 batches (about 3,000 addresses) take a second or two, one full flush 15 ms.
 */
export const FULL_FLUSH_ABOVE_BATCHES = 100;

/** Groups names into calls whose auth-master line stays within the limit. */
export function flushBatches(names: readonly string[], budget = FLUSH_LINE_BYTES - LINE_OVERHEAD): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let size = 0;
  for (const name of names) {
    const bytes = Buffer.byteLength(name) + 1;
    if (batch.length > 0 && size + bytes > budget) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(name);
    size += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
