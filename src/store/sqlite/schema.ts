import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS } from '../../core/mailbox.js';
import type { ProtocolName, ProtocolWithDefaults } from '../../core/protocols.js';

/** The `mailboxes` column holding each protocol's CAS setting (added by the first migration, or by the protocol's own). */
export const ENABLED_COLUMN: Readonly<Record<ProtocolName, string>> = {
  pop3: 'pop_enabled',
  imap: 'imap_enabled',
  owa: 'owa_enabled',
};

/** The `mailboxes` column holding the UseProtocolDefaults of each protocol that has one. */
export const USE_DEFAULTS_COLUMN: Readonly<Record<ProtocolWithDefaults['name'], string>> = {
  pop3: 'pop_use_protocol_defaults',
  imap: 'imap_use_protocol_defaults',
};

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Never edit a released migration: add one. Dovecot reads `mailboxes` directly (see
 * `get-dovecotconfig`), so its column names are part of casctl's public contract.
 */
const customAttributeColumns = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `  custom_attribute_${n} TEXT COLLATE NOCASE,`).join('\n');
const recipientTypes = RECIPIENT_TYPE_DETAILS.map((t) => `'${t}'`).join(', ');

export const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE organizational_units (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  canonical_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  distinguished_name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE INDEX organizational_units_name ON organizational_units(name);

CREATE TABLE mailboxes (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE COLLATE NOCASE,
  distinguished_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  display_name TEXT NOT NULL COLLATE NOCASE,
  alias TEXT NOT NULL COLLATE NOCASE,
  sam_account_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  user_principal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  -- lower-case: Dovecot lower-cases logins before it looks them up
  primary_smtp_address TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (primary_smtp_address = lower(primary_smtp_address) COLLATE BINARY),
  organizational_unit TEXT NOT NULL COLLATE NOCASE,
  department TEXT COLLATE NOCASE,
  title TEXT COLLATE NOCASE,
  company TEXT COLLATE NOCASE,
  office TEXT COLLATE NOCASE,
  city TEXT COLLATE NOCASE,
  state_or_province TEXT COLLATE NOCASE,
  country_or_region TEXT COLLATE NOCASE,
${customAttributeColumns}
  recipient_type_details TEXT NOT NULL COLLATE NOCASE CHECK (recipient_type_details IN (${recipientTypes})),
  is_administrator INTEGER NOT NULL DEFAULT 0 CHECK (is_administrator IN (0, 1)),
  pop_enabled INTEGER NOT NULL DEFAULT 1 CHECK (pop_enabled IN (0, 1)),
  imap_enabled INTEGER NOT NULL DEFAULT 1 CHECK (imap_enabled IN (0, 1)),
  pop_use_protocol_defaults INTEGER NOT NULL DEFAULT 1 CHECK (pop_use_protocol_defaults IN (0, 1)),
  imap_use_protocol_defaults INTEGER NOT NULL DEFAULT 1 CHECK (imap_use_protocol_defaults IN (0, 1)),
  -- with a Dovecot scheme prefix, e.g. {SHA512-CRYPT}$6$...; NULL: no login possible
  password TEXT,
  when_created TEXT NOT NULL,
  when_changed TEXT NOT NULL
);
CREATE INDEX mailboxes_name ON mailboxes(name);
CREATE INDEX mailboxes_alias ON mailboxes(alias);
CREATE INDEX mailboxes_organizational_unit ON mailboxes(organizational_unit);
CREATE INDEX mailboxes_department ON mailboxes(department);

-- every proxy address, the primary one included (EmailAddresses)
CREATE TABLE email_addresses (
  address TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE
);
CREATE INDEX email_addresses_mailbox ON email_addresses(mailbox_id);
`,
  // 2: change history (DESIGN.md §4), written in the same transaction as the change it records.
  `
CREATE TABLE change_records (
  id INTEGER PRIMARY KEY,
  when_changed TEXT NOT NULL,
  os_user TEXT NOT NULL,
  sudo_user TEXT,
  host TEXT NOT NULL,
  command_line TEXT NOT NULL,
  -- the change this one undid, if it is an undo
  undo_of INTEGER REFERENCES change_records(id)
);
CREATE INDEX change_records_when ON change_records(when_changed);

CREATE TABLE change_items (
  change_id INTEGER NOT NULL REFERENCES change_records(id),
  -- no foreign key: the history outlives a deleted mailbox, which the Guid still names
  mailbox_id INTEGER NOT NULL,
  mailbox_guid TEXT NOT NULL COLLATE NOCASE,
  property TEXT NOT NULL,
  before INTEGER NOT NULL CHECK (before IN (0, 1)),
  after INTEGER NOT NULL CHECK (after IN (0, 1)),
  PRIMARY KEY (change_id, mailbox_id, property)
) WITHOUT ROWID;
CREATE INDEX change_items_mailbox ON change_items(mailbox_guid);
`,
  // 3: when each protocol service last refreshed its caches, to tell which changes it has not seen.
  `
CREATE TABLE service_state (
  name TEXT NOT NULL PRIMARY KEY,
  -- every change up to this change_records id has been made effective
  refreshed_through INTEGER NOT NULL,
  refreshed_at TEXT NOT NULL
);
`,
  // 4: OWAEnabled (IMAP from the webmail hosts); existing mailboxes keep webmail, as they kept IMAP.
  `
ALTER TABLE mailboxes ADD COLUMN owa_enabled INTEGER NOT NULL DEFAULT 1 CHECK (owa_enabled IN (0, 1));
`,
];
