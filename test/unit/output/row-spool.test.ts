import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RowSpool } from '../../../src/output/row-spool.js';

const ROWS = Array.from({ length: 500 }, (_, i) => [`Zoë 👩‍💻 ${i}`, `user${i}@example.com`, i % 3 === 0 ? '' : 'True']);

function collect(spool: RowSpool): string[][] {
  const rows: string[][] = [];
  for (const batch of spool.batches()) rows.push(...batch);
  return rows;
}

/** Files this process holds open under `dir`, unlinked ones included (Linux shows them in /proc). */
function openFilesIn(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(`${dir}/`) ? [target] : [];
    } catch {
      return [];
    }
  });
}

test('a few rows stay in memory and come back as they went in', () => {
  const spool = new RowSpool();
  for (const row of ROWS) spool.add(row);
  assert.deepEqual(collect(spool), ROWS);
  spool.close();
});

test('past its memory the spool goes to a temp file that has no name, and reads back every row, multi-byte text split across reads included', () => {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'casctl-spool-test-'));
  process.env.TMPDIR = dir;
  try {
    const spool = new RowSpool(1000, 64);
    for (const row of ROWS) spool.add(row);
    assert.deepEqual(readdirSync(dir), [], 'the temp file is unlinked as soon as it is made');
    assert.equal(openFilesIn(dir).length, 1, 'and yet open: the rows are in it');
    assert.deepEqual(collect(spool), ROWS);
    spool.close();
    assert.deepEqual(openFilesIn(dir), [], 'closed');
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no rows, no batches', () => {
  const spool = new RowSpool(10, 8);
  assert.deepEqual([...spool.batches()], []);
  spool.close();
});

test('a temp directory that refuses the file is a clear error naming a way out', () => {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = join(tmpdir(), 'casctl-no-such-dir', 'deeper');
  try {
    const spool = new RowSpool(10);
    assert.throws(() => {
      for (const row of ROWS) spool.add(row);
    }, /temp file.*Set TMPDIR to a writable directory, or use -o csv/);
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
});
