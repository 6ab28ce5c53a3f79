import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Option } from 'commander';
import { PROTOCOLS } from '../../../src/core/protocols.js';
import { settingOption, settingOptionKey } from '../../../src/cli/setting-options.js';

test("each CAS setting's option is its Exchange name in kebab case", () => {
  const options = PROTOCOLS.map((p) => settingOption(p.property));
  assert.deepEqual(options, PROTOCOLS.map((p) => p.property.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()));
  for (const option of options) assert.match(option, /^[a-z0-9]+(-[a-z0-9]+)*-enabled$/);
  assert.equal(new Set(options).size, PROTOCOLS.length);
});

test('commander stores each option under the key set-casmailbox reads', () => {
  for (const { property } of PROTOCOLS) {
    assert.equal(new Option(`--${settingOption(property)} <bool>`).attributeName(), settingOptionKey(property), property);
  }
});
