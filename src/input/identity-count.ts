import { createReadStream } from 'node:fs';
import { IdentityDecoder } from './identity-file.js';

/**
 * How many identities an identity file holds, read at disk speed with the reader's own rules
 * (encodings, blank and comment lines): a progress bar's total. Undefined when that is not known
 * up front: a JSON array (its items, not its lines, are the identities) or a file that cannot be
 * read (the reader that follows reports that properly).
 */
export async function countIdentities(path: string): Promise<number | undefined> {
  const decoder = new IdentityDecoder(path);
  let count = 0;
  let first: string | undefined;
  const add = (batch: readonly { identity: string }[]): void => {
    first ??= batch[0]?.identity;
    count += batch.length;
  };
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) add(decoder.push(chunk));
    add(decoder.end());
  } catch {
    return undefined;
  }
  return first?.startsWith('[') === true ? undefined : count;
}
