import type { Writable } from 'node:stream';
import { CAS_SETTINGS, perCasSetting } from '../core/protocols.js';
import { render, renderWith, type View } from '../output/formats.js';
import { AUDIT_FORMATS, type AuditFormat } from '../output/format-names.js';
import type { Formatter } from '../output/formatter.js';
import { FORMATTERS } from '../output/formatters.js';
import type { OutputRecord } from '../output/values.js';
import { JUNIT_FORMATTER } from './junit.js';
import type { AuditPolicy } from './policy.js';
import type { RuleResult, Violation } from './run-audit.js';
import type { UnusedProtocol } from './unused-for.js';

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
  properties: ['Rule', 'Guid', 'Name', 'PrimarySmtpAddress', ...CAS_SETTINGS, 'Reason'],
  defaults: ['Rule', 'Guid', 'Name', 'PrimarySmtpAddress', ...CAS_SETTINGS, 'Reason'],
  table: ['Rule', 'Name', 'PrimarySmtpAddress', 'Reason'],
  id: 'Guid',
};

const result = (r: RuleResult): 'Pass' | 'Fail' => (failed(r) ? 'Fail' : 'Pass');

function violationRecord(rule: string, v: Violation): OutputRecord {
  return { Rule: rule, Guid: v.Guid, Name: v.Name, PrimarySmtpAddress: v.PrimarySmtpAddress, ...perCasSetting((p) => v[p.property]), Reason: v.Reason };
}

function violationRecords(results: readonly RuleResult[]): OutputRecord[] {
  return results.flatMap((r) => r.violations.map((v) => violationRecord(r.rule.name, v)));
}

function ruleRecords(results: readonly RuleResult[]): OutputRecord[] {
  return results.map((r) => ({ Result: result(r), Rule: r.rule.name, Selected: r.selected, Violations: r.violations.length, Errors: r.errors.length }));
}

/** An audit's formats: the shared ones it offers, and JUnit for CI, which only an audit has. */
const AUDIT_FORMATTERS = Object.freeze({ table: FORMATTERS.table, json: FORMATTERS.json, csv: FORMATTERS.csv, junit: JUNIT_FORMATTER } satisfies Record<AuditFormat, Formatter>);
export { AUDIT_FORMATS, type AuditFormat };

/** One protocol an `unusedFor` violation leaves unused, and its last login within the retention (null: none). */
function unusedRecord({ limit, lastLogon }: UnusedProtocol): OutputRecord {
  return {
    Setting: limit.protocol.property,
    Protocol: limit.protocol.displayName,
    UnusedFor: limit.text,
    LastLogonTime: lastLogon?.time.toISOString() ?? null,
    ClientAddress: lastLogon?.clientAddress ?? null,
  };
}

/** A rule as json and junit see it: its definition, result and every violation (without the rule's name again). */
function ruleRecord(r: RuleResult): OutputRecord {
  return {
    Name: r.rule.name,
    Result: result(r),
    Selected: r.selected,
    OrganizationalUnit: r.rule.organizationalUnit ?? null,
    Filter: r.rule.filterText ?? null,
    // As the policy wrote it: `plan`, or the settings with `plan: true` among them.
    Expect: r.rule.plan === true ? (r.rule.expect === undefined ? 'plan' : { plan: true, ...r.rule.expect }) : (r.rule.expect ?? null),
    Max: r.rule.max ?? null,
    UnusedFor: r.rule.unusedFor === undefined ? null : Object.fromEntries(r.rule.unusedFor.map((l) => [l.protocol.property, l.text])),
    Errors: r.errors,
    Violations: r.violations.map((v) => {
      const { Rule: _rule, ...violation } = violationRecord(r.rule.name, v);
      return v.unused === undefined ? violation : { ...violation, Unused: v.unused.map(unusedRecord) };
    }),
  };
}

const RULE_VIEW: View = {
  properties: ['Name', 'Result', 'Selected', 'OrganizationalUnit', 'Filter', 'Expect', 'Max', 'UnusedFor', 'Errors', 'Violations'],
  defaults: ['Name', 'Result', 'Selected', 'OrganizationalUnit', 'Filter', 'Expect', 'Max', 'UnusedFor', 'Errors', 'Violations'],
  table: [],
  id: 'Name',
};

/** What JUnit's header counts, before any rule is written: a rule with violations is a failure, one whose identities do not resolve an error. */
function junitHead(policy: AuditPolicy, results: readonly RuleResult[]): OutputRecord {
  const failures = results.filter((r) => r.violations.length > 0).length;
  return { Policy: policy.path, Tests: results.length, Failures: failures, Errors: results.filter((r) => r.errors.length > 0).length };
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
    await render(ruleRecords(results), out, { format, view: RULES_VIEW, properties: RULES_VIEW.table, colour });
    if (results.some((r) => r.violations.length > 0)) {
      out.write('\n');
      await render(violationRecords(results), out, { format, view: VIOLATIONS_VIEW, properties: VIOLATIONS_VIEW.table, colour });
    }
    return;
  }
  if (format === 'csv') {
    await render(violationRecords(results), out, { format, view: VIOLATIONS_VIEW, properties: VIOLATIONS_VIEW.defaults, colour: false, csvRaw });
    return;
  }
  // A rule at a time: its violation records are made as it is written, not all of them first.
  async function* rules(): AsyncGenerator<OutputRecord[]> {
    for (const r of results) yield [ruleRecord(r)];
  }
  const head = format === 'json' ? { Policy: policy.path, Summary: { ...summarise(results) } } : junitHead(policy, results);
  await renderWith(AUDIT_FORMATTERS, rules(), out, {
    format,
    view: RULE_VIEW,
    properties: RULE_VIEW.defaults,
    colour: false,
    shape: { kind: 'envelope', head, list: 'Rules' },
  });
}
