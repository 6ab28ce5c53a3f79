import { fold } from './mailbox.js';

/**
 * The Administrator rule (DESIGN.md §2), for every place that reads, writes, imports or plans CAS
 * settings: the built-in administrator account can never use POP3 or IMAP4. A store keeps the
 * flag with the mailbox; in SQL the drivers state the same rule in their own terms
 * (store/sqlite/administrator-sql.ts, the LDAP assertion in store/ldap/apply-changes.ts).
 */

/** The built-in account is the one whose SamAccountName is Administrator; stores flag it so on import. */
export function isAdministratorAccount(samAccountName: string): boolean {
  return fold(samAccountName) === 'administrator';
}

/** What a protocol setting reads as: disabled for the Administrator mailbox, whatever is stored. */
export function effectiveEnabled(isAdministrator: boolean, stored: boolean): boolean {
  return stored && !isAdministrator;
}

/** Setting a protocol to `to` is refused only when it would enable the Administrator mailbox. */
export function refusesWrite(isAdministrator: boolean, to: boolean): boolean {
  return isAdministrator && to;
}
