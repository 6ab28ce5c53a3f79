import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ExitCode, UsageError } from '../../../src/core/errors.js';
import { MAX_LINE_LENGTH, openIdentitySource, readIdentityBatches, type IdentityLine } from '../../../src/input/identity-file.js';

const execFileAsync = promisify(execFile);
const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const ARTICLE = ['ebrunner@tailspintoys.com', 'fapodaca@tailspintoys.com', 'glaureano@tailspintoys.com', 'hrim@tailspintoys.com'];
// Written with escapes so an editor re-normalising this file cannot change what is compared.
const ZOE = 'Zo\u00EB M\u00FCller';

async function collect(input: Readable): Promise<IdentityLine[]> {
  const out: IdentityLine[] = [];
  for await (const batch of readIdentityBatches(input)) {
    assert.ok(batch.length > 0, 'batches are never empty');
    out.push(...batch);
  }
  return out;
}

/** Object mode, so each Buffer arrives as its own chunk instead of being coalesced by the stream. */
function chunked(chunks: readonly Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: true });
}

function oneByteAtATime(bytes: Buffer): Readable {
  return chunked(Array.from(bytes, (byte) => Buffer.of(byte)));
}

function numbered(...pairs: Array<[number, string]>): IdentityLine[] {
  return pairs.map(([line, identity]) => ({ line, identity }));
}

function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from(text, 'utf16le')]);
}

function utf16be(text: string): Buffer {
  return Buffer.concat([Buffer.of(0xfe, 0xff), Buffer.from(text, 'utf16le').swap16()]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

async function rejectsWithUsage(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.Usage);
    assert.match(error.message, message);
    return true;
  });
}

const WINDOWS_EXPECTED = numbered([1, ARTICLE[0] ?? ''], [2, ARTICLE[1] ?? ''], [3, ARTICLE[2] ?? ''], [4, ARTICLE[3] ?? ''], [5, ZOE]);

const FIXTURES: ReadonlyArray<{ file: string; expected: IdentityLine[] }> = [
  { file: 'Accounts.txt', expected: WINDOWS_EXPECTED.slice(0, 4) },
  { file: 'identity-files/accounts-utf16le.txt', expected: WINDOWS_EXPECTED },
  { file: 'identity-files/accounts-utf16be.txt', expected: WINDOWS_EXPECTED },
  { file: 'identity-files/accounts-utf8-bom-crlf.txt', expected: WINDOWS_EXPECTED },
  {
    file: 'identity-files/accounts-messy.txt',
    expected: numbered(
      [3, 'ebrunner@tailspintoys.com'],
      [4, 'fapodaca@tailspintoys.com'],
      [6, 'glaureano@tailspintoys.com'], // CRLF line in an LF file
      [8, 'hrim@tailspintoys.com'], // stray U+FEFF in front
      [10, 'fapodaca@tailspintoys.com'], // duplicate: kept, the caller reports it
      [11, 'nobody@tailspintoys.com'],
      [12, ZOE], // wrapped in NBSP
      [14, 'Rand Zaher'], // no final line break
    ),
  },
];

describe('readIdentityBatches: fixture files', () => {
  for (const { file, expected } of FIXTURES) {
    it(`${file} via openIdentitySource`, async () => {
      assert.deepEqual(await collect(openIdentitySource(join(fixtures, file), new Readable())), expected);
    });

    it(`${file} one byte at a time`, async () => {
      assert.deepEqual(await collect(oneByteAtATime(readFileSync(join(fixtures, file)))), expected);
    });

    it(`${file} cut in two at every byte`, async () => {
      const bytes = readFileSync(join(fixtures, file));
      for (let cut = 0; cut <= bytes.length; cut += 1) {
        const got = await collect(chunked([bytes.subarray(0, cut), bytes.subarray(cut)]));
        assert.deepEqual(got, expected, `cut at byte ${cut}`);
      }
    });
  }

  it('the Windows fixtures really are what their names say', () => {
    const head = (file: string): string => readFileSync(join(fixtures, 'identity-files', file)).subarray(0, 4).toString('hex');
    assert.equal(head('accounts-utf16le.txt'), 'fffe6500');
    assert.equal(head('accounts-utf16be.txt'), 'feff0065');
    assert.equal(head('accounts-utf8-bom-crlf.txt'), 'efbbbf65');
    assert.match(readFileSync(join(fixtures, 'identity-files', 'accounts-utf8-bom-crlf.txt'), 'utf8'), /\.com\r\n/);
  });
});

