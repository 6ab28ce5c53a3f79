import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CAS_SETTINGS, PROTOCOLS, isNullable, protocolList } from '../../../src/core/protocols.js';
import { POLICY_SCHEMA_PATH, policySchemaText } from '../../../scripts/policy-schema.js';
import { ROOT } from '../../helpers/cli.js';

interface PolicySchema {
  description: string;
  $defs: { rule: { properties: { expect: { oneOf: [{ const: string }, { properties: Record<string, { type?: string | string[]; const?: boolean }> }] } } } };
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
