import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAILBOX_FIELDS } from '../../../src/core/mailbox.js';
import { PLAN_FIELDS } from '../../../src/core/plan.js';
import {
  CAS_SETTINGS, PROTOCOLS, USE_DEFAULTS_PROPERTIES, USE_DEFAULTS_PROTOCOLS, compareCasSettings, isCasSetting, perCasSetting, perUseDefaults, protocolList, protocolOf,
} from '../../../src/core/protocols.js';

test('the settings lists and records follow the registry, in its order', () => {
  assert.deepEqual(CAS_SETTINGS, PROTOCOLS.map((p) => p.property));
  assert.deepEqual(USE_DEFAULTS_PROPERTIES, USE_DEFAULTS_PROTOCOLS.map((p) => p.useDefaultsProperty));
  assert.deepEqual(USE_DEFAULTS_PROTOCOLS, PROTOCOLS.filter((p) => 'useDefaultsProperty' in p));
  assert.deepEqual(Object.keys(perCasSetting((p) => p.name)), CAS_SETTINGS);
  assert.deepEqual(Object.values(perCasSetting((p) => p.name)), PROTOCOLS.map((p) => p.name));
  assert.deepEqual(Object.entries(perUseDefaults((p) => p.displayName)), USE_DEFAULTS_PROTOCOLS.map((p) => [p.useDefaultsProperty, p.displayName]));
});

test('a CAS setting names its protocol; any other text, even in another case, does not', () => {
  for (const protocol of PROTOCOLS) {
    assert.equal(protocolOf(protocol.property), protocol);
    assert.equal(isCasSetting(protocol.property), true);
    assert.equal(isCasSetting(protocol.property.toLowerCase()), false);
  }
  for (const protocol of USE_DEFAULTS_PROTOCOLS) assert.equal(protocolOf(protocol.useDefaultsProperty), undefined);
  assert.equal(isCasSetting('Department'), false);
});

test('settings compare in registry order, not by name', () => {
  const shuffled = [...CAS_SETTINGS].reverse();
  assert.deepEqual(shuffled.sort(compareCasSettings), CAS_SETTINGS);
  for (const setting of CAS_SETTINGS) assert.equal(compareCasSettings(setting, setting), 0);
  PROTOCOLS.forEach((p, i) => {
    const next = PROTOCOLS[i + 1];
    if (next !== undefined) assert.ok(compareCasSettings(p.property, next.property) < 0, `${p.property} before ${next.property}`);
  });
});

test("every protocol's fields are mailbox fields, and planning reads every CAS setting", () => {
  for (const protocol of PROTOCOLS) {
    assert.ok(MAILBOX_FIELDS.includes(protocol.property), protocol.property);
    assert.ok((PLAN_FIELDS as readonly string[]).includes(protocol.property), protocol.property);
  }
  for (const protocol of USE_DEFAULTS_PROTOCOLS) assert.ok(MAILBOX_FIELDS.includes(protocol.useDefaultsProperty), protocol.useDefaultsProperty);
  assert.equal(new Set(MAILBOX_FIELDS).size, MAILBOX_FIELDS.length);
});

test('messages name the protocols from the registry', () => {
  const popAndImap = PROTOCOLS.filter((p) => p.name === 'pop3' || p.name === 'imap');
  assert.equal(protocolList('or', popAndImap), 'POP3 or IMAP4');
  assert.equal(protocolList('and', popAndImap), 'POP3 and IMAP4');
  assert.equal(protocolList('and', PROTOCOLS), `${PROTOCOLS.slice(0, -1).map((p) => p.displayName).join(', ')} and ${PROTOCOLS.at(-1)?.displayName ?? ''}`);
  assert.equal(protocolList('or', [{ displayName: 'A' }, { displayName: 'B' }, { displayName: 'C' }]), 'A, B or C');
  assert.equal(protocolList('and', [{ displayName: 'A' }]), 'A');
});
