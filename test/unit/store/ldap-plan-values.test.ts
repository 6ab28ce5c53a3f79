import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INHERITED } from '../../../src/core/mailbox-plans.js';
import { decodePlanItem, decodeSetting, encodePlanItem, encodeSetting } from '../../../src/store/ldap/plan-values.js';

test('plan settings round-trip as "<Property> <TOKEN>"; unknown properties and tokens read as nothing', () => {
  assert.equal(encodeSetting('PopEnabled', false), 'PopEnabled FALSE');
  assert.deepEqual(decodeSetting('ImapEnabled TRUE'), { property: 'ImapEnabled', value: true });
  assert.deepEqual(decodeSetting('ImapEnabled NULL'), { property: 'ImapEnabled', value: null });
  for (const bad of ['ImapEnabled UNSET', 'FutureEnabled TRUE', 'ImapEnabled yes', 'ImapEnabled TRUE x', '']) assert.equal(decodeSetting(bad), null, bad);
});

test('plan items carry their prefix, so mailbox item parsing never takes them, and unset/null round-trip', () => {
  const item = { Guid: '0b1c', Property: 'PopEnabled' as const, Before: INHERITED, After: false };
  assert.equal(encodePlanItem(item), 'plan:0b1c PopEnabled UNSET FALSE');
  assert.deepEqual(decodePlanItem(encodePlanItem(item)), item);
  assert.deepEqual(decodePlanItem('plan:0b1c ImapEnabled NULL TRUE'), { Guid: '0b1c', Property: 'ImapEnabled', Before: null, After: true });
  for (const bad of ['0b1c PopEnabled TRUE FALSE', 'plan: PopEnabled TRUE FALSE', 'plan:0b1c PopEnabled TRUE', 'plan:0b1c Nope TRUE FALSE']) assert.equal(decodePlanItem(bad), null, bad);
});