describe('readIdentityBatches: chunk boundaries', () => {
  // Two-, three- and four-byte UTF-8 sequences, and a UTF-16 surrogate pair (U+1D11E).
  const text = `Zo\u00EB\r\n\u674E\u5A1C (Li Na)\n\uD834\uDD1E clef\r\n\r\nlast`;
  const expected = numbered([1, ZOE.slice(0, 3)], [2, '\u674E\u5A1C (Li Na)'], [3, '\uD834\uDD1E clef'], [5, 'last']);
  const encodings: ReadonlyArray<[string, Buffer]> = [
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(text, 'utf8')])],
    ['UTF-16LE', utf16le(text)],
    ['UTF-16BE', utf16be(text)],
  ];

  for (const [name, bytes] of encodings) {
    it(`${name}, one byte at a time`, async () => {
      assert.deepEqual(await collect(oneByteAtATime(bytes)), expected);
    });

    it(`${name}, cut in three at every pair of positions`, async () => {
      for (let a = 0; a <= bytes.length; a += 1) {
        for (let b = a; b <= bytes.length; b += 3) {
          const got = await collect(chunked([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]));
          assert.deepEqual(got, expected, `cuts at ${a} and ${b}`);
        }
      }
    });
  }

  it('a CRLF split across chunks is one line break, not two', async () => {
    const got = await collect(chunked([Buffer.from('a\r'), Buffer.from('\nb\r'), Buffer.from('\n'), Buffer.from('c')]));
    assert.deepEqual(got, numbered([1, 'a'], [2, 'b'], [3, 'c']));
  });

  it('empty chunks change nothing', async () => {
    const got = await collect(chunked([Buffer.alloc(0), Buffer.of(0xef), Buffer.alloc(0), Buffer.from([0xbb, 0xbf, 0x61]), Buffer.alloc(0)]));
    assert.deepEqual(got, numbered([1, 'a']));
  });
});

describe('readIdentityBatches: lines', () => {
  const read = (text: string): Promise<IdentityLine[]> => collect(chunked([Buffer.from(text, 'utf8')]));

  it('treats CRLF, LF and a lone CR as line breaks and counts lines like an editor', async () => {
    assert.deepEqual(await read('a\rb\r\nc\n\nd\r\r\ne'), numbered([1, 'a'], [2, 'b'], [3, 'c'], [5, 'd'], [7, 'e']));
  });

  it('skips blank and comment lines, keeps a # that is not first', async () => {
    const got = await read('# header\n\n   \n\t# indented\n#\nRand Zaher # not a comment\n  #also a comment\n');
    assert.deepEqual(got, numbered([6, 'Rand Zaher # not a comment']));
  });

  it('trims tabs, spaces, NBSP, ideographic space and stray BOMs, but not inner spaces', async () => {
    const got = await read('\t a@b.c \t\n\u00A0Zo\u00EB M\u00FCller\u00A0\n\uFEFFx@y.z\uFEFF\n\u3000\u674E\u5A1C (Li Na)\u3000\n');
    assert.deepEqual(got, numbered([1, 'a@b.c'], [2, ZOE], [3, 'x@y.z'], [4, '\u674E\u5A1C (Li Na)']));
  });

  it('keeps duplicates and their line numbers', async () => {
    assert.deepEqual(await read('a\nA\na\n'), numbered([1, 'a'], [2, 'A'], [3, 'a']));
  });

  it('reads nothing from empty input, a lone BOM, or blank lines only', async () => {
    assert.deepEqual(await read(''), []);
    assert.deepEqual(await collect(chunked([Buffer.of(0xef, 0xbb, 0xbf)])), []);
    assert.deepEqual(await collect(chunked([Buffer.of(0xff, 0xfe)])), []);
    assert.deepEqual(await collect(chunked([Buffer.of(0xfe, 0xff)])), []);
    assert.deepEqual(await read('\r\n\r\n  \n'), []);
  });

  it('reads input shorter than any byte-order mark', async () => {
    assert.deepEqual(await read('a'), numbered([1, 'a']));
    assert.deepEqual(await read('\u00EB'), numbered([1, '\u00EB']));
    // 0xFF could have started a UTF-16LE BOM; at the end of input it is just invalid UTF-8.
    await rejectsWithUsage(collect(chunked([Buffer.of(0xff)])), /line 1: is not valid UTF-8/);
  });

  it('accepts string chunks (a stream with setEncoding, or stdin in object mode)', async () => {
    const got = await collect(Readable.from(['\uFEFFebrunner@tailspintoys.com\r', '\nZo\u00EB', ' M\u00FCller\n']));
    assert.deepEqual(got, numbered([1, 'ebrunner@tailspintoys.com'], [2, ZOE]));
  });
});

