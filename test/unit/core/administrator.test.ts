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

test('SMTP AUTH is allowed for the Administrator, as Exchange allows it: every value is written as asked', () => {
  const smtp = PROTOCOLS.find((p) => p.name === 'smtp');
  assert.ok(smtp !== undefined);
  for (const value of [true, false, null]) assert.equal(refusesWrite(smtp, true, value), false, String(value));
});

test('a Disabled setting the rule covered would refuse only the value that admits: $false', () => {
  const disabled = { administrator: 'refused', sense: 'disabled' } as const;
  assert.deepEqual([true, false, null].map((value) => refusesWrite(disabled, true, value)), [false, true, false]);
  assert.deepEqual([true, false, null].map((value) => refusesWrite(disabled, false, value)), [false, false, false]);
});

test('the refused protocols are the registry entries marked so, in registry order: POP3 and IMAP4 today', () => {
  assert.deepEqual(ADMINISTRATOR_REFUSED, PROTOCOLS.filter((p) => p.administrator === 'refused'));
  assert.deepEqual(ADMINISTRATOR_REFUSED.map((p) => p.displayName), ['POP3', 'IMAP4']);
  // ManageSieve manages filters, not mail: like Exchange's OWA it is the Administrator's as well.
  assert.equal(PROTOCOLS.find((p) => p.name === 'sieve')?.administrator, 'allowed');
});
