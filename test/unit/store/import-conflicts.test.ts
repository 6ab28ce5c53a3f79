import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { alreadyTaken, cannotImport, type UniqueKey } from '../../../src/store/import-conflicts.js';

test('every store words a taken key alike', () => {
  const cases: [UniqueKey, string][] = [
    ['Guid', 'its Guid already belongs to another mailbox'],
    ['PrimarySmtpAddress', 'its PrimarySmtpAddress already belongs to another mailbox'],
    ['EmailAddresses', 'an address of it already belongs to another mailbox'],
    ['SamAccountName', 'its SamAccountName already belongs to another mailbox'],
    ['UserPrincipalName', 'its UserPrincipalName already belongs to another mailbox'],
    ['DistinguishedName', 'its DistinguishedName already belongs to another mailbox'],
  ];
  for (const [key, message] of cases) assert.equal(alreadyTaken(key), message);
});

test('a refused row is a usage error that names it', () => {
  const error = cannotImport('rand.zaher@tailspintoys.com', alreadyTaken('Guid'));
  assert.ok(error instanceof UsageError);
  assert.equal(error.message, "Cannot import 'rand.zaher@tailspintoys.com': its Guid already belongs to another mailbox");
});
