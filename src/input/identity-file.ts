/**
 * Identity files (`--file`, `-` for stdin): one identity per line, read the way PowerShell's
 * `Get-Content` reads a file, so what Windows tools write works unchanged (DESIGN.md §3):
 *
 * - encoding from the byte-order mark: UTF-8 (BOM optional), UTF-16LE, UTF-16BE; UTF-32 is refused;
 * - line breaks CRLF, LF or a lone CR;
 * - blank lines and lines whose first non-blank character is `#` are skipped;
 * - surrounding whitespace is trimmed (JavaScript's trim: tabs, NBSP, stray U+FEFF, ...);
 * - line numbers are those an editor shows, counting skipped lines;
 * - duplicates are kept: the caller reports them once, with their line numbers.
 *
 * The input is decoded chunk by chunk, so memory stays bounded by the longest line however long
 * the file is, and stdin is consumed as it arrives; a line longer than MAX_LINE_LENGTH is refused.
 */
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { CasctlError, UsageError } from '../core/errors.js';

export interface IdentityLine {
  /** 1-based line number in the file, as an editor shows it. */
  line: number;
  identity: string;
}

export interface ReadIdentitiesOptions {
  /** What error messages call the input; defaults to the path given to openIdentitySource, else "standard input". */
  source?: string;
}

/**
 * The longest line read, in characters (UTF-16 code units, JavaScript's string length). An identity
 * is an address (at most 254), a DN or a canonical name: a few hundred at most. A line of casctl's
 * own `-o json` (one mailbox, every property) is a few KiB, so 4 KiB would be too tight for piped
 * JSON. Anything longer is a binary file, a file that is not a list of identities, or an attempt to
 * make casctl buffer without bound.
 */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Opens `pathOrDash` for {@link readIdentityBatches}; `-` is stdin. The file is opened synchronously so
 * that a missing or unreadable file is a UsageError here, before anything is planned or changed,
 * rather than a stream error in the middle of a run.
 */
