import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { AuditRule } from '../../../src/audit/policy.js';
import { runAudit, type RuleResult } from '../../../src/audit/run-audit.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { useRecordedLogonSource } from '../../helpers/logon-source.js';
import { useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY, smallDirectoryLogons } from '../../helpers/small-directory.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);
const store = useMemoryStore(SMALL_DIRECTORY);
const logons = useRecordedLogonSource(smallDirectoryLogons(NOW), NOW);

async function audit(rule: Omit<AuditRule, 'name' | 'at'>): Promise<RuleResult | undefined> {
  const [result] = await runAudit(store(), { path: 'policy.yml', rules: [{ name: 'rule', at: 'policy.yml:2', ...rule }] }, Readable.from([]), () => undefined, () => undefined, { source: logons(), now: NOW });
  return result;
}

const names = (result: RuleResult | undefined): string[] => (result?.violations ?? []).map((v) => v.Name).sort();
const STALE_POP = parseFilter(`LastPopLogonTime -lt '${daysAgo(30).toISOString()}' -or LastPopLogonTime -eq $null`);

test('an expect rule whose filter names logins: covers exactly the mailboxes the joined filter selects', async () => {
  const result = await audit({ filter: STALE_POP, expect: { PopEnabled: false } });
  // Everyone but Chris Green (Sales) used POP3 lately; Bob Stone and Eve Moss already have it off; the Administrator reads off.
  assert.equal(result?.selected, 6);
  assert.deepEqual(names(result), ['Ann Lee', 'Chris Green', 'Dana Fox']);
  assert.ok(!result?.violations.some((v) => v.PrimarySmtpAddress === 'chris.green1@example.com'));
});

test('a plan rule and a max rule with such a filter: the same covered mailboxes', async () => {
  assert.equal((await audit({ filter: STALE_POP, plan: true }))?.selected, 6);
  const max = await audit({ filter: parseFilter('LastPopLogonTime -ne $null -or LastImapLogonTime -ne $null'), max: 2 });
  assert.equal(max?.selected, 3);
  assert.deepEqual(names(max), ['Ann Lee', 'Chris Green', 'Dana Fox']);
});
