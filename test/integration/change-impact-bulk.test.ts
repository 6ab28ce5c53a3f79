/**
 * The impact of a bulk change: 10,000 mailboxes named in a file, half of them active over POP3.
 * The logins are read a batch at a time, so the impact adds little to the plan; the times are
 * reported as diagnostics.
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { casctl, json, type CliResult } from '../helpers/cli.js';
import { bigStore } from '../helpers/big-store.js';
import { recordLogons } from '../helpers/last-logons.js';

const COUNT = 10_000;
const now = Date.now();
const daysAgo = (days: number): Date => new Date(now - days * 86_400_000);

interface Result {
  ChangeId: number | null;
  Summary: { Changed: number };
  Impact: { LosingAccess: number; ActiveMailboxes: number; Protocols: { Active: number; MostRecent: { PrimarySmtpAddress: string }[] }[] };
}

test(`${COUNT} mailboxes by --file, half active over POP3: counted, the newest named, --max-active decides`, async (t) => {
  const store = await bigStore(COUNT);
  const dir = dirname(store);
  // The same store without recorded logins: what the plan costs without the impact.
  const unrecorded = join(dir, 'unrecorded.db');
  copyFileSync(store, unrecorded);
  const ids = join(dir, 'ids.txt');
  writeFileSync(ids, `${Array.from({ length: COUNT }, (_, i) => `user${i}@big.example`).join('\n')}\n`);
  // Even users used POP3 within the month (user0 most recently), odd ones two months ago.
  recordLogons(
    join(dir, 'big.last-logons.db'),
    Array.from({ length: COUNT }, (_, i) => ({ user: `user${i}@big.example`, service: 'pop3', clientAddress: '192.0.2.1', time: i % 2 === 0 ? daysAgo(1 + (i / COUNT) * 28) : daysAgo(60) })),
  );
  const timed = async (label: string, args: readonly string[], storeUrl = store): Promise<CliResult> => {
    const started = performance.now();
    const result = await casctl(['set-casmailbox', '--file', ids, '--pop-enabled', 'false', ...args], { store: storeUrl });
    t.diagnostic(`${label}: ${Math.round(performance.now() - started)} ms`);
    return result;
  };

  const baseline = await timed('--what-if -o json, logins not recorded', ['--what-if', '-o', 'json'], unrecorded);
  assert.equal(baseline.code, 0, baseline.stderr);
  const whatIf = await timed('--what-if -o json, with the impact', ['--what-if', '-o', 'json']);
  assert.equal(whatIf.code, 0, whatIf.stderr);
  const planned = json<Result>(whatIf).Impact;
  assert.deepEqual([planned.LosingAccess, planned.ActiveMailboxes, planned.Protocols[0]?.Active], [COUNT, COUNT / 2, COUNT / 2]);
  assert.deepEqual(planned.Protocols[0]?.MostRecent.map((r) => r.PrimarySmtpAddress), ['user0@big.example', 'user2@big.example', 'user4@big.example', 'user6@big.example', 'user8@big.example']);
  assert.match(whatIf.stderr, /POP3: 5000 of 10000 mailboxes losing access logged in over POP3 in the last 30 days; most recent: user0@big\.example .*, and 4995 more\./);

  const refused = await timed(`--yes --max-active ${COUNT / 2 - 1}`, ['--yes', '--max-active', String(COUNT / 2 - 1)]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /Refused by --max-active 4999: 5000 of the 10000 mailboxes losing access/);

  const applied = await timed(`--yes --max-active ${COUNT / 2} -o json`, ['--yes', '--max-active', String(COUNT / 2), '-o', 'json']);
  assert.equal(applied.code, 0, applied.stderr);
  const result = json<Result>(applied);
  assert.deepEqual([result.ChangeId, result.Summary.Changed, result.Impact.ActiveMailboxes], [1, COUNT, COUNT / 2]);
});
