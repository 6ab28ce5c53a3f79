import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAS_SETTINGS } from '../../../src/core/protocols.js';
import { compareChangeItems, inChangeOrder } from '../../../src/store/change-order.js';
import type { ChangeItem } from '../../../src/store/directory-store.js';

const item = (Name: string | null, Guid: string, Property: ChangeItem['Property']): ChangeItem => ({
  Guid, Name, PrimarySmtpAddress: Name === null ? null : `${Name}@x.y`, Property, Before: true, After: false,
});

test("a record's items: removed mailboxes first, then by Name in any case, then Guid, then the registry's setting order", () => {
  const expected: ChangeItem[] = [
    ...CAS_SETTINGS.map((s) => item(null, 'a0000000-0000-0000-0000-000000000000', s)),
    ...CAS_SETTINGS.map((s) => item(null, 'B0000000-0000-0000-0000-000000000000', s)),
    ...CAS_SETTINGS.map((s) => item('adele', 'f0000000-0000-0000-0000-000000000000', s)),
    ...CAS_SETTINGS.map((s) => item('Ben', 'c0000000-0000-0000-0000-000000000000', s)),
    ...CAS_SETTINGS.map((s) => item('ben', 'D0000000-0000-0000-0000-000000000000', s)),
    ...CAS_SETTINGS.map((s) => item('Zoë', '10000000-0000-0000-0000-000000000000', s)),
  ];
  assert.deepEqual(inChangeOrder([...expected].reverse()), expected);
  // Any starting order: the rule alone decides.
  const rotated = [...expected.slice(3), ...expected.slice(0, 3)];
  assert.deepEqual(inChangeOrder(rotated), expected);
});

test('within a mailbox the settings follow the registry, not the alphabet', () => {
  const guid = 'e0000000-0000-0000-0000-000000000000';
  const items = [...CAS_SETTINGS].sort().reverse().map((s) => item('Rand', guid, s));
  assert.deepEqual(inChangeOrder(items).map((i) => i.Property), CAS_SETTINGS);
  const [first, second] = CAS_SETTINGS;
  assert.ok(first !== undefined && second !== undefined);
  assert.ok(compareChangeItems(item('Rand', guid, first), item('Rand', guid, second)) < 0);
  assert.equal(compareChangeItems(item('Rand', guid, first), item('RAND', guid.toUpperCase(), first)), 0);
});
