import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { UsageError } from '../core/errors.js';

const NEWLINE = 0x0a;

/**
 * Passes a UTF-8 text file through unchanged, line by line, and fails with the line number at
 * the first invalid UTF-8 sequence or NUL byte (a UTF-16 file, a binary one) instead of letting
 * them become U+FFFD or reach the store. A LF byte never occurs inside a multi-byte sequence, so
 * whole lines can be checked natively without decoding; the unfinished last line waits for the
 * next chunk.
 */
export class CheckedText extends Transform {
  /** Lines before the pending bytes. */
  private lines = 0;
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly path: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    this.pending = bytes.subarray(end);
    this.pass(bytes.subarray(0, end), done);
  }

  override _flush(done: TransformCallback): void {
    this.pass(this.pending, done);
  }

  private pass(text: Buffer, done: TransformCallback): void {
    const nul = text.indexOf(0);
    if (nul !== -1) {
      done(new UsageError(`${this.path}:${this.lineAt(text, nul)}: contains a NUL character (is it UTF-16? save it as UTF-8); nothing was imported.`));
      return;
    }
    if (!isUtf8(text)) {
      done(new UsageError(`${this.path}:${this.lineAt(text, firstInvalidLine(text))}: is not valid UTF-8 (save the file as UTF-8); nothing was imported.`));
      return;
    }
    this.lines += countLines(text);
    done(null, text);
  }

  /** The 1-based line number of the byte at `offset` of `text`. */
  private lineAt(text: Buffer, offset: number): number {
    return this.lines + countLines(text.subarray(0, offset)) + 1;
  }
}

function countLines(text: Buffer): number {
  let count = 0;
  for (let at = text.indexOf(NEWLINE); at !== -1; at = text.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/** The offset of the first line that is not valid UTF-8 (the text as a whole is not). */
function firstInvalidLine(text: Buffer): number {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf(NEWLINE, start);
    const stop = end === -1 ? text.length : end + 1;
    if (!isUtf8(text.subarray(start, stop))) return start;
    start = stop;
  }
  return 0;
}