describe('readIdentityBatches: bad input', () => {
  it('reports invalid UTF-8 with its line number', async () => {
    await rejectsWithUsage(collect(chunked([Buffer.from('ok\n# comment\nbad\xff', 'latin1'), Buffer.from('\nfine\n')])), /line 3: is not valid UTF-8/);
  });

  it('names the source given by the caller, or standard input', async () => {
    const bad = (): Readable => chunked([Buffer.from('a\n\xff\n', 'latin1')]);
    await rejectsWithUsage(collect(bad()), /^standard input, line 2: is not valid UTF-8/);
    const labelled = async (): Promise<void> => {
      for await (const batch of readIdentityBatches(bad(), { source: 'stdin' })) for (const item of batch) assert.equal(item.identity, 'a');
    };
    await rejectsWithUsage(labelled(), /^stdin, line 2: is not valid UTF-8/);
  });

  it('reports invalid UTF-8 far into the input with the absolute line number', async () => {
    const good = Buffer.from('user@tailspintoys.com\n'.repeat(5000));
    const bytes = Buffer.concat([good, Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x0a]), good]); // "José" in Windows-1252
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 4096) chunks.push(bytes.subarray(i, i + 4096));
    await rejectsWithUsage(collect(chunked(chunks)), /line 5001: is not valid UTF-8/);
  });

  it('reports a multi-byte character cut off by the end of the input', async () => {
    await rejectsWithUsage(collect(chunked([Buffer.from('a\nb\n'), Buffer.of(0x63, 0xc3)])), /line 3: is not valid UTF-8/);
  });

  it('refuses UTF-16 without a byte-order mark instead of matching nothing', async () => {
    await rejectsWithUsage(collect(chunked([Buffer.from('ebrunner@tailspintoys.com\r\n', 'utf16le')])), /line 1: contains a NUL character \(is it UTF-16 without a byte-order mark/);
  });

  it('reports an unpaired surrogate and an odd byte count in UTF-16', async () => {
    await rejectsWithUsage(collect(chunked([utf16le('a\r\nb\uD800c\r\n')])), /line 2: is not valid UTF-16/);
    await rejectsWithUsage(collect(chunked([utf16be('a\r\n\uDC00\r\n')])), /line 2: is not valid UTF-16/);
    await rejectsWithUsage(collect(chunked([utf16le('a\r\nb\r\nc'), Buffer.of(0x64)])), /line 3: ends in the middle of a UTF-16 character/);
  });

  it('refuses UTF-32', async () => {
    await rejectsWithUsage(collect(chunked([Buffer.of(0xff, 0xfe, 0, 0, 0x61, 0, 0, 0)])), /UTF-32 is not supported/);
    await rejectsWithUsage(collect(oneByteAtATime(Buffer.of(0, 0, 0xfe, 0xff, 0, 0, 0, 0x61))), /UTF-32 is not supported/);
  });

  it('refuses a line too long to be an identity without buffering it all', async () => {
    const block = Buffer.alloc(64 * 1024, 0x61);
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('a\n');
      for (;;) yield block;
    }
    await rejectsWithUsage(collect(Readable.from(endless(), { objectMode: true })), /line 2: is longer than 65536 characters/);
  });

  it('refuses a 100 KB line that does end, by its line number, whatever the chunks', async () => {
    const bytes = Buffer.from(`a\n# note\n${'x'.repeat(100_000)}\nb\n`);
    await rejectsWithUsage(collect(chunked([bytes])), /^standard input, line 3: is longer than 65536 characters/);
    await rejectsWithUsage(collect(chunked([bytes.subarray(0, 70_000), bytes.subarray(70_000)])), /line 3: is longer/);
    await rejectsWithUsage(collect(chunked([Buffer.from(`a\n${'x'.repeat(100_000)}`)])), /line 2: is longer/);
    await rejectsWithUsage(collect(chunked([utf16le(`a\r\n${'x'.repeat(100_000)}\r\nb`)])), /line 2: is longer/);
  });

  it('counts the limit in characters: a line of MAX_LINE_LENGTH two-byte characters is read', async () => {
    const line = '\u00E9'.repeat(MAX_LINE_LENGTH);
    assert.deepEqual(await collect(chunked([Buffer.from(`${line}\n`)])), numbered([1, line]));
  });

  it('turns a read error of the stream into a UsageError', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', errno: -5, syscall: 'read' }));
      },
    });
    await rejectsWithUsage(collect(failing), /^Cannot read standard input: i\/o error \(EIO\)\.$/);
  });
});

