import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { AuditPolicy } from '../../../src/audit/policy.js';
import { AUDIT_FORMATS, writeAuditReport, type AuditFormat } from '../../../src/audit/report.js';
import type { RuleResult, Violation } from '../../../src/audit/run-audit.js';
import { CAS_SETTINGS, perCasSetting } from '../../../src/core/protocols.js';

const POLICY: AuditPolicy = { path: 'policies/<ci>&.yml', rules: [] };

const violation = (name: string): Violation => ({
  Guid: '6f1c2e0a-0000-4000-8000-000000000001',
  Name: name,
  PrimarySmtpAddress: 'x@example.com',
  IsAdministrator: false,
  ...perCasSetting(() => true),
  ImapEnabled: false,
  OWAEnabled: true,
  SmtpClientAuthenticationDisabled: null,
  Reason: 'PopEnabled is True, expected False',
  fix: { PopEnabled: false },
});

const RESULTS: RuleResult[] = [
  { rule: { name: 'clean', expect: { PopEnabled: false } }, selected: 3, violations: [], errors: [] },
  { rule: { name: 'Finance "no" <POP>', organizationalUnit: 'Finance', expect: { PopEnabled: false } }, selected: 2, violations: [violation('Zoë\x07 & Co')], errors: [] },
  { rule: { name: 'named', max: 1 }, selected: 0, violations: [], errors: ["'ghost' couldn't be found.\nCheck the spelling."] },
];

async function report(format: AuditFormat, results: readonly RuleResult[] = RESULTS): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeAuditReport(out, format, POLICY, results, false);
  return Buffer.concat(chunks).toString('utf8');
}

test('an audit offers table, json, csv and junit: junit is its own, ndjson is not an audit format', () => {
  assert.deepEqual(AUDIT_FORMATS, ['table', 'json', 'csv', 'junit']);
});

test('junit: one test case per rule, a failure per violation, an error per identity, XML-escaped, control characters replaced', async () => {
  const xml = await report('junit');
  assert.equal(xml, [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="casctl audit" tests="3" failures="1" errors="1">',
    '  <testsuite name="policies/&lt;ci&gt;&amp;.yml" tests="3" failures="1" errors="1" skipped="0">',
    '    <testcase classname="casctl.audit" name="clean"/>',
    '    <testcase classname="casctl.audit" name="Finance &quot;no&quot; &lt;POP&gt;">',
    '      <failure type="violation" message="Zoë\uFFFD &amp; Co &lt;x@example.com&gt;: PopEnabled is True, expected False">' +
      'Zoë\uFFFD &amp; Co &lt;x@example.com&gt;: PopEnabled is True, expected False\nGuid: 6f1c2e0a-0000-4000-8000-000000000001</failure>',
    '    </testcase>',
    '    <testcase classname="casctl.audit" name="named">',
    "      <error type=\"identity\" message=\"&apos;ghost&apos; couldn&apos;t be found.\">&apos;ghost&apos; couldn&apos;t be found.\nCheck the spelling.</error>",
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n'));
});

test('json: the policy, the summary, every rule with its errors and violations (without the rule name again)', async () => {
  const text = await report('json');
  assert.ok(text.startsWith('{"Policy":"policies/<ci>&.yml","Summary":{"Rules":3,"Passed":1,"Failed":2,"Violations":1,"Errors":1},"Rules":[\n  {"Name":"clean",'));
  assert.ok(text.endsWith('\n]}\n'));
  const parsed = JSON.parse(text) as { Rules: { Name: string; Result: string; Violations: Record<string, unknown>[]; Errors: string[]; Max: number | null }[] };
  assert.deepEqual(parsed.Rules.map((r) => [r.Name, r.Result, r.Violations.length, r.Errors.length, r.Max]), [
    ['clean', 'Pass', 0, 0, null],
    ['Finance "no" <POP>', 'Fail', 1, 0, null],
    ['named', 'Fail', 0, 1, 1],
  ]);
  assert.deepEqual(Object.keys(parsed.Rules[1]?.Violations[0] ?? {}), ['Guid', 'Name', 'PrimarySmtpAddress', ...CAS_SETTINGS, 'Reason']);
  assert.equal(parsed.Rules[1]?.Violations[0]?.Name, 'Zoë\x07 & Co', 'json keeps the exact text');
});

test('csv: one row per violation; table: the rules, then the violations, control characters escaped', async () => {
  const csv = await report('csv');
  assert.equal(csv.split('\r\n').length, 3, 'header, one violation, the final CRLF');
  assert.match(csv, /^"Finance ""no"" <POP>",6f1c2e0a/m);
  const table = await report('table');
  assert.ok(!table.includes('\x07'));
  assert.match(table, /^Fail +Finance "no" <POP> +2 +1 +0$/m);
  assert.match(table, /\n\nRule +Name +PrimarySmtpAddress +Reason\n/);
  const clean = await report('table', [RESULTS[0] as RuleResult]);
  assert.equal(clean.trimEnd().split('\n').length, 3, 'no violations, no second table');
});
