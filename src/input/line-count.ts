import { createReadStream } from 'node:fs';

/**
 * How many line breaks a file holds, read at disk speed: a progress bar's total for a CSV (its
 * rows, plus the header, plus any quoted line breaks). Undefined when the file cannot be read:
 * the reader that follows reports that properly.
 */
export async function countLineBreaks(path: string): Promise<number | undefined> {
  let count = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count++;
    }
  } catch {
    return undefined;
  }
  return count;
}
