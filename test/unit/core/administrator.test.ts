import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveEnabled, isAdministratorAccount, refusesWrite } from '../../../src/core/administrator.js';

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
  for (const [isAdministrator, value, reads, refused] of cases) {
    assert.equal(effectiveEnabled(isAdministrator, value), reads, `reads ${isAdministrator} ${value}`);
    assert.equal(refusesWrite(isAdministrator, value), refused, `writes ${isAdministrator} ${value}`);
  }
});
