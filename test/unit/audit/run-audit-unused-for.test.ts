import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { AuditRule } from '../../../src/audit/policy.js';
import { runAudit, type RuleResult } from '../../../src/audit/run-audit.js';
import type { UnusedLimit } from '../../../src/audit/unused-for.js';
import { LAST_LOGON_PROTOCOLS } from '../../../src/core/last-logons.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { useRecordedLogonSource } from '../../helpers/logon-source.js';
import { memoryStore, useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY, smallDirectoryLogons } from '../../helpers/small-directory.js';

// The memory store's mailboxes were made on 2026-01-01: eleven months before NOW.
const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);
const [POP3, IMAP4] = LAST_LOGON_PROTOCOLS;
if (POP3 === undefined || IMAP4 === undefined) throw new Error('POP3 and IMAP4 are recorded');
const store = useMemoryStore(SMALL_DIRECTORY);
const logons = useRecordedLogonSource(smallDirectoryLogons(NOW), NOW);

const days = (protocol: UnusedLimit['protocol'], count: number): UnusedLimit => ({ protocol, days: count, text: `${count}d` });

async function audit(rules: Omit<AuditRule, 'at'>[], on: DirectoryStore = store()): Promise<RuleResult[]> {
  return runAudit(on, { path: 'policy.yml', rules: rules.map((rule, i) => ({ at: `policy.yml:${2 + 3 * i}:5`, ...rule })) }, Readable.from([]), () => undefined, () => undefined, { source: logons(), now: NOW });
}

const found = (result: RuleResult | undefined): [string, string][] =>
  (result?.violations ?? []).map((v): [string, string] => [v.PrimarySmtpAddress, Object.keys(v.fix).join()]).sort(([a], [b]) => a.localeCompare(b));

test('every covered mailbox counts; those with POP3 on and unused for 90 days break the rule, with the fix that turns it off; one query of the logins', async () => {
  const calls = logons().calls;
  const [rule] = await audit([{ name: 'idle POP3', unusedFor: [days(POP3, 90)] }]);
  assert.equal(rule?.selected, SMALL_DIRECTORY.length);
  // Chris Green (Sales) used POP3 two days ago; Bob Stone and Eve Moss have it off; the Administrator reads off.
  assert.deepEqual(found(rule), [['ann.lee@example.com', 'PopEnabled'], ['chris.green2@example.com', 'PopEnabled'], ['dana.fox@example.com', 'PopEnabled']]);
  assert.deepEqual(rule?.violations.find((v) => v.Name === 'Ann Lee')?.fix, { PopEnabled: false });
  assert.equal(logons().calls - calls, 1, 'one batch, one query');
});

test('an OU, exceptions and a second protocol: only what the rule covers, each protocol by its own period', async () => {
  const [rule] = await audit([{ name: 'IT', organizationalUnit: 'IT', except: { list: [{ identity: 'chris.green2', source: 'policy.yml:4:14' }] }, unusedFor: [days(POP3, 90), days(IMAP4, 2)] }]);
  assert.equal(rule?.selected, 2, 'Dana Fox and the Administrator');
  assert.deepEqual(found(rule), [['dana.fox@example.com', 'PopEnabled,ImapEnabled']]);
  assert.match(rule?.violations[0]?.Reason ?? '', /^POP3 enabled and unused for 90 days: no login recorded in 365 days; IMAP4 enabled and unused for 2 days: last login \S+Z \(3 days ago\)$/);
});

test('mailboxes made within the period are spared', async () => {
  const young = await memoryStore(SMALL_DIRECTORY, daysAgo(30));
  const [rule] = await audit([{ name: 'idle POP3', unusedFor: [days(POP3, 90)] }], young);
  assert.deepEqual([rule?.selected, rule?.violations.length], [SMALL_DIRECTORY.length, 0]);
});

test('an expect rule that wants POP3 on where an unusedFor rule turns it off contradicts it; where the mailbox uses POP3, it does not', async () => {
  await assert.rejects(
    audit([{ name: 'idle POP3', unusedFor: [days(POP3, 90)] }, { name: 'Ann keeps POP3', identities: { list: [{ identity: 'ann.lee', source: 'policy.yml:6:7' }] }, expect: { PopEnabled: true } }]),
    /rules contradict each other.*\n {2}rule 'idle POP3' \(policy\.yml:2:5\) expects PopEnabled False \(unusedFor: they leave it unused\) and rule 'Ann keeps POP3' \(policy\.yml:5:5\) expects True of the same 1 mailbox, e\.g\. Ann Lee/,
  );
  const results = await audit([{ name: 'idle POP3', unusedFor: [days(POP3, 90)] }, { name: 'Chris keeps POP3', identities: { list: [{ identity: 'chris.green1', source: 'policy.yml:6:7' }] }, expect: { PopEnabled: true } }]);
  assert.deepEqual(results.map((r) => r.violations.length), [3, 0]);
});

test('an unusedFor rule with no logins to read is a bug of the caller, never a clean report', async () => {
  await assert.rejects(
    runAudit(store(), { path: 'policy.yml', rules: [{ name: 'idle', unusedFor: [days(POP3, 90)] }] }, Readable.from([]), () => undefined, () => undefined),
    /rule 'idle' has unusedFor, and the audit was given no recorded logins/,
  );
});
