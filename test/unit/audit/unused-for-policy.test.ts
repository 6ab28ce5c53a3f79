import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPolicy } from '../../../src/audit/policy.js';
import { parseUnusedPeriod } from '../../../src/audit/unused-for.js';
import { ExitCode } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';

function policyFile(text: string, name = 'policy.yml'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** The rule's limits as [setting, days, text]. */
async function limits(text: string, name?: string): Promise<[string, number, string][]> {
  const policy = await readPolicy(policyFile(text, name), { allowOutsideFiles: false });
  return (policy.rules[0]?.unusedFor ?? []).map((l) => [l.protocol.property, l.days, l.text]);
}

async function refused(text: string, message: RegExp): Promise<void> {
  await assert.rejects(readPolicy(policyFile(text), { allowOutsideFiles: false }), (error: Error & { exitCode?: number }) => {
    assert.equal(error.exitCode, ExitCode.Usage);
    assert.match(error.message, message);
    return true;
  });
}

test('periods: days and weeks, any case and spacing; a bare number, months, zero and absurd lengths are refused', () => {
  assert.deepEqual(parseUnusedPeriod('90d'), { days: 90, text: '90d' });
  assert.deepEqual(parseUnusedPeriod('12w'), { days: 84, text: '12w' });
  assert.deepEqual(parseUnusedPeriod(' 26 W '), { days: 182, text: '26w' });
  assert.deepEqual(parseUnusedPeriod('090d'), { days: 90, text: '90d' });
  assert.deepEqual(parseUnusedPeriod(90), { error: '90 has no unit; write a number of days or weeks, e.g. 90d or 12w' });
  for (const bad of ['3m', '90', 'd', '90 days', '-5d', '1.5w', '', '90constructor', '1toString']) assert.match((parseUnusedPeriod(bad) as { error: string }).error, /is not a period/, bad);
  for (const bad of ['0d', '0w', '36501d', '5215w']) assert.match((parseUnusedPeriod(bad) as { error: string }).error, /out of range: from 1d to 36500d/, bad);
  assert.match((parseUnusedPeriod(true) as { error: string }).error, /^write a number of days or weeks/);
});

test('unusedFor: 90d covers every protocol whose logins are recorded wherever any are; a mapping names them, OWA too, each with its own period', async () => {
  // OWA's are recorded apart only with webmail networks, and only since: a bare period written before must not turn the webmail off.
  assert.deepEqual(await limits('rules:\n  - name: idle\n    unusedFor: 90d\n'), [['PopEnabled', 90, '90d'], ['ImapEnabled', 90, '90d']]);
  assert.deepEqual(await limits('rules:\n  - name: idle\n    unusedFor: { OWAEnabled: 26w }\n'), [['OWAEnabled', 182, '26w']]);
  assert.deepEqual(await limits('rules:\n  - name: idle\n    unusedFor: { PopEnabled: 90d, imapenabled: 26w }\n'), [['PopEnabled', 90, '90d'], ['ImapEnabled', 182, '26w']]);
  assert.deepEqual(await limits(JSON.stringify({ rules: [{ name: 'idle', organizationalUnit: 'Sales', unusedFor: { ImapEnabled: '13w' } }] }), 'policy.json'), [['ImapEnabled', 91, '13w']]);
  const policy = await readPolicy(policyFile('rules:\n  - name: idle\n    filter: "Department -eq \'Sales\'"\n    except: [ann]\n    unusedFor: 4w\n'), { allowOutsideFiles: false });
  assert.equal(policy.rules[0]?.filterText, "Department -eq 'Sales'");
  assert.deepEqual(policy.rules[0]?.except, { list: [{ identity: 'ann', source: `${policy.path}:4:14` }] });
});

test('a bad period is located at its value', async () => {
  await refused('rules:\n  - name: idle\n    unusedFor: 90\n', /policy\.yml:3:16: "unusedFor": 90 has no unit; write a number of days or weeks, e\.g\. 90d or 12w$/);
  await refused('rules:\n  - name: idle\n    unusedFor: { PopEnabled: 3m }\n', /policy\.yml:3:30: "unusedFor": '3m' is not a period/);
  await refused('rules:\n  - name: idle\n    unusedFor:\n      ImapEnabled: 0d\n', /policy\.yml:4:20: "unusedFor": '0d' is out of range/);
  await refused('rules:\n  - name: idle\n    unusedFor:\n', /policy\.yml:3:15: "unusedFor": write a number of days or weeks/);
  await refused('rules:\n  - name: idle\n    unusedFor: [90d]\n', /policy\.yml:3:16: "unusedFor" is a period \(90d\) or maps settings to periods, e\.g\. \{ PopEnabled: 90d, ImapEnabled: 26w, OWAEnabled: 26w \}/);
  await refused('rules:\n  - name: idle\n    unusedFor: {}\n', /policy\.yml:3:16: "unusedFor" names no setting/);
});

test('a protocol whose logins are not recorded, or no setting at all, is located at its key', async () => {
  await refused('rules:\n  - name: idle\n    unusedFor: { PopEnabled: 90d, ManageSieveEnabled: 90d }\n', /policy\.yml:3:35: 'ManageSieveEnabled' is a setting whose logins are not recorded; "unusedFor" takes PopEnabled or ImapEnabled or OWAEnabled$/);
  await refused('rules:\n  - name: idle\n    unusedFor:\n      Pop3: 90d\n', /policy\.yml:4:7: 'Pop3' is not a setting; "unusedFor" takes PopEnabled or ImapEnabled or OWAEnabled$/);
});

test('unusedFor is a rule of its own: with expect or max it is refused, at the key; a rule with none of them states nothing', async () => {
  await refused('rules:\n  - name: idle\n    expect: { PopEnabled: false }\n    unusedFor: 90d\n', /policy\.yml:4:5: "unusedFor" is a rule of its own: put "expect" in another rule/);
  await refused('rules:\n  - name: idle\n    expect: plan\n    unusedFor: 90d\n', /policy\.yml:4:5: "unusedFor" is a rule of its own: put "expect" in another rule/);
  await refused('rules:\n  - name: idle\n    max: 3\n    unusedFor: 90d\n', /policy\.yml:4:5: "unusedFor" is a rule of its own: put "max" in another rule/);
  await refused('rules:\n  - name: idle\n    organizationalUnit: Sales\n', /policy\.yml:2:5: rule 'idle' states nothing: give "expect", "max" or both, or "unusedFor"/);
  await refused('rules:\n  - name: idle\n    unusedfor: 90d\n', /policy\.yml:3:5: unknown key 'unusedfor'; a rule has .*max, unusedFor, except/);
});
