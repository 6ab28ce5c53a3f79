import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CAS_SETTINGS } from '../../../src/core/protocols.js';
import { ROOT } from '../../helpers/cli.js';

interface PolicySchema {
  $defs: { rule: { properties: { expect: { properties: Record<string, { type: string }> } } } };
}

test("the published policy schema lets `expect` name exactly the registry's CAS settings", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'casctl-policy.schema.json'), 'utf8')) as PolicySchema;
  const expect = schema.$defs.rule.properties.expect.properties;
  assert.deepEqual(Object.keys(expect), CAS_SETTINGS);
  for (const setting of CAS_SETTINGS) assert.equal(expect[setting]?.type, 'boolean', setting);
});
