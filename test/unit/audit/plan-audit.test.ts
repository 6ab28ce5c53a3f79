import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readPolicy, type AuditRule } from '../../../src/audit/policy.js';
import { runAudit, type RuleResult } from '../../../src/audit/run-audit.js';
import { INHERITED } from '../../../src/core/mailbox-plans.js';
import { tempDir } from '../../helpers/cli.js';
import { useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY } from '../../helpers/small-directory.js';

const store = useMemoryStore(SMALL_DIRECTORY);
const CONTEXT = { when: new Date(), osUser: 't', sudoUser: null, host: 'h', commandLine: 'casctl set-casmailboxplan Sales --pop-enabled false' };

async function audit(...rules: AuditRule[]): Promise<RuleResult[]> {
  return runAudit(store(), { path: 'policy.yml', rules }, Readable.from([]), () => undefined, () => undefined);
}

const violations = (result: RuleResult | undefined): [string, string][] =>
  (result?.violations ?? []).map((v): [string, string] => [v.Name, v.Reason]).sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));

test('expect: plan compares every setting with the effective plan of the mailbox\'s OU, naming the plan that decided it', async () => {
  await store().applyPlanChanges([{ scope: 'example.com/Sales', property: 'PopEnabled', to: false, from: INHERITED }], CONTEXT);
  const [all] = await audit({ name: 'as new mailboxes would be', plan: true });
  assert.equal(all?.selected, SMALL_DIRECTORY.length);
  // The Administrator reads disabled, as a new one would be: no violation.
  assert.deepEqual(violations(all), [
    ['Ann Lee', "PopEnabled is True, expected False (plan 'example.com/Sales')"],
    ['Chris Green', "ImapEnabled is False, expected True (built-in default: no plan sets it)"],
    ['Chris Green', "PopEnabled is True, expected False (plan 'example.com/Sales')"],
    ['Eve Moss', 'PopEnabled is False, expected True (built-in default: no plan sets it); ImapEnabled is False, expected True (built-in default: no plan sets it)'],
  ]);
  assert.deepEqual(all?.violations.find((v) => v.Name === 'Eve Moss')?.fix, { PopEnabled: true, ImapEnabled: true });
});

test('a rule mixing plan with settings of its own: those override the plan', async () => {
  const [it] = await audit({ name: 'IT', organizationalUnit: 'IT', plan: true, expect: { ImapEnabled: false } });
  assert.deepEqual(violations(it), [['Dana Fox', 'ImapEnabled is True, expected False']]);
});

test('the policy says plan as `expect: plan` or `plan: true` among the settings; plan: false is a mistake', async () => {
  const dir = tempDir();
  const path = join(dir, 'policy.yml');
  writeFileSync(path, 'rules:\n  - name: a\n    expect: plan\n  - name: b\n    expect: { plan: true, PopEnabled: false }\n');
  const policy = await readPolicy(path, { allowOutsideFiles: false });
  assert.deepEqual(policy.rules.map((r) => [r.name, r.plan, r.expect]), [['a', true, undefined], ['b', true, { PopEnabled: false }]]);
  writeFileSync(path, 'rules:\n  - name: a\n    expect: { plan: false }\n');
  await assert.rejects(readPolicy(path, { allowOutsideFiles: false }), /policy\.yml:3:21: "plan" can only be true/);
});
