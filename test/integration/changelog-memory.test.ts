import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BIN, sampleStore } from '../helpers/cli.js';

const TIME = '/usr/bin/time';

/** Peak resident memory (KiB) of `casctl args`, its stdout thrown away. */
function peakKib(args: readonly string[], store: string): Promise<{ code: number; kib: number; bytes: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', 'PEAK %M', process.execPath, BIN, ...args], { env: { PATH: process.env.PATH, CASCTL_STORE: store }, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, kib: Number(/PEAK (\d+)/.exec(stderr)?.[1] ?? 'NaN'), bytes, stderr }));
  });
}

test('get-changelog -o json of a 1M-item history keeps memory flat (it held the whole history: ~1 GB)', { skip: existsSync(TIME) || (process.env.CI ?? '') !== '' ? false : `${TIME} is not installed (Debian package time); skipped because CI is not set` }, async () => {
  const store = await sampleStore();
  // 2,200 records of every sample mailbox's two settings, written straight into the history.
  const db = new Database(store);
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2200)
    INSERT INTO change_records (id, when_changed, os_user, sudo_user, host, command_line, undo_of)
    SELECT i, '2026-02-01T00:00:00.000Z', 'tester', NULL, 'host', 'casctl test', NULL FROM n;
    INSERT INTO change_items SELECT r.id, m.id, m.guid, p.property, 1, 0 FROM change_records r, mailboxes m,
      (SELECT 'PopEnabled' AS property UNION ALL SELECT 'ImapEnabled') p;`);
  const items = (db.prepare('SELECT count(*) AS n FROM change_items').get() as { n: number }).n;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  assert.ok(items > 1_000_000, `${items} items`);
  const result = await peakKib(['get-changelog', '-o', 'json'], store);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.bytes > 100_000_000, `${result.bytes} bytes of JSON`);
  assert.ok(result.kib < 300_000, `peak RSS ${result.kib} KiB for ${items} items`);
});
