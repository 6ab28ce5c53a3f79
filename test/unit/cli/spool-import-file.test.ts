import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spoolImportFile } from '../../../src/cli/spool-import-file.js';
import type { ImportRecord } from '../../../src/store/directory-store.js';
import { tempDir } from '../../helpers/cli.js';
import { barsOf, fakeTerminal } from '../../helpers/progress-frames.js';
import { Progress } from '../../../src/output/progress.js';

// Rows with passwords, in more than one batch of 1,000: the bar moves between them.
const ROWS = 1500;
const csv = join(tempDir(), 'passwords.csv');
writeFileSync(csv, `PrimarySmtpAddress,Password\n${Array.from({ length: ROWS }, (_, i) => `u${i}@example.org,pw-${i}`).join('\n')}\n`);

async function spooled(isTTY: boolean): Promise<{ stderr: ReturnType<typeof fakeTerminal>; records: ImportRecord[]; counted: number }> {
  const stderr = fakeTerminal(isTTY, 100);
  // A clock past the bar's delay that moves a second a reading: every phase and tick draws a frame.
  let time = 0;
  const progress = new Progress(stderr, { now: () => (time += 1000) });
  const { spooled: spool, records: counted } = await spoolImportFile(csv, progress, { plaintextPasswords: 0 });
  try {
    const records: ImportRecord[] = [];
    for await (const batch of spool.batches()) records.push(...batch);
    return { stderr, records, counted };
  } finally {
    spool.remove();
  }
}

test('on a terminal, a bar counts the rows read and hashed against the rows of the file', async () => {
  const { stderr, records, counted } = await spooled(true);
  assert.equal(records.length, ROWS);
  assert.equal(counted, ROWS);
  for (const record of records) assert.match(record.Password ?? '', /^\{SHA512-CRYPT\}\$6\$/);
  const bars = barsOf(stderr.frames());
  // Hashing starts before the first row is done: from then on, that is what the bar says.
  assert.deepEqual(bars[0], { label: 'Reading file', value: 0, total: ROWS, unit: 'rows' });
  for (const bar of bars.slice(1)) assert.deepEqual({ label: bar.label, total: bar.total, unit: bar.unit }, { label: 'Hashing passwords', total: ROWS, unit: 'rows' });
  assert.ok(bars.some((bar) => bar.value > 0 && bar.value < ROWS), 'the bar shows rows done before the end');
  assert.equal(bars.at(-1)?.value, ROWS);
});

test('rows without plain-text passwords are counted as the file is read', async () => {
  const plain = join(tempDir(), 'no-passwords.csv');
  writeFileSync(plain, `PrimarySmtpAddress\n${Array.from({ length: 2500 }, (_, i) => `u${i}@example.org`).join('\n')}\n`);
  const stderr = fakeTerminal(true, 100);
  let time = 0;
  const { spooled: spool, records } = await spoolImportFile(plain, new Progress(stderr, { now: () => (time += 1000) }), { plaintextPasswords: 0 });
  spool.remove();
  assert.equal(records, 2500);
  assert.deepEqual(barsOf(stderr.frames()).map((b) => `${b.label} ${b.value}/${b.total}`), ['Reading file 0/2500', 'Reading file 1000/2500', 'Reading file 2000/2500', 'Reading file 2500/2500']);
});

test('not on a terminal: nothing on stderr', async () => {
  const { stderr, records } = await spooled(false);
  assert.equal(records.length, ROWS);
  assert.equal(stderr.text(), '');
});
