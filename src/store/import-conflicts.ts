import { UsageError } from '../core/errors.js';

/**
 * What an import says when a row cannot go in, the same words on every store (admins and their
 * scripts match on them): the keys no two mailboxes may share, and the error that names the row.
 */
export type UniqueKey = 'Guid' | 'PrimarySmtpAddress' | 'EmailAddresses' | 'SamAccountName' | 'UserPrincipalName' | 'DistinguishedName';

/** The key of `key` belongs to another mailbox already. */
export function alreadyTaken(key: UniqueKey): string {
  return key === 'EmailAddresses' ? 'an address of it already belongs to another mailbox' : `its ${key} already belongs to another mailbox`;
}

/** A row the store refuses, for `reason`: a usage error (exit 2), the row named by its address. */
export function cannotImport(primarySmtpAddress: string, reason: string): UsageError {
  return new UsageError(`Cannot import '${primarySmtpAddress}': ${reason}`);
}
