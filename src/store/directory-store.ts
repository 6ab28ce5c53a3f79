import type { Mailbox, RecipientTypeDetails } from '../core/mailbox.js';
import type { FilterAst } from '../filter/ast.js';

/** An organizational unit as Get-OrganizationalUnit would show it. */
export interface OrganizationalUnit {
  Guid: string;
  Name: string;
  /** `tailspintoys.com/North America/Finance` */
  CanonicalName: string;
  DistinguishedName: string;
}

/** What to read: every given criterion must hold (an intersection, as Exchange combines them). */
export interface MailboxQuery {
  /** Canonical name of an OU: that OU and every OU below it. */
  organizationalUnit?: string;
  filter?: FilterAst;
  guids?: readonly string[];
  limit?: number;
}

/** The CAS settings `set-casmailbox` changes. */
export type CasSettingName = 'PopEnabled' | 'ImapEnabled';
export type CasSettings = Partial<Record<CasSettingName, boolean>>;

export interface CasChange {
  Guid: string;
  settings: CasSettings;
}

/** A mailbox as a CSV row or `new-mailbox` describes it, validated. */
export interface MailboxRecord {
  Guid: string | null;
  DistinguishedName: string | null;
  Name: string;
  DisplayName: string;
  Alias: string;
  SamAccountName: string;
  UserPrincipalName: string;
  PrimarySmtpAddress: string;
  EmailAddresses: string[];
  OrganizationalUnit: string;
  Department: string | null;
  Title: string | null;
  Company: string | null;
  Office: string | null;
  City: string | null;
  StateOrProvince: string | null;
  CountryOrRegion: string | null;
  CustomAttributes: (string | null)[];
  RecipientTypeDetails: RecipientTypeDetails;
  PopEnabled: boolean;
  ImapEnabled: boolean;
  /** Already hashed, with a Dovecot scheme prefix; null keeps the stored one. */
  Password: string | null;
}

export interface ImportSummary {
  created: number;
  updated: number;
  organizationalUnitsCreated: number;
}

/**
 * Where mailboxes live. The core talks only to this interface; the SQLite and LDAP drivers
 * implement it. Reads stream (a directory may hold millions of mailboxes); writes are
 * all-or-nothing per call where the store allows it.
 */
export interface DirectoryStore {
  /** The store's URL, safe to print (never holds a secret). */
  readonly url: string;
  findMailboxes(query: MailboxQuery): AsyncIterable<Mailbox>;
  countMailboxes(query: MailboxQuery): Promise<number>;
  /** For each identity, every mailbox it names (exactly, case-insensitively; `*` wildcards when asked). */
  resolveIdentities(identities: readonly string[], options: { wildcards: boolean }): Promise<Map<string, Mailbox[]>>;
  /** Every OU the text names: name, canonical name (`/` or `\`), DN or Guid. */
  findOrganizationalUnits(identity: string): Promise<OrganizationalUnit[]>;
  setCasSettings(changes: readonly CasChange[], when: Date): Promise<void>;
  importMailboxes(records: readonly MailboxRecord[], when: Date): Promise<ImportSummary>;
  close(): Promise<void>;
}
