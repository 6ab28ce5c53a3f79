import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CAS_SETTINGS, PROTOCOLS, isNullable, protocolList } from '../../../src/core/protocols.js';
import { LAST_LOGON_PROTOCOLS } from '../../../src/core/last-logons.js';
import { parseUnusedPeriod } from '../../../src/audit/unused-for.js';
import { POLICY_SCHEMA_PATH, policySchemaText } from '../../../scripts/policy-schema.js';
import { ROOT } from '../../helpers/cli.js';

interface PolicySchema {
  description: string;
  $defs: {
    period: { pattern: string };
    rule: {
      anyOf: { required: string[] }[];
      not: { anyOf: { required: string[] }[] };
      properties: {
        expect: { oneOf: [{ const: string }, { properties: Record<string, { type?: string | string[]; const?: boolean }> }] };
        unusedFor: { oneOf: [{ $ref: string }, { properties: Record<string, { $ref: string }> }] };
      };
    };
  };
}

const committed = readFileSync(join(ROOT, POLICY_SCHEMA_PATH), 'utf8');

test('the committed policy schema is the one the registry generates (run: node --import tsx scripts/make-policy-schema.ts)', () => {
  assert.equal(committed, policySchemaText());
});

test("the published policy schema lets `expect` be plan, or name plan and exactly the registry's CAS settings", () => {
  const schema = JSON.parse(committed) as PolicySchema;
  const [plan, settings] = schema.$defs.rule.properties.expect.oneOf;
  assert.equal(plan.const, 'plan');
  const expect = settings.properties;
  assert.deepEqual(Object.keys(expect), ['plan', ...CAS_SETTINGS]);
  assert.equal(expect.plan?.const, true);
  // A nullable setting may also be expected null: the mailbox follows the organisation default.
  for (const protocol of PROTOCOLS) assert.deepEqual(expect[protocol.property]?.type, isNullable(protocol) ? ['boolean', 'null'] : 'boolean', protocol.property);
  assert.ok(schema.description.startsWith(`Named rules about who may use ${protocolList('and', PROTOCOLS)};`), schema.description);
});

test('the schema\'s unusedFor: one period for every recorded protocol, or a period per recorded protocol; a rule of its own', () => {
  const schema = JSON.parse(committed) as PolicySchema;
  const [every, each] = schema.$defs.rule.properties.unusedFor.oneOf;
  assert.equal(every.$ref, '#/$defs/period');
  assert.deepEqual(Object.keys(each.properties), LAST_LOGON_PROTOCOLS.map((p) => p.property));
  assert.ok(Object.values(each.properties).every((p) => p.$ref === '#/$defs/period'));
  assert.ok(schema.$defs.rule.anyOf.some((a) => a.required.includes('unusedFor')));
  for (const other of ['expect', 'max']) assert.ok(schema.$defs.rule.not.anyOf.some((n) => n.required.join() === `unusedFor,${other}`), other);
  // The pattern admits what the parser admits (the range aside, which a pattern does not state).
  const pattern = new RegExp(schema.$defs.period.pattern);
  for (const text of ['90d', '12w', ' 26 W ', '3m', '90', '1.5w', '90 days', '0d']) {
    assert.equal(pattern.test(text), !('error' in parseUnusedPeriod(text)) || /out of range/.test(JSON.stringify(parseUnusedPeriod(text))), text);
  }
});