describe('openIdentitySource', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'casctl-identity-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns stdin for -, and reads it', async () => {
    const stdin = Readable.from([Buffer.from('hrim@tailspintoys.com\n# done\n')]);
    const source = openIdentitySource('-', stdin);
    assert.equal(source, stdin);
    assert.deepEqual(await collect(source), numbered([1, 'hrim@tailspintoys.com']));
  });

  it('throws a UsageError naming the path and the OS reason for a missing file', () => {
    const missing = join(dir, 'no-such-Accounts.txt');
    assert.throws(
      () => openIdentitySource(missing, new Readable()),
      (error: unknown) =>
        error instanceof UsageError &&
        error.exitCode === ExitCode.Usage &&
        error.message === `Cannot read identity file '${missing}': no such file or directory (ENOENT).`,
    );
  });

  it('throws a UsageError for a directory', () => {
    assert.throws(() => openIdentitySource(dir, new Readable()), (error: unknown) => error instanceof UsageError && /is a directory/.test(error.message));
  });

  it('names the file in decoding errors', async () => {
    const path = join(dir, 'ansi.txt');
    writeFileSync(path, Buffer.from('ebrunner@tailspintoys.com\r\nJos\xe9 \xc1lvarez\r\n', 'latin1'));
    await rejectsWithUsage(collect(openIdentitySource(path, new Readable())), new RegExp(`^${escapeRegExp(path)}, line 2: is not valid UTF-8`));
  });
});

describe('readIdentityBatches: streaming', () => {
  it('yields the first identity after reading only the first chunks, and stops the source when abandoned', async () => {
    let pulled = 0;
    const endless = new Readable({
      objectMode: true,
      highWaterMark: 1,
      read() {
        pulled += 1;
        this.push(Buffer.from(`user${pulled}@tailspintoys.com\n`.repeat(1000)));
      },
    });
    const batches = readIdentityBatches(endless);
    const first = await batches.next();
    assert.deepEqual(first.value?.[0], { line: 1, identity: 'user1@tailspintoys.com' });
    assert.ok(pulled <= 3, `pulled ${pulled} chunks before the first identity`);
    await batches.return(undefined);
    assert.ok(endless.destroyed, 'the source is destroyed once the reader stops');
  });

  // Measured in a child process: inside a node:test callback every promise pays for the runner's
  // async-context tracking (about 8x slower here), which casctl itself never runs under.
  it('reads 1,000,000 lines from a file without holding the file (its time is a diagnostic: speed is for npm run bench)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'casctl-identity-big-'));
    try {
      const path = join(dir, 'million.txt');
      const lines: string[] = [];
      for (let i = 0; i < 1_000_000; i += 1) lines.push(`user${String(i).padStart(7, '0')}@tailspintoys.com`);
      writeFileSync(path, `${lines.join('\r\n')}\r\n`);
      lines.length = 0;

      const moduleUrl = new URL('../../../src/input/identity-file.ts', import.meta.url).href;
      const script = `
        const { openIdentitySource, readIdentityBatches } = await import(${JSON.stringify(moduleUrl)});
        globalThis.gc();
        const baseline = process.memoryUsage().heapUsed;
        let peak = 0, count = 0, last;
        const started = performance.now();
        for await (const batch of readIdentityBatches(openIdentitySource(${JSON.stringify(path)}, process.stdin))) {
          const before = count;
          count += batch.length;
          last = batch.at(-1);
          if (Math.floor(count / 100000) > Math.floor(before / 100000)) { globalThis.gc(); peak = Math.max(peak, process.memoryUsage().heapUsed - baseline); }
        }
        const elapsed = performance.now() - started;
        process.stdout.write(JSON.stringify({ elapsed, count, last, peak }));
      `;
      const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      });
      const result = JSON.parse(stdout) as { elapsed: number; count: number; last: IdentityLine; peak: number };
      t.diagnostic(`1,000,000 lines (30 MB) in ${result.elapsed.toFixed(0)} ms, peak live heap +${(result.peak / 1e6).toFixed(1)} MB`);
      assert.equal(result.count, 1_000_000);
      assert.deepEqual(result.last, { line: 1_000_000, identity: 'user0999999@tailspintoys.com' });
      assert.ok(result.peak < 8e6, `held ${result.peak} bytes of a 30 MB file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
