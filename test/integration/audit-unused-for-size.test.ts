import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLastLogonsPath } from '../../src/cli/last-logons.js';
import { bigStore } from '../helpers/big-store.js';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { recordLogons, type RecordedLogon } from '../helpers/last-logons.js';
import { setWhenCreated } from '../helpers/mailbox-age.js';

const COUNT = 5000;
const DAY = 86_400_000;
const ago = (days: number): Date => new Date(Date.now() - days * DAY);

/** user<i>: every third used both protocols last week, every third last did 200 days ago, the rest never. */
function logons(): RecordedLogon[] {
  const rows: RecordedLogon[] = [];
  for (let i = 0; i < COUNT; i++) {
    if (i % 3 === 2) continue;
    const time = ago(i % 3 === 0 ? 7 : 200);
    for (const service of ['pop3', 'imap']) rows.push({ user: `user${i}@big.example`, service, clientAddress: `198.51.100.${i % 250}`, time });
  }
  return rows;
}

async function timed(args: string[], store: string, code: number): Promise<{ result: CliResult; ms: number }> {
  const start = performance.now();
  const result = await casctl(args, { store });
  assert.equal(result.code, code, result.stderr);
  return { result, ms: Math.round(performance.now() - start) };
}

type Row = { PrimarySmtpAddress: string; PopEnabled: boolean; ImapEnabled: boolean };

test(`an unusedFor audit and its --fix over ${COUNT} mailboxes: exactly the idle two thirds, in seconds (times printed)`, async () => {
  const store = await bigStore(COUNT);
  setWhenCreated(store, ago(730));
  recordLogons(defaultLastLogonsPath(store), logons());
  const policy = join(tempDir(), 'policy.yml');
  writeFileSync(policy, 'rules:\n  - name: nothing idle\n    unusedFor: 90d\n');
  const idle = (address: string): boolean => Number(/^user(\d+)@/.exec(address)?.[1]) % 3 !== 0;

  const audit = await timed(['audit', policy, '-o', 'json'], store, 5);
  const [rule] = json<{ Rules: { Selected: number; Violations: (Row & { Unused: unknown[] })[] }[] }>(audit.result).Rules;
  assert.equal(rule?.Selected, COUNT);
  assert.equal(rule?.Violations.length, COUNT - Math.ceil(COUNT / 3));
  assert.ok(rule?.Violations.every((v) => idle(v.PrimarySmtpAddress) && v.Unused.length === 2));

  const fix = await timed(['audit', policy, '--fix', '--yes'], store, 0);
  const after = json<Row[]>(await casctl(['get-casmailbox', '-ResultSize', 'Unlimited', '-o', 'json'], { store }));
  assert.equal(after.length, COUNT);
  for (const m of after) assert.deepEqual([m.PopEnabled, m.ImapEnabled], idle(m.PrimarySmtpAddress) ? [false, false] : [true, true], m.PrimarySmtpAddress);

  const undo = await timed(['undo', '1', '--yes'], store, 0);
  const restored = json<Row[]>(await casctl(['get-casmailbox', '-ResultSize', 'Unlimited', '-Filter', 'PopEnabled -eq $true -and ImapEnabled -eq $true', '-o', 'json'], { store }));
  assert.equal(restored.length, COUNT);
  console.log(`unusedFor over ${COUNT} mailboxes (${logons().length} recorded logins): audit -o json ${audit.ms} ms, --fix --yes ${fix.ms} ms, undo ${undo.ms} ms`);
});
