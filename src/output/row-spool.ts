import { newGuid } from '../core/guid.js';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { CasctlError, ExitCode } from '../core/errors.js';

/** Characters of rows kept in memory; past this, they go to a temp file (a 50k listing stays in memory, a million does not). */
const MEMORY_BUDGET = 4 * 1024 * 1024;
/** Bytes read back per system call. */
const READ_CHUNK = 1024 * 1024;
/** Cells are printable() text, which has no tab or line break left in it: each is safe as a separator. */
const CELL = '\t';
const ROW = '\n';

/**
 * Table rows held until the last one has been seen, in bounded memory: in memory while they are
 * few, in a temp file once they are many. The file is unlinked the moment it is created, so it
 * is gone however casctl ends (even killed), and it is 0600 on top: it holds directory data.
 */
export class RowSpool {
  private lines: string[] = [];
  private size = 0;
  private fd: number | undefined;

  /** `memory`: characters held before spilling; `chunk`: bytes read back at a time (tests make both small). */
  constructor(
    private readonly memory = MEMORY_BUDGET,
    private readonly chunk = READ_CHUNK,
  ) {}

  add(cells: readonly string[]): void {
    const line = cells.join(CELL);
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size >= this.memory) this.spill();
  }

  /** Every row added, in order, a batch of rows at a time. */
  *batches(): Generator<string[][]> {
    if (this.fd === undefined) {
      if (this.lines.length > 0) yield this.lines.map((line) => line.split(CELL));
      return;
    }
    this.spill();
    const buffer = Buffer.allocUnsafe(this.chunk);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let position = 0;
    for (;;) {
      const read = readSync(this.fd, buffer, 0, this.chunk, position);
      if (read === 0) break;
      position += read;
      const lines = (rest + decoder.write(buffer.subarray(0, read))).split(ROW);
      rest = lines.pop() ?? '';
      if (lines.length > 0) yield lines.map((line) => line.split(CELL));
    }
  }

  /** Closes the temp file, if there is one; its name is long gone. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private spill(): void {
    this.fd ??= openUnlinked();
    if (this.lines.length > 0) writeAll(this.fd, Buffer.from(`${this.lines.join(ROW)}${ROW}`));
    this.lines = [];
    this.size = 0;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

function openUnlinked(): number {
  const path = join(tmpdir(), `casctl-table-${newGuid()}`);
  let fd: number;
  try {
    fd = openSync(path, 'wx+', 0o600);
  } catch (error) {
    throw new CasctlError(
      `A table this long is measured in a temp file, and ${tmpdir()} refused one (${(error as Error).message}). Set TMPDIR to a writable directory, or use -o csv or -o ndjson, which stream.`,
      ExitCode.Usage,
    );
  }
  unlinkSync(path);
  return fd;
}
