import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestOrganizationalUnits, endsWithPath, ouCreationPlan, selectOrganizationalUnits } from '../../../src/core/organizational-units.js';
import type { OrganizationalUnit } from '../../../src/store/directory-store.js';

const unit = (guid: string, canonical: string, dn: string): OrganizationalUnit => ({
  Guid: guid, Name: canonical.split('/').at(-1) ?? '', CanonicalName: canonical, DistinguishedName: dn,
});
const UNITS = [
  unit('11111111-0000-4000-8000-000000000001', 'tailspintoys.com/Europe/Finance', 'OU=Finance,OU=Europe,DC=tailspintoys,DC=com'),
  unit('11111111-0000-4000-8000-000000000002', 'tailspintoys.com/North America', 'OU=North America,DC=tailspintoys,DC=com'),
  unit('11111111-0000-4000-8000-00000000abc3', 'tailspintoys.com/North America/Finance', 'OU=Finance,OU=North America,DC=tailspintoys,DC=com'),
  unit('11111111-0000-4000-8000-000000000004', 'tailspintoys.com/Zürich', 'OU=Zürich,DC=tailspintoys,DC=com'),
];

test('an OU identity names OUs by Guid, DN, canonical name, or a tail of it with / or \\', () => {
  const cases: [string, string[]][] = [
    ['Finance', ['tailspintoys.com/Europe/Finance', 'tailspintoys.com/North America/Finance']],
    ['north america/finance', ['tailspintoys.com/North America/Finance']],
    ['North America\\Finance', ['tailspintoys.com/North America/Finance']],
    [' tailspintoys.com/North America ', ['tailspintoys.com/North America']],
    ['ZÜRICH', ['tailspintoys.com/Zürich']],
    ['11111111-0000-4000-8000-00000000ABC3', ['tailspintoys.com/North America/Finance']],
    ['ou=finance, ou=europe, dc=tailspintoys, dc=com', ['tailspintoys.com/Europe/Finance']],
    ['America/Finance', []],
    ['Sales', []],
    ['', []],
    ['/', []],
  ];
  for (const [identity, expected] of cases) {
    assert.deepEqual(selectOrganizationalUnits(UNITS, identity).map((ou) => ou.CanonicalName), expected, identity);
  }
});

test('endsWithPath compares whole segments, folded', () => {
  assert.equal(endsWithPath('tailspintoys.com/North America/Finance', ['finance']), true);
  assert.equal(endsWithPath('tailspintoys.com/North America/Finance', ['america', 'finance']), false);
  assert.equal(endsWithPath('tailspintoys.com', ['tailspintoys.com', 'x']), false);
  assert.equal(endsWithPath('tailspintoys.com', []), false);
});

test('ouCreationPlan: existing OUs keep their spelling, the missing ones are created top down below the deepest that exists', () => {
  const stored = new Map(UNITS.map((ou) => [ou.CanonicalName.toLowerCase(), ou.CanonicalName]));
  const lookUp = (canonical: string): string | undefined => stored.get(canonical.toLowerCase());
  assert.deepEqual(ouCreationPlan('tailspintoys.com', ['NORTH AMERICA', 'finance'], lookUp), {
    canonicalName: 'tailspintoys.com/North America/Finance',
    existing: 'tailspintoys.com/North America/Finance',
    create: [],
  });
  assert.deepEqual(ouCreationPlan('tailspintoys.com', ['north america', 'Sales', 'East'], lookUp), {
    canonicalName: 'tailspintoys.com/North America/Sales/East',
    existing: 'tailspintoys.com/North America',
    create: [
      { name: 'Sales', canonicalName: 'tailspintoys.com/North America/Sales' },
      { name: 'East', canonicalName: 'tailspintoys.com/North America/Sales/East' },
    ],
  });
  assert.deepEqual(ouCreationPlan('tailspintoys.com', [], lookUp), { canonicalName: 'tailspintoys.com', existing: 'tailspintoys.com', create: [] });
  // Below a missing OU nothing is looked up: none can exist.
  const asked: string[] = [];
  ouCreationPlan('example.com', ['A', 'B'], (canonical) => void asked.push(canonical));
  assert.deepEqual(asked, ['example.com/A']);
});

test('an OU that names none: the closest OUs, each segment within its typos, case and accents folded', () => {
  const closest = (identity: string): string[] => closestOrganizationalUnits(UNITS, identity).map((ou) => ou.CanonicalName);
  assert.deepEqual(closest('North America\\Finanse'), ['tailspintoys.com/North America/Finance']);
  assert.deepEqual(closest('Finanse'), ['tailspintoys.com/Europe/Finance', 'tailspintoys.com/North America/Finance']);
  assert.deepEqual(closest('Zurich'), ['tailspintoys.com/Zürich']);
  assert.deepEqual(closest('zurik'), ['tailspintoys.com/Zürich']);
  assert.deepEqual(closest('Nort Amerika/Finance'), ['tailspintoys.com/North America/Finance']);
  assert.deepEqual(closest('Asia/Finance'), [], 'every segment must be close');
  assert.deepEqual(closest('Narnia'), []);
  assert.deepEqual(closest(''), []);
  assert.equal(closestOrganizationalUnits(UNITS, 'Finance', 1).length, 1);
});
