import type { FormatInput, Formatter } from '../output/formatter.js';
import type { OutputRecord, OutputValue } from '../output/values.js';
import type { BufferedWriter } from '../output/writer.js';

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

const text = (value: OutputValue | undefined): string => (typeof value === 'string' ? value : String(value ?? ''));
const list = (value: OutputValue | undefined): readonly OutputValue[] => (Array.isArray(value) ? value : []);
const isFields = (value: OutputValue): value is { readonly [key: string]: OutputValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const fields = (value: OutputValue): OutputRecord => (isFields(value) ? value : {});

/**
 * JUnit XML as CI systems read it, from the audit's JSON records (report.ts): one test case per
 * rule, one <failure> per violating mailbox, one <error> per identity that does not resolve. The
 * envelope's head carries the counts the header needs first (Policy, Tests, Failures, Errors), so
 * the rules stream.
 */
async function junit({ batches, shape }: FormatInput, writer: BufferedWriter): Promise<number> {
  const head = shape.kind === 'envelope' ? shape.head : {};
  const counts = `tests="${text(head.Tests)}" failures="${text(head.Failures)}" errors="${text(head.Errors)}"`;
  await writer.write('<?xml version="1.0" encoding="UTF-8"?>\n');
  await writer.write(`<testsuites name="casctl audit" ${counts}>\n`);
  await writer.write(`  <testsuite name="${xml(text(head.Policy))}" ${counts} skipped="0">\n`);
  let count = 0;
  for await (const batch of batches) {
    for (const rule of batch) {
      count++;
      await testCase(rule, writer);
    }
  }
  await writer.write('  </testsuite>\n</testsuites>\n');
  return count;
}

/** A rule's test case: empty when it passed. */
async function testCase(rule: OutputRecord, writer: BufferedWriter): Promise<void> {
  const name = xml(text(rule.Name));
  const violations = list(rule.Violations).map(fields);
  const messages = list(rule.Errors).map(text);
  if (violations.length === 0 && messages.length === 0) {
    await writer.write(`    <testcase classname="casctl.audit" name="${name}"/>\n`);
    return;
  }
  await writer.write(`    <testcase classname="casctl.audit" name="${name}">\n`);
  for (const message of messages) {
    await writer.write(`      <error type="identity" message="${xml(message.split('\n')[0] ?? message)}">${xml(message)}</error>\n`);
  }
  for (const v of violations) {
    const message = `${text(v.Name)} <${text(v.PrimarySmtpAddress)}>: ${text(v.Reason)}`;
    await writer.write(`      <failure type="violation" message="${xml(message)}">${xml(`${message}\nGuid: ${text(v.Guid)}`)}</failure>\n`);
  }
  await writer.write('    </testcase>\n');
}

/** Registered for audits only (report.ts): it reads an audit's rule records. */
export const JUNIT_FORMATTER: Formatter = { display: false, write: junit };