export function openIdentitySource(pathOrDash: string, stdin: Readable): Readable {
  if (pathOrDash === '-') return stdin;
  let fd: number;
  try {
    fd = openSync(pathOrDash, 'r');
  } catch (error) {
    throw new UsageError(`Cannot read identity file '${pathOrDash}': ${systemReason(error)}.`);
  }
  try {
    // Linux lets open(2) succeed on a directory; only the first read would fail, with EISDIR.
    if (fstatSync(fd).isDirectory()) throw new UsageError(`Cannot read identity file '${pathOrDash}': it is a directory.`);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const stream = createReadStream(pathOrDash, { fd });
  sourceNames.set(stream, pathOrDash);
  return stream;
}

/** Paths of the streams openIdentitySource opened: fs.ReadStream forgets its path when given an fd. */
const sourceNames = new WeakMap<Readable, string>();

/**
 * Streams the identities in `input`, one per non-blank, non-comment line, a chunk at a time
 * (batches are never empty): a million lines one await each would cost a second.
 */
export async function* readIdentityBatches(input: Readable, options: ReadIdentitiesOptions = {}): AsyncGenerator<IdentityLine[]> {
  const source = options.source ?? sourceNames.get(input);
  const decoder = new IdentityDecoder(source);
  try {
    for await (const chunk of input as AsyncIterable<unknown>) {
      const batch = decoder.push(toBuffer(chunk));
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    throw asUsageError(error, source);
  }
  const last = decoder.end();
  if (last.length > 0) yield last;
}

/**
 * The synchronous core of {@link readIdentityBatches}: bytes in, identities out, one batch per chunk.
 * Exported for callers that resolve identities in batches and for benchmarks.
 */
export class IdentityDecoder {
  private splitter: LineSplitter | undefined;
  /** The first bytes, held until they show which byte-order mark, if any, starts the input. */
  private head: Buffer = EMPTY;
  /** Lines already handed out or skipped, so that numbers stay those of the whole input. */
  private linesDone = 0;

  /** `source`: what error messages call the input (a path or a label); undefined means standard input. */
  constructor(private readonly source?: string) {}

  push(chunk: Buffer): IdentityLine[] {
    const splitter = this.splitter;
    if (splitter !== undefined) return this.identities(() => splitter.push(chunk));
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    if (mayStillBeBom(this.head)) return [];
    const started = this.start();
    return this.identities(() => started.splitter.push(started.rest));
  }

  end(): IdentityLine[] {
    if (this.splitter === undefined) {
      const started = this.start();
      const first = this.identities(() => started.splitter.push(started.rest));
      return [...first, ...this.identities(() => started.splitter.end())];
    }
    const splitter = this.splitter;
    return this.identities(() => splitter.end());
  }

  private start(): { splitter: LineSplitter; rest: Buffer } {
    const detected = detectEncoding(this.head, (line) => this.where(line));
    this.splitter = detected.splitter;
    this.head = EMPTY;
    return detected;
  }

  /** Numbers, trims and filters the raw lines `split` produces, turning decoding failures into UsageErrors. */
  private identities(split: () => string[]): IdentityLine[] {
    let lines: string[];
    try {
      lines = split();
    } catch (error) {
      if (error instanceof InvalidLineError) throw new UsageError(`${this.where(this.linesDone + error.index + 1)}: ${error.reason}`);
      throw error;
    }
    const out: IdentityLine[] = [];
    for (let i = 0; i < lines.length; i += 1) {
      this.linesDone += 1;
      const raw = lines[i] as string;
      if (raw.length > MAX_LINE_LENGTH) throw new UsageError(`${this.where(this.linesDone)}: ${tooLong()}`);
      const identity = raw.trim();
      if (identity === '' || identity.charCodeAt(0) === HASH) continue;
      if (identity.includes('\0')) {
        // NULs decode fine as UTF-8, so without this a BOM-less UTF-16 file would silently match nothing.
        const hint = this.splitter?.encoding === 'utf-8' ? ' (is it UTF-16 without a byte-order mark? Save it as UTF-8)' : '';
        throw new UsageError(`${this.where(this.linesDone)}: contains a NUL character${hint}.`);
      }
      out.push({ line: this.linesDone, identity });
    }
    return out;
  }

  private where(line: number): string {
    // Worded to read right whether the source is a path, a label such as "stdin", or nothing.
    return `${this.source ?? 'standard input'}, line ${line}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding detection
// ---------------------------------------------------------------------------------------------

const EMPTY = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;
const HASH = 0x23;
const LINE_BREAK = /\r\n|\r|\n/;

const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);
const BOM_UTF16LE = Buffer.from([0xff, 0xfe]);
const BOM_UTF16BE = Buffer.from([0xfe, 0xff]);
// UTF-32LE's BOM starts with UTF-16LE's, so up to four bytes are needed to tell them apart.
const BOM_UTF32LE = Buffer.from([0xff, 0xfe, 0x00, 0x00]);
const BOM_UTF32BE = Buffer.from([0x00, 0x00, 0xfe, 0xff]);
const BOMS = [BOM_UTF8, BOM_UTF16LE, BOM_UTF16BE, BOM_UTF32LE, BOM_UTF32BE];

/** True while `head` is too short to say which BOM, if any, it starts with. */
function mayStillBeBom(head: Buffer): boolean {
  return BOMS.some((bom) => head.length < bom.length && bom.subarray(0, head.length).equals(head));
}

function detectEncoding(head: Buffer, where: (line: number) => string): { splitter: LineSplitter; rest: Buffer } {
  if (startsWith(head, BOM_UTF32LE) || startsWith(head, BOM_UTF32BE)) {
    throw new UsageError(`${where(1)}: UTF-32 is not supported; save the file as UTF-8 or UTF-16.`);
  }
  if (startsWith(head, BOM_UTF8)) return { splitter: new Utf8Lines(), rest: head.subarray(BOM_UTF8.length) };
  if (startsWith(head, BOM_UTF16LE)) return { splitter: new Utf16Lines(false), rest: head.subarray(BOM_UTF16LE.length) };
  if (startsWith(head, BOM_UTF16BE)) return { splitter: new Utf16Lines(true), rest: head.subarray(BOM_UTF16BE.length) };
  return { splitter: new Utf8Lines(), rest: head };
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  // A stream with setEncoding() or an object-mode stream of strings: already text, re-encode it.
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`readIdentityBatches: expected bytes or strings from the stream, got ${typeof chunk}`);
}

// ---------------------------------------------------------------------------------------------
// Line splitting per encoding
// ---------------------------------------------------------------------------------------------

/** A raw line the splitter could not decode; `index` counts from the first line of the batch. */
class InvalidLineError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface LineSplitter {
  readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** The lines completed by `chunk`, without their line breaks; the rest waits for more input. */
  push(chunk: Buffer): string[];
  /** The lines still pending at the end of the input. */
  end(): string[];
}

/**
 * UTF-8 is split on bytes before decoding: CR and LF bytes never occur inside a multi-byte
 * sequence, so every cut lands on a character boundary, and the decoder only ever sees whole lines.
 */
class Utf8Lines implements LineSplitter {
  readonly encoding = 'utf-8';
  private pending: Buffer = EMPTY;
  // fatal: invalid bytes are an error, not U+FFFD. ignoreBOM: detection already consumed the BOM;
  // a later U+FEFF (files concatenated) stays text and is trimmed like whitespace.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  push(chunk: Buffer): string[] {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (data.length === 0) return [];
    // A trailing CR may be half of a CRLF whose LF is in the next chunk: keep it pending.
    const searchFrom = data[data.length - 1] === CR ? data.length - 2 : data.length - 1;
    const cut = searchFrom < 0 ? -1 : Math.max(data.lastIndexOf(LF, searchFrom), data.lastIndexOf(CR, searchFrom));
    if (cut < 0) {
      this.pending = data;
      // Bytes, not characters: UTF-8 takes at most 3 bytes per UTF-16 code unit, so a line this
      // long is too long however it decodes, and no longer line is buffered waiting for its end.
      if (data.length > 3 * MAX_LINE_LENGTH) throw new InvalidLineError(0, tooLong());
      return [];
    }
    this.pending = data.subarray(cut + 1);
    const lines = this.decode(data.subarray(0, cut + 1)).split(LINE_BREAK);
    lines.pop(); // the text ends with a line break, so the last element is empty
    return lines;
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = EMPTY;
    if (rest.length === 0) return [];
    const lines = this.decode(rest).split(LINE_BREAK);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  private decode(bytes: Buffer): string {
    try {
      return this.decoder.decode(bytes);
    } catch {
      // Rare path: decode line by line to say which line is broken.
      const rawLines = splitBytes(bytes);
      const index = rawLines.findIndex((line) => !isValidUtf8(line, this.decoder));
      throw new InvalidLineError(Math.max(index, 0), 'is not valid UTF-8 (save the file as UTF-8, or as UTF-16 with a byte-order mark).');
    }
  }
}

/** Splits bytes on CRLF, CR and LF, exactly as LINE_BREAK splits text. */
function splitBytes(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte !== CR && byte !== LF) continue;
    lines.push(bytes.subarray(start, i));
    if (byte === CR && bytes[i + 1] === LF) i += 1;
    start = i + 1;
  }
  lines.push(bytes.subarray(start));
  return lines;
}

function isValidUtf8(bytes: Buffer, decoder: TextDecoder): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * UTF-16 is decoded before splitting, into JavaScript strings, which are UTF-16 themselves: a
 * surrogate pair cut between chunks is rejoined by string concatenation, and an odd byte waits
 * for its partner. Buffer's decoder keeps unpaired surrogates, so they are checked per line.
 */
class Utf16Lines implements LineSplitter {
  readonly encoding: 'utf-16le' | 'utf-16be';
  private pending = '';
  private oddByte: number | undefined;

  constructor(private readonly bigEndian: boolean) {
    this.encoding = bigEndian ? 'utf-16be' : 'utf-16le';
  }

  push(chunk: Buffer): string[] {
    let bytes = chunk;
    if (this.oddByte !== undefined) {
      bytes = Buffer.concat([Buffer.of(this.oddByte), chunk]);
      this.oddByte = undefined;
    }
    if (bytes.length % 2 === 1) {
      this.oddByte = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const text = this.pending + this.decode(bytes);
    if (text.length === 0) return [];
    const searchFrom = text.charCodeAt(text.length - 1) === CR ? text.length - 2 : text.length - 1;
    const cut = searchFrom < 0 ? -1 : Math.max(text.lastIndexOf('\n', searchFrom), text.lastIndexOf('\r', searchFrom));
    if (cut < 0) {
      this.pending = text;
      if (text.length > MAX_LINE_LENGTH) throw new InvalidLineError(0, tooLong());
      return [];
    }
    this.pending = text.slice(cut + 1);
    const lines = text.slice(0, cut + 1).split(LINE_BREAK);
    lines.pop();
    checkSurrogates(lines);
    return lines;
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    const lines = rest.split(LINE_BREAK);
    if (lines[lines.length - 1] === '') lines.pop();
    if (this.oddByte !== undefined) {
      throw new InvalidLineError(Math.max(lines.length - 1, 0), 'ends in the middle of a UTF-16 character (odd number of bytes).');
    }
    checkSurrogates(lines);
    return lines;
  }

  private decode(bytes: Buffer): string {
    if (!this.bigEndian) return bytes.toString('utf16le');
    // Buffer has no big-endian UTF-16; swap a copy, since the chunk belongs to the stream.
    return Buffer.from(bytes).swap16().toString('utf16le');
  }
}

/** An unpaired surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkSurrogates(lines: string[]): void {
  for (let i = 0; i < lines.length; i += 1) {
    if (LONE_SURROGATE.test(lines[i] as string)) throw new InvalidLineError(i, 'is not valid UTF-16 (unpaired surrogate).');
  }
}

function tooLong(): string {
  return `is longer than ${MAX_LINE_LENGTH} characters; is this really a text file with one identity per line?`;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** "no such file or directory (ENOENT)" from Node's "ENOENT: no such file or directory, open 'x'". */
function systemReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const match = /^[A-Z0-9_]+: (.*?)(?:, \w+(?: '.*')?)?$/s.exec(error.message);
  const description = match?.[1] ?? error.message;
  return code === undefined ? description : `${description} (${code})`;
}

/** A read error from the stream (EIO, EISDIR, ...) is a problem with the input, not a crash. */
function asUsageError(error: unknown, source: string | undefined): unknown {
  // Only system call failures: anything else is a bug and should surface as one.
  if (error instanceof CasctlError || !(error instanceof Error) || typeof (error as NodeJS.ErrnoException).syscall !== 'string') {
    return error;
  }
  return new UsageError(`Cannot read ${source ?? 'standard input'}: ${systemReason(error)}.`);
}
