import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { spoolImportFile } from '../../../src/cli/spool-import-file.js';
import type { ImportRecord } from '../../../src/store/directory-store.js';
import { tempDir } from '../../helpers/cli.js';

function capture(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number; text(): string };
  stream.isTTY = isTTY;
  stream.columns = 100;
  stream.text = () => chunks.join('');
  return stream;
}

// Enough rows with passwords to keep every core hashing for well over the bar's one-second delay.
const ROWS = 800 * availableParallelism();
const csv = join(tempDir(), 'passwords.csv');
writeFileSync(csv, `PrimarySmtpAddress,Password\n${Array.from({ length: ROWS }, (_, i) => `u${i}@example.org,pw-${i}`).join('\n')}\n`);

async function spooled(isTTY: boolean): Promise<{ stderr: string; records: ImportRecord[] }> {
  const stderr = capture(isTTY);
  const spool = await spoolImportFile(csv, stderr, { plaintextPasswords: 0 });
  try {
    const records: ImportRecord[] = [];
    for await (const batch of spool.batches()) records.push(...batch);
    return { stderr: stderr.text(), records };
  } finally {
    spool.remove();
  }
}

test('on a terminal, a bar counts the rows read and hashed against the rows of the file', async () => {
  const { stderr, records } = await spooled(true);
  assert.equal(records.length, ROWS);
  for (const record of records) assert.match(record.Password ?? '', /^\{SHA512-CRYPT\}\$6\$/);
  assert.match(stderr, new RegExp(`Reading \\[.*\\] \\d+/${ROWS}`));
  assert.doesNotMatch(stderr, new RegExp(`/${ROWS + 1}\\b`));
});

test('not on a terminal: nothing on stderr', async () => {
  const { stderr, records } = await spooled(false);
  assert.equal(records.length, ROWS);
  assert.equal(stderr, '');
});
