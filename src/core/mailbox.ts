import { CAS_SETTINGS, USE_DEFAULTS_PROPERTIES, type CasSettingValues, type UseDefaultsName } from './protocols.js';

/** The Exchange vocabulary of DESIGN.md §2: a mailbox as casctl reads and writes it. */

export const RECIPIENT_TYPE_DETAILS = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'EquipmentMailbox'] as const;
export type RecipientTypeDetails = (typeof RECIPIENT_TYPE_DETAILS)[number];

export const CUSTOM_ATTRIBUTE_NUMBERS = Array.from({ length: 15 }, (_, i) => i + 1);

/** A field per protocol (core/protocols.ts): its CAS setting and its UseProtocolDefaults. */
type ProtocolFields = CasSettingValues & { [K in UseDefaultsName]: boolean };

/**
 * The CAS settings are as Exchange shows them: an Enabled setting is effective (always false for
 * the Administrator mailbox where the rule covers it, whatever is stored); a nullable one is the
 * mailbox's own value, $null when it follows the organisation default.
 */
export interface Mailbox extends ProtocolFields {
  Guid: string;
  DistinguishedName: string;
  Name: string;
  DisplayName: string;
  Alias: string;
  SamAccountName: string;
  UserPrincipalName: string;
  PrimarySmtpAddress: string;
  /** Every proxy address, the primary one included, without the `SMTP:` prefix. */
  EmailAddresses: string[];
  /** Canonical name of the containing OU, e.g. `tailspintoys.com/North America/Finance`. */
  OrganizationalUnit: string;
  Department: string | null;
  Title: string | null;
  Company: string | null;
  Office: string | null;
  City: string | null;
  StateOrProvince: string | null;
  CountryOrRegion: string | null;
  /** CustomAttribute1..15, index 0 is CustomAttribute1. */
  CustomAttributes: (string | null)[];
  RecipientTypeDetails: RecipientTypeDetails;
  IsAdministrator: boolean;
  /** ISO 8601 UTC. */
  WhenCreated: string;
  WhenChanged: string;
}

export type MailboxField = keyof Mailbox;

// A record, so that the compiler checks the list is complete; the protocols' fields come from the registry.
const FIELDS: Record<Exclude<MailboxField, keyof ProtocolFields>, true> = {
  Guid: true, DistinguishedName: true, Name: true, DisplayName: true, Alias: true, SamAccountName: true,
  UserPrincipalName: true, PrimarySmtpAddress: true, EmailAddresses: true, OrganizationalUnit: true, Department: true,
  Title: true, Company: true, Office: true, City: true, StateOrProvince: true, CountryOrRegion: true,
  CustomAttributes: true, RecipientTypeDetails: true, IsAdministrator: true,
  WhenCreated: true, WhenChanged: true,
};
/** Every field of a mailbox: a read that does not name the ones it needs gets them all. */
export const MAILBOX_FIELDS: readonly MailboxField[] = [...(Object.keys(FIELDS) as MailboxField[]), ...CAS_SETTINGS, ...USE_DEFAULTS_PROPERTIES];

/** Exchange shows proxy addresses with their type prefix; upper case marks the primary one. */
export function proxyAddresses(mailbox: Pick<Mailbox, 'EmailAddresses' | 'PrimarySmtpAddress'>): string[] {
  return mailbox.EmailAddresses.map((address) =>
    address.toLowerCase() === mailbox.PrimarySmtpAddress.toLowerCase() ? `SMTP:${address}` : `smtp:${address}`,
  );
}

/** Case folding used for every case-insensitive comparison casctl makes (identities, filters, OUs): the filter language's own. */
export { fold } from '../filter/text.js';

/** SQLite's NOCASE folds ASCII only: pure-ASCII text can use its indexes, other text is compared folded. */
export function isAscii(text: string): boolean {
  return /^\p{ASCII}*$/u.test(text);
}
