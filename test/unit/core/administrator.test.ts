import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMINISTRATOR_REFUSED, effectiveEnabled, isAdministratorAccount, refusesAdministrator, refusesWrite } from '../../../src/core/administrator.js';
import { PROTOCOLS } from '../../../src/core/protocols.js';

test('the built-in account is the one whose SamAccountName is Administrator, in any case', () => {
  for (const [sam, expected] of [['Administrator', true], ['ADMINISTRATOR', true], ['administrator', true], ['admin', false], ['Administrators', false], ['', false]] as const) {
    assert.equal(isAdministratorAccount(sam), expected, sam);
  }
});

test('the Administrator mailbox reads disabled whatever is stored, and only enabling it is refused', () => {
  const cases: [isAdministrator: boolean, value: boolean, reads: boolean, refused: boolean][] = [
    [false, true, true, false],
    [false, false, false, false],
    [true, true, false, true],
    [true, false, false, false],
  ];
  for (const protocol of ADMINISTRATOR_REFUSED) {
    for (const [isAdministrator, value, reads, refused] of cases) {
      assert.equal(effectiveEnabled(protocol, isAdministrator, value), reads, `${protocol.name} reads ${isAdministrator} ${value}`);
      assert.equal(refusesWrite(protocol, isAdministrator, value), refused, `${protocol.name} writes ${isAdministrator} ${value}`);
    }
  }
});

test('a protocol the rule does not cover reads and writes as stored, the Administrator too', () => {
  const allowed = { administrator: 'allowed' } as const;
  for (const isAdministrator of [false, true]) {
    for (const value of [false, true]) {
      assert.equal(effectiveEnabled(allowed, isAdministrator, value), value, `reads ${isAdministrator} ${value}`);
      assert.equal(refusesWrite(allowed, isAdministrator, value), false, `writes ${isAdministrator} ${value}`);
    }
  }
  assert.equal(refusesAdministrator(allowed), false);
  assert.equal(refusesAdministrator({ administrator: 'refused' }), true);
});

test('the refused protocols are the registry entries marked so, in registry order: POP3 and IMAP4 today', () => {
  assert.deepEqual(ADMINISTRATOR_REFUSED, PROTOCOLS.filter((p) => p.administrator === 'refused'));
  assert.deepEqual(ADMINISTRATOR_REFUSED.map((p) => p.displayName), ['POP3', 'IMAP4']);
  // ManageSieve manages filters, not mail: like Exchange's OWA it is the Administrator's as well.
  assert.equal(PROTOCOLS.find((p) => p.name === 'sieve')?.administrator, 'allowed');
});
