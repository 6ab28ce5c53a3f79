import type { Writable } from 'node:stream';
import { render, type OutputFormat, type View } from '../output/formats.js';
import type { OutputRecord } from '../output/values.js';
import { BufferedWriter } from '../output/writer.js';
import type { AuditPolicy } from './policy.js';
import type { RuleResult, Violation } from './run-audit.js';

export const AUDIT_FORMATS = ['table', 'json', 'csv', 'junit'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditSummary {
  Rules: number;
  Passed: number;
  Failed: number;
  Violations: number;
  /** Identities rules name that name no mailbox, or several. */
  Errors: number;
}

const failed = (r: RuleResult): boolean => r.violations.length > 0 || r.errors.length > 0;

export function summarise(results: readonly RuleResult[]): AuditSummary {
  const failures = results.filter(failed).length;
  return {
    Rules: results.length,
    Passed: results.length - failures,
    Failed: failures,
    Violations: results.reduce((n, r) => n + r.violations.length, 0),
    Errors: results.reduce((n, r) => n + r.errors.length, 0),
  };
}

const RULES_VIEW: View = {
  properties: ['Result', 'Rule', 'Selected', 'Violations', 'Errors'],
  defaults: ['Result', 'Rule', 'Selected', 'Violations', 'Errors'],
  table: ['Result', 'Rule', 'Selected', 'Violations', 'Errors'],
  id: 'Rule',
};

const VIOLATIONS_VIEW: View = {
  properties: ['Rule', 'Guid', 'Name', 'PrimarySmtpAddress', 'PopEnabled', 'ImapEnabled', 'Reason'],
  defaults: ['Rule', 'Guid', 'Name', 'PrimarySmtpAddress', 'PopEnabled', 'ImapEnabled', 'Reason'],
  table: ['Rule', 'Name', 'PrimarySmtpAddress', 'Reason'],
  id: 'Guid',
};

const result = (r: RuleResult): 'Pass' | 'Fail' => (failed(r) ? 'Fail' : 'Pass');

function violationRecord(rule: string, v: Violation): OutputRecord {
  return { Rule: rule, Guid: v.Guid, Name: v.Name, PrimarySmtpAddress: v.PrimarySmtpAddress, PopEnabled: v.PopEnabled, ImapEnabled: v.ImapEnabled, Reason: v.Reason };
}

function violationRecords(results: readonly RuleResult[]): OutputRecord[] {
  return results.flatMap((r) => r.violations.map((v) => violationRecord(r.rule.name, v)));
}

function ruleRecords(results: readonly RuleResult[]): OutputRecord[] {
  return results.map((r) => ({ Result: result(r), Rule: r.rule.name, Selected: r.selected, Violations: r.violations.length, Errors: r.errors.length }));
}

/** table: the rules, then every violation; csv: one row per violation; json: everything; junit: one test case per rule. */
export async function writeAuditReport(
  out: Writable,
  format: AuditFormat,
  policy: AuditPolicy,
  results: readonly RuleResult[],
  colour: boolean,
  csvRaw = false,
): Promise<void> {
  if (format === 'table') {
    await render(ruleRecords(results), out, { format: 'table', view: RULES_VIEW, properties: RULES_VIEW.table, colour });
    if (results.some((r) => r.violations.length > 0)) {
      out.write('\n');
      await render(violationRecords(results), out, { format: 'table', view: VIOLATIONS_VIEW, properties: VIOLATIONS_VIEW.table, colour });
    }
    return;
  }
  if (format === 'csv' || format === 'json') {
    if (format === 'csv') {
      await render(violationRecords(results), out, { format: 'csv' as OutputFormat, view: VIOLATIONS_VIEW, properties: VIOLATIONS_VIEW.defaults, colour: false, csvRaw });
      return;
    }
    const writer = new BufferedWriter(out);
    await writer.write(`{"Policy":${JSON.stringify(policy.path)},"Summary":${JSON.stringify(summarise(results))},"Rules":[`);
    for (const [i, r] of results.entries()) {
      const rule = {
        Name: r.rule.name,
        Result: result(r),
        Selected: r.selected,
        OrganizationalUnit: r.rule.organizationalUnit ?? null,
        Filter: r.rule.filterText ?? null,
        Expect: r.rule.expect ?? null,
        Max: r.rule.max ?? null,
        Errors: r.errors,
      };
      await writer.write(`${i === 0 ? '\n  ' : ',\n  '}${JSON.stringify(rule).slice(0, -1)},"Violations":[`);
      for (const [j, v] of r.violations.entries()) {
        const { Rule: _rule, ...violation } = violationRecord(r.rule.name, v);
        await writer.write(`${j === 0 ? '' : ','}${JSON.stringify(violation)}`);
      }
      await writer.write(']}');
    }
    await writer.write('\n]}\n');
    await writer.flush();
    return;
  }
  await junit(out, policy, results);
}

/** XML 1.0 text: escaped, and without the control characters XML cannot carry at all. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit XML as CI systems read it: one test case per rule, one <failure> per violating mailbox. */
async function junit(out: Writable, policy: AuditPolicy, results: readonly RuleResult[]): Promise<void> {
  const writer = new BufferedWriter(out);
  const summary = summarise(results);
  await writer.write('<?xml version="1.0" encoding="UTF-8"?>\n');
  // JUnit counts test cases: a rule with violations is a failure, one whose identities do not resolve an error.
  const failures = results.filter((r) => r.violations.length > 0).length;
  const errors = results.filter((r) => r.errors.length > 0).length;
  await writer.write(`<testsuites name="casctl audit" tests="${summary.Rules}" failures="${failures}" errors="${errors}">\n`);
  await writer.write(`  <testsuite name="${xml(policy.path)}" tests="${summary.Rules}" failures="${failures}" errors="${errors}" skipped="0">\n`);
  for (const r of results) {
    const name = xml(r.rule.name);
    if (!failed(r)) {
      await writer.write(`    <testcase classname="casctl.audit" name="${name}"/>\n`);
      continue;
    }
    await writer.write(`    <testcase classname="casctl.audit" name="${name}">\n`);
    for (const message of r.errors) {
      await writer.write(`      <error type="identity" message="${xml(message.split('\n')[0] ?? message)}">${xml(message)}</error>\n`);
    }
    for (const v of r.violations) {
      const message = `${v.Name} <${v.PrimarySmtpAddress}>: ${v.Reason}`;
      await writer.write(`      <failure type="violation" message="${xml(message)}">${xml(`${message}\nGuid: ${v.Guid}`)}</failure>\n`);
    }
    await writer.write('    </testcase>\n');
  }
  await writer.write('  </testsuite>\n</testsuites>\n');
  await writer.flush();
}
