import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { AuditRule } from '../../../src/audit/policy.js';
import { runAudit, type RuleResult } from '../../../src/audit/run-audit.js';
import type { SelectionProblem } from '../../../src/core/select.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { tempDir } from '../../helpers/cli.js';
import { useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY } from '../../helpers/small-directory.js';

const store = useMemoryStore(SMALL_DIRECTORY);

interface Audited {
  results: RuleResult[];
  reported: SelectionProblem[];
  stale: [string, SelectionProblem][];
}

async function audit(...rules: AuditRule[]): Promise<Audited> {
  const reported: SelectionProblem[] = [];
  const stale: [string, SelectionProblem][] = [];
  const results = await runAudit(store(), { path: 'policy.yml', rules }, Readable.from([]), (p) => reported.push(p), (rule, p) => stale.push([rule.name, p]));
  return { results, reported, stale };
}

const list = (...identities: string[]): { list: { identity: string; source: string }[] } => ({
  list: identities.map((identity, i) => ({ identity, source: `policy.yml:${i + 3}:7` })),
});

/** Each violation as [Name, Reason], sorted: the store's order is its own. */
const violations = (result: RuleResult | undefined): [string, string][] =>
  (result?.violations ?? []).map((v): [string, string] => [v.Name, v.Reason]).sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));

test('an expect rule over an OU: who covers it, who breaks it and why, and the fix that would satisfy it', async () => {
  const { results: [sales] } = await audit({ name: 'no POP3 in Sales', organizationalUnit: 'Sales', expect: { PopEnabled: false } });
  assert.equal(sales?.selected, 3);
  assert.deepEqual(violations(sales), [
    ['Ann Lee', 'PopEnabled is True, expected False'],
    ['Chris Green', 'PopEnabled is True, expected False'],
  ]);
  assert.deepEqual(sales?.violations.map((v) => v.fix), [{ PopEnabled: false }, { PopEnabled: false }]);
  assert.deepEqual(sales?.errors, []);
  const ann = sales?.violations.find((v) => v.Name === 'Ann Lee');
  assert.deepEqual([ann?.PrimarySmtpAddress, ann?.IsAdministrator, ann?.PopEnabled, ann?.ImapEnabled], ['ann.lee@example.com', false, true, true]);
});

test('a filter and several expected settings: each wrong one in the reason and in the fix', async () => {
  const { results: [rule] } = await audit({ name: 'IT has IMAP4 only', filter: parseFilter("OrganizationalUnit -like '*/IT'"), expect: { PopEnabled: false, ImapEnabled: true } });
  assert.equal(rule?.selected, 3);
  assert.deepEqual(violations(rule), [
    ['Administrator', 'ImapEnabled is False, expected True'],
    ['Chris Green', 'PopEnabled is True, expected False; ImapEnabled is False, expected True'],
    ['Dana Fox', 'PopEnabled is True, expected False'],
  ]);
  assert.deepEqual(rule?.violations.find((v) => v.Name === 'Chris Green')?.fix, { PopEnabled: false, ImapEnabled: true });
});

test('the Administrator reads disabled: it breaks a rule that expects POP3, never one that forbids it', async () => {
  // Two audits: in one policy, these rules would contradict each other.
  const { results: [forbid] } = await audit({ name: 'no POP3 in IT', organizationalUnit: 'IT', expect: { PopEnabled: false } });
  const { results: [expectOn] } = await audit({ name: 'POP3 in IT', organizationalUnit: 'IT', expect: { PopEnabled: true } });
  assert.ok(!violations(forbid).some(([name]) => name === 'Administrator'));
  const admin = expectOn?.violations.find((v) => v.Name === 'Administrator');
  assert.deepEqual([admin?.IsAdministrator, admin?.Reason], [true, 'PopEnabled is False, expected True']);
});

test('exceptions let mailboxes off and out of the count; an exception naming nothing is stale, not a failure', async () => {
  const { results: [sales], stale, reported } = await audit({ name: 'no POP3 in Sales', organizationalUnit: 'Sales', expect: { PopEnabled: false }, except: list('ann.lee', 'left.long.ago@example.com') });
  assert.equal(sales?.selected, 2);
  assert.deepEqual(violations(sales), [['Chris Green', 'PopEnabled is True, expected False']]);
  assert.deepEqual(sales?.errors, []);
  assert.deepEqual(stale.map(([rule, p]) => [rule, p.kind, p.identity.identity]), [['no POP3 in Sales', 'notFound', 'left.long.ago@example.com']]);
  assert.deepEqual(reported, []);
});

test('identities the rule names that name nothing or several fail the rule: a typo must not turn CI green', async () => {
  const { results: [rule], reported } = await audit({ name: 'these keep IMAP4', identities: list('ann.lee', 'an.lee', 'Chris Green'), expect: { ImapEnabled: true } });
  assert.equal(rule?.selected, 1);
  assert.deepEqual(rule?.violations, []);
  assert.equal(rule?.errors.length, 2);
  assert.match(rule?.errors[0] ?? '', /object 'an\.lee' couldn't be found/);
  assert.match(rule?.errors[1] ?? '', /'Chris Green' matches multiple entries/);
  assert.deepEqual(reported.map((p) => p.kind), ['notFound', 'ambiguous']);
});

test('a max rule over the limit lists every mailbox it covers, adding to the reason of one that breaks its expect too', async () => {
  const { results: [few, many] } = await audit(
    { name: 'few with POP3 and IMAP4', filter: parseFilter('PopEnabled -eq $true -and ImapEnabled -eq $true'), max: 3 },
    { name: 'one in Sales, without POP3', organizationalUnit: 'Sales', max: 1, expect: { PopEnabled: false } },
  );
  assert.deepEqual([few?.selected, few?.violations], [3, []], 'at the limit: no violation');
  assert.equal(many?.selected, 3);
  const limit = 'one of 3 mailboxes the rule covers; at most 1 may';
  assert.deepEqual(violations(many), [
    ['Ann Lee', `PopEnabled is True, expected False; ${limit}`],
    ['Bob Stone', limit],
    ['Chris Green', `PopEnabled is True, expected False; ${limit}`],
  ]);
  assert.deepEqual(many?.violations.find((v) => v.Name === 'Bob Stone')?.fix, {}, 'which to disable is the admin\'s call');
});

test("a rule's file of identities: its lines appear in messages only as a short prefix", async () => {
  const file = join(tempDir(), 'keep-imap.txt');
  const secret = `${'s3cr3t-'.repeat(10)}@example.com`;
  writeFileSync(file, `# who keeps IMAP4\nann.lee\n${secret}\nbob.stone\n`);
  const { results: [rule] } = await audit({ name: 'file', identities: { file }, expect: { ImapEnabled: true } });
  assert.equal(rule?.selected, 2);
  assert.equal(rule?.errors.length, 1);
  assert.ok(!(rule?.errors[0] ?? '').includes(secret));
  assert.match(rule?.errors[0] ?? '', /object 's3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3…' couldn't be found/);
});

test('an audit changes nothing, and an unknown OU is a usage error before any rule runs', async () => {
  const before = await store().getChangeRecords({});
  await audit({ name: 'no POP3 anywhere', expect: { PopEnabled: false } });
  assert.deepEqual(await store().getChangeRecords({}), before);
  await assert.rejects(audit({ name: 'nowhere', organizationalUnit: 'Nowhere', expect: { PopEnabled: false } }), /couldn't be found/);
});
